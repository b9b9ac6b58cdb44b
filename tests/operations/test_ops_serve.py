"""Production operation: the systemd units' commands, /sante/, /metrics, JSON logs."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from cpps.operation import JsonFormatter
from observatoire import services
from operations import scheduler
from operations.models import WorkerHeartbeat
from tests.operations.conftest import child_env, cpps, free_port

DEPLOY = Path(settings.BASE_DIR) / "docs" / "deploy.md"


def unit_command(unit: str, port: int) -> list[str]:
    """The ExecStart of `unit` in docs/deploy.md, with this venv's cpps and a free port."""
    text = DEPLOY.read_text(encoding="utf-8")
    block = text.split(f"# /etc/systemd/system/{unit}.service", 1)[1].split("```", 1)[0]
    command = re.search(r"^ExecStart=(.+)$", block, re.M)[1].split()
    assert command[0] == "/srv/cpps/.venv/bin/cpps"
    return cpps(*(arg.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for arg in command[1:]))


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.django_db(transaction=True)
def test_the_units_commands_serve_and_work(paris_live):
    port = free_port()
    env = child_env("database", CPPS_WEB_WORKERS="2", CPPS_SCHEDULER_TICK_SECONDS="1")
    web = subprocess.Popen(unit_command("cpps-web", port), env=env)
    worker = subprocess.Popen(unit_command("cpps-worker", port), env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        status, body = None, b""
        while time.monotonic() < deadline:
            assert web.poll() is None and worker.poll() is None
            try:
                status, body = get(f"{base}/sante/")
            except OSError:  # not listening yet
                time.sleep(0.5)
                continue
            if status == 200:
                break
            time.sleep(0.5)
        report = json.loads(body)
        assert status == 200, report
        assert report["database"] == "ok" and report["migrations_pending"] == 0
        assert report["worker_seconds_since_heartbeat"] < 60
        assert report["analytics_store_age_seconds"] is not None
        assert get(f"{base}/")[0] == 200
        assert get(f"{base}/static/cpps/cpps.css")[0] == 200  # WhiteNoise
        metrics = get(f"{base}/metrics")[1].decode()
        assert "cpps_http_request_duration_seconds_count" in metrics
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=60)


@pytest.mark.django_db
def test_health_says_503_until_a_worker_beats_and_the_store_is_fresh(client):
    WorkerHeartbeat.objects.all().delete()
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["worker_seconds_since_heartbeat"] is None
    scheduler.beat("test-worker", time_now())
    services.refresh()
    response = client.get("/sante/")
    assert response.status_code == 200, response.json()
    assert response.json()["queue_depth"] == 0 and response.json()["database"] == "ok"


def time_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db
def test_metrics_only_for_allowed_addresses_or_the_token(client, settings):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    settings.CPPS_METRICS_TOKEN = "jeton-de-test-123"
    denied = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer faux")
    assert denied.status_code == 403
    allowed = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer jeton-de-test-123"
    )
    assert allowed.status_code == 200
    assert "cpps_task_queue_depth" in allowed.content.decode()


@pytest.mark.django_db
def test_logs_are_json_with_a_request_id_and_no_personal_data(client, paris, caplog):
    from doleances.models import Category, Complaint

    caplog.set_level(logging.INFO)
    name, email, phone = "Camille Dupontel", "camille.dupontel@example.org", "06 12 34 56 78"
    response = client.post(
        "/signaler/",
        {
            "category": Category.objects.get(code="bruit-rue").pk,
            "description": "Musique forte chaque nuit.",
            "latitude": "48.8665",
            "longitude": "2.3745",
            "contact_name": name,
            "contact_email": email,
            "contact_phone": phone,
            "consent_contact": "on",
        },
        HTTP_X_REQUEST_ID="demande-0001",
    )
    assert response.status_code == 302 and response["X-Request-ID"] == "demande-0001"
    complaint = Complaint.objects.get()
    client.get(f"/suivi/{complaint.reference}/{complaint.tracking_token}/")
    lines = [JsonFormatter().format(record) for record in caplog.records]
    entries = [json.loads(line) for line in lines]
    requests = [e for e in entries if e["logger"] == "cpps.request"]
    assert requests[0]["request_id"] == "demande-0001" and requests[0]["status"] == 302
    assert len({e["request_id"] for e in requests}) == 2
    # Django's own error records carry the request: its path (with the token) stays out.
    failing = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "%s: %s", ("Erreur", "/suivi/x/"), None
    )
    failing.request = type("Request", (), {"path": "/suivi/x/", "resolver_match": None})()
    lines.append(JsonFormatter().format(failing))
    assert json.loads(lines[-1])["message"] == "Erreur: (aucune)"
    text = "\n".join(lines)
    for secret in (name, "Dupontel", email, "0612345678", phone, complaint.tracking_token):
        assert secret not in text
    assert "/suivi/" not in text


@pytest.mark.django_db(transaction=True)
def test_cpps_run_starts_web_and_worker_and_one_ctrl_c_stops_both(paris_live):
    """`make run`'s last step: one command, one Ctrl-C (SIGINT to the terminal's group)."""
    port = free_port()
    env = child_env("database", CPPS_SCHEDULER_TICK_SECONDS="1")
    run = subprocess.Popen(
        cpps("run", f"127.0.0.1:{port}", "--serve"), env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert run.poll() is None
            try:
                if get(f"http://127.0.0.1:{port}/sante/")[0] == 200:  # web and worker up
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("cpps run: not healthy after 90 s")
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(timeout=60) == 0
        with pytest.raises(OSError):
            get(f"http://127.0.0.1:{port}/sante/")
        assert subprocess.run(["pgrep", "-s", str(run.pid)], capture_output=True).stdout == b""
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
