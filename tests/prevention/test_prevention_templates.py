"""The module's pages are ready for a strict Content-Security-Policy: no inline script or
style, no third-party host (Leaflet comes from the xstatic-leaflet package)."""

import re
from pathlib import Path

import prevention

ROOT = Path(prevention.__file__).parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_templates_exist():
    assert len(TEMPLATES) >= 8


def test_no_inline_script_or_style():
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path.name
        assert "<style" not in text and " style=" not in text, path.name
        assert not re.search(r"\son[a-z]+=", text), f"inline handler in {path.name}"


def test_no_third_party_host():
    for path in [*TEMPLATES, *(ROOT / "static").rglob("*.*")]:
        text = path.read_text(encoding="utf-8")
        hosts = set(re.findall(r"(?:src|href)=\"(https?://[^\"/]+)", text))
        assert hosts <= {"https://www.stop-djihadisme.gouv.fr"}, (path.name, hosts)
