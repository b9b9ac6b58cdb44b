"""Test-run environment, loaded as a pytest plugin (`-p cpps.testing`) so that it is set
before pytest-django makes Django read its settings."""

import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

os.environ.setdefault("CPPS_DATA_DIR", str(SHARED_DATA))
os.environ.setdefault("CPPS_GEO_DIR", str(Path(os.environ["CPPS_DATA_DIR"]) / "geo"))
# Each run gets its own runtime directory (SQLite test database, uploads, analytical store)
# and its own PostgreSQL test database, so concurrent runs never share state.
os.environ["CPPS_VAR_DIR"] = tempfile.mkdtemp(prefix="cpps-test-")
atexit.register(shutil.rmtree, os.environ["CPPS_VAR_DIR"], ignore_errors=True)
os.environ.setdefault("CPPS_TEST_DB_NAME", f"test_cpps_{os.getpid()}")
# Tests run with production defaults (debug off), so they need a real key of their own.
os.environ.setdefault("CPPS_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CPPS_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Tasks run in place unless a test picks a backend and runs a worker.
os.environ.setdefault("CPPS_TASKS_BACKEND", "immediate")
# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
