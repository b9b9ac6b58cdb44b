"""`cpps backup DIR` / `cpps restore DIR`: what a city needs to get its service back.

A backup directory holds the case database (SQLite: the online backup API, consistent
while the site runs; PostgreSQL: `pg_dump` custom format), the uploaded files (photos),
`environment.env` (the CPPS_* and DATABASE_URL settings of the process that made it, to
restart with; it holds secrets: mode 0600, like the whole backup, which holds personal data)
and `manifest.json` (date, engine, row counts). The observatory store is not in it: it is
derived data, rebuilt from the restored database after a restore.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

DATABASE_SQLITE = "database.sqlite3"
DATABASE_DUMP = "database.dump"
MEDIA = "media"
ENVIRONMENT = "environment.env"
MANIFEST = "manifest.json"
#: Row counts written to the manifest and compared after a restore.
COUNTED = (
    "doleances.Complaint",
    "doleances.Complainant",
    "doleances.Photo",
    "traitement.Case",
    "traitement.CaseEvent",
    "accounts.AuditEvent",
)


class BackupError(RuntimeError):
    pass


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def backup(directory: Path) -> dict:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    engine = connection.vendor
    if engine == "sqlite":
        target = directory / DATABASE_SQLITE
        target.unlink(missing_ok=True)
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # page by page, consistent, writers keep going
        finally:
            copy.close()
            source.close()
    elif engine == "postgresql":
        args, env = _pg_env()
        done = subprocess.run(
            [
                "pg_dump",
                "-Fc",
                *args,
                "-f",
                str(directory / DATABASE_DUMP),
                connection.settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(f"pg_dump : {done.stderr.strip()}")
    else:
        raise BackupError(f"Base non prise en charge : {engine}")
    media = directory / MEDIA
    shutil.rmtree(media, ignore_errors=True)
    if Path(settings.MEDIA_ROOT).is_dir():
        shutil.copytree(settings.MEDIA_ROOT, media)
    else:
        media.mkdir()
    variables = {
        key: value
        for key, value in sorted(os.environ.items())
        if key.startswith("CPPS_") or key == "DATABASE_URL"
    }
    env_file = directory / ENVIRONMENT
    env_file.write_text("".join(f"{k}={v}\n" for k, v in variables.items()), encoding="utf-8")
    os.chmod(env_file, 0o600)
    manifest = {"created_at": timezone.now().isoformat(), "engine": engine, "counts": counts()}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(directory: Path) -> dict:
    """Put the backup's database and files in place of the current ones, then rebuild the
    observatory store. The settings file is left for the operator (systemd's
    EnvironmentFile)."""
    from observatoire import store, writer

    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(
            f"Pas de sauvegarde cpps dans {directory} ({MANIFEST} manque)."
        ) from error
    engine = connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(
            f"Sauvegarde {manifest['engine']}, base configurée {engine} : rien n'est restauré."
        )
    if engine == "sqlite":
        connection.close()
        source = sqlite3.connect(directory / DATABASE_SQLITE)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)  # replaces every page of the live file, under its lock
        finally:
            target.close()
            source.close()
    else:
        connection.close()
        args, env = _pg_env()
        done = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                connection.settings_dict["NAME"],
                str(directory / DATABASE_DUMP),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(f"pg_restore : {done.stderr.strip()}")
    media = Path(settings.MEDIA_ROOT)
    shutil.rmtree(media, ignore_errors=True)
    shutil.copytree(directory / MEDIA, media)
    shutil.rmtree(store.store_dir(), ignore_errors=True)
    rebuilt = writer.refresh(full=True)
    restored = counts()
    if restored != manifest["counts"]:
        raise BackupError(f"Comptes différents après restauration : {restored}")
    return {"counts": restored, "observatory_rows": rebuilt["rows"]}
