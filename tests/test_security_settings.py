"""Safe defaults: debug off, a real secret key required, HTTPS settings from the environment,
every CPPS_* setting the code reads documented in the README, and no code, test or bench
naming a setting that does not exist (an override of a removed setting changes nothing)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The production environment the README documents (« Mise en production »).
PRODUCTION_ENV = {
    "CPPS_ALLOWED_HOSTS": "cpps.paris.fr",
    "CPPS_SSL_REDIRECT": "1",
    "CPPS_HSTS_SECONDS": "31536000",
    "CPPS_HSTS_INCLUDE_SUBDOMAINS": "1",
    "CPPS_HSTS_PRELOAD": "1",
}
READ_ENV = re.compile(
    r"(?:environ(?:\.get)?\s*[\[(]|_env_bool\(|getenv\()\s*[\"'](CPPS_[A-Z0-9_]+)[\"']"
)


def _run_check(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    """`cpps check` in a fresh process: settings are read from the environment at start."""
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("CPPS_") or k.endswith("_DIR")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(extra_env)
    code = (
        "import django, sys; from django.core.management import call_command; "
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cpps.settings'); "
        "django.setup(); call_command('check', *sys.argv[1:])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _documented_settings() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_cells = [line.split("|")[1] for line in readme.splitlines() if line.startswith("| ")]
    return {name for cell in first_cells for name in re.findall(r"`(CPPS_[A-Z0-9_]+)`", cell)}


def _python_files() -> dict[Path, str]:
    """Every Python file of the repository but this one (its examples name unknown
    settings on purpose), with its text."""
    return {
        path: path.read_text(encoding="utf-8")
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] not in {".venv", "var", "node_modules"}
        and path != Path(__file__).resolve()
    }


def _settings_read_by_the_code() -> set[str]:
    return {
        name
        for path, text in _python_files().items()
        if path.relative_to(ROOT).parts[0] not in {"tests", "bench"}
        for name in READ_ENV.findall(text)
    }


def test_every_cpps_setting_read_by_the_code_is_in_the_readme_table():
    read = _settings_read_by_the_code()
    assert {"CPPS_DEBUG", "CPPS_SECRET_KEY", "CPPS_ALLOWED_HOSTS", "CPPS_EMAIL_BACKEND"} <= read
    missing = read - _documented_settings()
    assert not missing, f"réglages absents du tableau du README : {sorted(missing)}"


# Settings named in Python: read or assigned (`settings.NAME`, also pytest-django's `settings`
# fixture), by name (`getattr(settings, "NAME")`), or overridden (`override_settings(NAME=…)`).
SETTING_NAMED = (
    re.compile(r"\bsettings\.([A-Z][A-Z0-9_]*)\b"),
    re.compile(r"(?:get|has|set)attr\(\s*settings\s*,\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
)
OVERRIDE = re.compile(r"override_settings\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
KEYWORD = re.compile(r"(?<![\w.])([A-Z][A-Z0-9_]*)\s*=(?!=)")
CPPS_NAME = re.compile(r"\bCPPS_[A-Z0-9_]+")


def test_no_code_test_or_bench_names_a_setting_that_does_not_exist():
    """Overriding a removed setting silently tests nothing; a CPPS_* name that is neither a
    setting nor read from the environment anywhere (an environment a script passes on) is as
    dead."""
    from django.conf import settings

    files = _python_files()
    read_from_environment = {name for text in files.values() for name in READ_ENV.findall(text)}
    unknown = {}
    for path, text in files.items():
        names = {name for pattern in SETTING_NAMED for name in pattern.findall(text)}
        names.update(n for m in OVERRIDE.finditer(text) for n in KEYWORD.findall(m.group(1)))
        names.update(n for n in CPPS_NAME.findall(text) if n not in read_from_environment)
        for name in names:
            if not hasattr(settings, name):
                unknown.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert not unknown, f"réglages inexistants : {unknown}"


def test_the_setting_scan_sees_overrides_and_fixture_assignments():
    text = (
        "@override_settings(CPPS_GONE=1, DEBUG=False)\n"
        "settings.CPPS_ALSO_GONE = 2\n"
        "with override_settings(CACHES={'default': dict(a=1)}, X_Y=f(2)):\n"
    )
    names = {name for pattern in SETTING_NAMED for name in pattern.findall(text)}
    names.update(n for m in OVERRIDE.finditer(text) for n in KEYWORD.findall(m.group(1)))
    assert names == {"CPPS_GONE", "DEBUG", "CPPS_ALSO_GONE", "CACHES", "X_Y"}


def test_debug_is_off_and_the_placeholder_key_refused_by_default():
    result = _run_check({})
    assert result.returncode != 0
    assert "cpps.E001" in result.stderr
    # The demo asks for debug explicitly and may then use the placeholder.
    assert _run_check({"CPPS_DEBUG": "1"}).returncode == 0
    # A real key passes.
    assert _run_check({"CPPS_SECRET_KEY": secrets.token_urlsafe(50)}).returncode == 0


def test_check_deploy_with_the_documented_production_environment_says_nothing():
    env = {**PRODUCTION_ENV, "CPPS_SECRET_KEY": secrets.token_urlsafe(50)}
    result = _run_check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr
    # Without the HTTPS settings the same check warns: the test can fail.
    bare = _run_check(
        {"CPPS_SECRET_KEY": env["CPPS_SECRET_KEY"]}, "--deploy", "--fail-level", "WARNING"
    )
    assert bare.returncode != 0
    assert "security.W004" in bare.stderr and "security.W008" in bare.stderr


def test_the_readme_documents_that_production_environment():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, value in PRODUCTION_ENV.items():
        assert f"{name}={value}" in readme
