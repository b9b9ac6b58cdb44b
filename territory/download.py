"""Download the official boundary files once, check them, and cache them under CPPS_VAR_DIR."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from territory.loader import (
    ARRONDISSEMENTS_FILE,
    QUARTIERS_FILE,
    TerritoryFileError,
    check_file,
    check_files,
)

TIMEOUT_SECONDS = 60


def geo_cache_dir() -> Path:
    return Path(settings.CPPS_VAR_DIR) / "geo"


def ensure_geo_files(sources: dict[str, str] | None = None, target: Path | None = None) -> Path:
    """Return a directory holding valid boundary files, downloading those missing.

    A download goes to a temporary name and takes the final name only once checked, so an
    interrupted or wrong download never poisons the cache: the next call downloads again.
    """
    sources = sources or settings.CPPS_GEO_SOURCES
    target = Path(target or geo_cache_dir())
    target.mkdir(parents=True, exist_ok=True)
    for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
        final = target / name
        if final.exists():
            continue
        url = sources[name]
        if not url.startswith(("https://", "http://")):
            raise TerritoryFileError(
                _("URL de téléchargement non prise en charge : %(url)s") % {"url": url}
            )
        partial = target / (name + ".part")
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                partial.write_bytes(response.read())
            check_file(partial, name)
        except (urllib.error.URLError, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise TerritoryFileError(
                _("Téléchargement impossible de %(url)s : %(error)s") % {"url": url, "error": exc}
            ) from exc
        except TerritoryFileError:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(final)
    try:
        check_files(target / ARRONDISSEMENTS_FILE, target / QUARTIERS_FILE)
    except TerritoryFileError:
        for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
            (target / name).unlink(missing_ok=True)
        raise
    return target
