"""Past one machine: web processes are stateless (sessions in the database, files on a shared
path), so two of them serve one database interchangeably."""

from __future__ import annotations

import http.cookiejar
import io
import re
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from doleances.models import Category, Complaint, Photo
from tests.operations.conftest import child_env, cpps, free_port


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


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_share_sessions_and_files(paris_live, settings):
    # The servers check passwords with the project's hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_user_model().objects.create_superuser("admin-scale", "a@example.org", "motdepasse-scale")
    ports = free_port(), free_port()
    # Plain HTTP on loopback: cookies are only marked Secure (never sent over HTTP) when debug
    # is off, as in production behind TLS; this test is about state shared between processes.
    env = child_env("database", CPPS_WEB_WORKERS="1", CPPS_DEBUG="1")
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
    finally:
        for web in webs:
            web.terminate()
        for web in webs:
            web.wait(timeout=60)
