"""First-run set-up: the Paris referentials (territory, taxonomy, partners, routing...).

Referentials are data: each app ships its Paris defaults as `fixtures/paris_*.json`. They are
loaded in INSTALLED_APPS order (bottom layers first) and only into empty tables, so that what
administrators edited afterwards is never overwritten by a later `make run`.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from territory.loader import (
    ARRONDISSEMENTS_FILE,
    QUARTIERS_FILE,
    TerritoryFileError,
    load_territory,
)

logger = logging.getLogger(__name__)


def referential_fixtures() -> list[Path]:
    paths = []
    for config in apps.get_app_configs():
        fixture_dir = Path(config.path) / "fixtures"
        if fixture_dir.is_dir():
            paths.extend(sorted(fixture_dir.glob("paris_*.json")))
    return paths


def _fixture_is_loaded(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        records = json.load(fh)
    if not records:
        return True
    model = apps.get_model(records[0]["model"])
    return model.objects.exists()


def load_referentials(geo_dir: str | Path | None = None) -> dict:
    """Load missing fixtures then the boundaries; returns what was done, for the CLI."""
    loaded = []
    for path in referential_fixtures():
        if not _fixture_is_loaded(path):
            call_command("loaddata", str(path), verbosity=0)
            loaded.append(path.stem)
    directory = Path(geo_dir or settings.CPPS_GEO_DIR or _downloaded_or_shared_geo_dir())
    counts = load_territory(directory / ARRONDISSEMENTS_FILE, directory / QUARTIERS_FILE)
    return {"fixtures": loaded, "territory": counts, "geo_dir": str(directory)}


def _downloaded_or_shared_geo_dir() -> Path:
    """The official files, downloaded once into the cache; offline, the copies shipped with
    the shared open data (CPPS_DATA_DIR/geo) are checked and cached instead."""
    from territory.download import ensure_geo_files, geo_cache_dir

    try:
        return ensure_geo_files()
    except TerritoryFileError:
        shared = Path(settings.CPPS_DATA_DIR) / "geo"
        if not (shared / QUARTIERS_FILE).exists():
            raise
        cache = geo_cache_dir()
        for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
            shutil.copyfile(shared / name, cache / name)
        logger.warning("Téléchargement impossible : contours lus dans %s", shared)
        return ensure_geo_files()
