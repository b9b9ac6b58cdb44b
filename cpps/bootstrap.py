"""First-run set-up: the Paris referentials (territory, taxonomy, partners, routing...).

Referentials are data: each app ships its Paris defaults as `fixtures/paris_*.json`. They are
loaded in INSTALLED_APPS order (bottom layers first) and only into empty tables, so that what
administrators edited afterwards is never overwritten by a later `make run`.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from territory.loader import ARRONDISSEMENTS_FILE, QUARTIERS_FILE, load_territory


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
    from territory.download import ensure_geo_files

    loaded = []
    for path in referential_fixtures():
        if not _fixture_is_loaded(path):
            call_command("loaddata", str(path), verbosity=0)
            loaded.append(path.stem)
    directory = Path(geo_dir or settings.CPPS_GEO_DIR or ensure_geo_files())
    counts = load_territory(directory / ARRONDISSEMENTS_FILE, directory / QUARTIERS_FILE)
    return {"fixtures": loaded, "territory": counts, "geo_dir": str(directory)}
