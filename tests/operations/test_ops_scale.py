"""Past one machine: web processes are stateless (sessions, rate limits and the cache in the
database or Redis, files on a shared path), so two of them serve one database interchangeably."""

from __future__ import annotations

import http.cookiejar
import io
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from PIL import Image

from doleances.models import Category, Complaint, Photo
from tests.conftest import GEO_DIR
from tests.operations.conftest import (
    REDIS_URL,
    child_env,
    cpps,
    free_port,
    start_of_a_minute,
)

NEARBY_LIMIT = 10


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None
        try:
            urllib.request.urlopen(f"{base}/signaler/", timeout=5)  # noqa: S310 - local
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{base} not up")


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def csrf(opener, url: str) -> str:
    html = opener.open(url).read().decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status  # noqa: S310 - local server
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_share_sessions_files_and_rate_limits(
    paris_live, settings, cache_backend
):
    # The servers check passwords with the project's hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_user_model().objects.create_superuser("admin-scale", "a@example.org", "motdepasse-scale")
    ports = free_port(), free_port()
    # Plain HTTP on loopback: cookies are only marked Secure (never sent over HTTP) when debug
    # is off, as in production behind TLS; this test is about state shared between processes.
    env = child_env(
        "database",
        CPPS_WEB_WORKERS="2",
        CPPS_DEBUG="1",
        CPPS_NEARBY_RATE_LIMIT=str(NEARBY_LIMIT),
        **cache_backend,
    )
    webs = [
        subprocess.Popen(cpps("serve", "--bind", f"127.0.0.1:{port}"), env=env) for port in ports
    ]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base, web in zip((first, second), webs, strict=True):
            wait_until_up(base, web)
        jar = http.cookiejar.CookieJar()  # cookies ignore the port: one browser, two servers
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        # Logged in on the first process, recognised by the second.
        token = csrf(opener, f"{first}/admin/login/")
        opener.open(
            f"{first}/admin/login/?next=/admin/",
            urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "username": "admin-scale",
                    "password": "motdepasse-scale",
                }
            ).encode(),
        )
        page = opener.open(f"{second}/admin/")
        assert page.geturl() == f"{second}/admin/" and "admin-scale" in page.read().decode()

        # Filed with a photo on the first process: the photo lands on the shared path
        # (CPPS_VAR_DIR/media), the second process shows the tracking page.
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
        body, content_type = multipart(
            {
                "csrfmiddlewaretoken": csrf(opener, f"{first}/signaler/"),
                "category": Category.objects.get(code="bruit-rue").pk,
                "description": "Musique forte chaque nuit.",
                "latitude": "48.8665",
                "longitude": "2.3745",
            },
            {"photo": ("rue.jpg", out.getvalue(), "image/jpeg")},
        )
        request = urllib.request.Request(  # noqa: S310 - local server
            f"{first}/signaler/", data=body, headers={"Content-Type": content_type}
        )
        opener.open(request)
        complaint = Complaint.objects.get()
        photo = Photo.objects.get(complaint=complaint)
        assert Path(photo.image.path).is_relative_to(settings.MEDIA_ROOT)  # the shared path
        assert Path(photo.image.path).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
        tracking = opener.open(f"{second}/suivi/{complaint.reference}/{complaint.tracking_token}/")
        assert complaint.reference in tracking.read().decode()

        # One client's « déjà signalé près d'ici » queries, racing on both processes, are
        # counted once: exactly the limit is answered, not the limit per process.
        query = urllib.parse.urlencode(
            {"category": complaint.category_id, "lat": "48.8666", "lon": "2.3746"}
        )
        urls = [f"{base}/signaler/doublons/?{query}" for base in (first, second)]
        start_of_a_minute()
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(status, urls * 2 * NEARBY_LIMIT))
        assert sorted(answers) == [200] * NEARBY_LIMIT + [429] * 3 * NEARBY_LIMIT, answers

        # Metrics are per server: each one's /metrics counts its own requests only.
        for base in (first, second):
            text = opener.open(f"{base}/metrics").read().decode()
            counts = re.findall(
                r'cpps_http_request_duration_seconds_count\{[^}]*route="signaler/doublons/"[^}]*\}'
                r" ([0-9.]+)",
                text,
            )
            assert sum(float(n) for n in counts) == 2 * NEARBY_LIMIT, text
    finally:
        for web in webs:
            web.terminate()
        for web in webs:
            web.wait(timeout=60)


def django_child(env: dict[str, str], code: str) -> str:
    """Run `code` in a fresh process with Django set up; its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_a_value_cached_by_one_process_is_read_by_another(cache_backend):
    env = child_env("immediate", **cache_backend)
    key = f"partage-{uuid.uuid4().hex}"
    cached = "from django.core.cache import caches; cache = caches['default']\n"
    django_child(env, f"{cached}cache.set({key!r}, 'oui', 60)")
    read = django_child(env, f"{cached}print(type(cache).__name__, cache.get({key!r}))")
    if cache_backend["CPPS_CACHE_BACKEND"] == "redis":
        assert read == "RedisCache oui"
        assert redis.Redis.from_url(REDIS_URL).exists(f"cpps:1:{key}")
    else:
        assert read == "DatabaseCache oui"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cpps_cache WHERE cache_key = %s", [f":1:{key}"])
            assert cursor.fetchone() == (1,)
    django_child(env, f"{cached}cache.delete({key!r})")


@pytest.mark.django_db
def test_setup_creates_the_cache_table_and_can_run_again(paris):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE cpps_cache")
    for _run in range(2):
        call_command("setup", geo_dir=str(GEO_DIR), stdout=io.StringIO())
    cache.set("setup", "prêt")
    assert cache.get("setup") == "prêt"
