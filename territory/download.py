"""Download the official boundary files once, check them, and cache them under CPPS_VAR_DIR."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from django.conf import settings

from territory.loader import ARRONDISSEMENTS_FILE, QUARTIERS_FILE, check_files

TIMEOUT_SECONDS = 60


def geo_cache_dir() -> Path:
    return Path(settings.CPPS_VAR_DIR) / "geo"


def ensure_geo_files(sources: dict[str, str] | None = None, target: Path | None = None) -> Path:
    """Return a directory holding valid boundary files, downloading those missing.

    A download goes to a temporary name and is renamed only once checked, so an interrupted
    or wrong download never poisons the cache.
    """
    sources = sources or settings.CPPS_GEO_SOURCES
    target = Path(target or geo_cache_dir())
    target.mkdir(parents=True, exist_ok=True)
    for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
        final = target / name
        if final.exists():
            continue
        partial = target / (name + ".part")
        url = sources[name]
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"URL de téléchargement non prise en charge : {url}")
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            partial.write_bytes(response.read())
        partial.replace(final)
    try:
        check_files(target / ARRONDISSEMENTS_FILE, target / QUARTIERS_FILE)
    except ValueError:
        for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
            (target / name).unlink(missing_ok=True)
        raise
    return target
