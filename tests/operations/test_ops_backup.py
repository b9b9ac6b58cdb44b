"""`cpps backup DIR` and `cpps restore DIR` through the real command line: back up, destroy,
restore; the same rows, the same photos, the same tracking links, a rebuilt observatory."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from cpps.backup import counts
from doleances.models import Category, Complaint, Photo
from observatoire import store
from tests.operations.conftest import child_env, cpps


def file_with_photo(client, n: int) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20 * n, 30, 30)).save(out, "JPEG")
    response = client.post(
        "/signaler/",
        {
            "category": Category.objects.get(code="bruit-rue").pk,
            "description": f"Musique forte, nuit {n}.",
            "latitude": "48.8665",
            "longitude": "2.3745",
            "contact_email": f"habitant{n}@example.org",
            "photo": SimpleUploadedFile(f"rue{n}.jpg", out.getvalue(), "image/jpeg"),
        },
    )
    assert response.status_code == 302


def run(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        cpps(*args), env=child_env("database"), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.mark.django_db(transaction=True)
def test_backup_destroy_restore(paris_live, client, tmp_path):
    for n in range(3):
        file_with_photo(client, n)
    before = counts()
    assert before["doleances.Complaint"] == 3 and before["doleances.Photo"] == 3
    links = [f"/suivi/{c.reference}/{c.tracking_token}/" for c in Complaint.objects.order_by("pk")]
    photos = sorted(Path(p.image.path).name for p in Photo.objects.all())
    target = tmp_path / "sauvegarde"

    manifest = json.loads(run("backup", str(target)).stdout)
    assert manifest["counts"] == before
    assert (target / "environment.env").stat().st_mode & 0o777 == 0o600
    assert "CPPS_VAR_DIR=" in (target / "environment.env").read_text()
    assert not any(target.rglob("*.duckdb"))  # the store is rebuilt, not backed up

    call_command("flush", interactive=False, verbosity=0)  # the disaster
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(store.store_dir())
    assert Complaint.objects.count() == 0

    run("restore", str(target))
    assert counts() == before
    assert sorted(Path(p.image.path).name for p in Photo.objects.all()) == photos
    assert all(Path(p.image.path).is_file() for p in Photo.objects.all())
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and "Nouvelle" in response.content.decode()
    assert store.status()["rows"] == 3  # rebuilt from the restored database


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    done = subprocess.run(
        cpps("restore", str(tmp_path)),
        env=child_env("database"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "Pas de sauvegarde cpps" in done.stderr
