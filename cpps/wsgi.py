import contextlib
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
application = get_wsgi_application()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import DatabaseError  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django.utils import translation  # noqa: E402

# Import the URL configuration, hence every view and what the views import (scipy, DuckDB,
# shapely…, about a second), when a worker starts rather than in its first request: gunicorn
# recycles workers every couple of thousand requests. Then its reverse look-up table, which
# the first `reverse()` (every page's links) built otherwise (~20 ms).
get_resolver().url_patterns  # noqa: B018
with translation.override(settings.LANGUAGE_CODE):
    get_resolver().reverse_dict  # noqa: B018

# cpps's own templates, compiled once and kept by Django's cached loader (~60 ms of first
# pages otherwise).
for config in apps.get_app_configs():
    folder = Path(config.path) / "templates"
    if settings.BASE_DIR in folder.parents and "site-packages" not in folder.parts:
        for template in folder.rglob("*.html"):
            get_template(template.relative_to(folder).as_posix())

# Constant per-process structures too (about 0.7 s of a first page otherwise): the quartiers'
# point-location index (intake, the observatory's hot spot places) and the H3 grid of Paris
# with its weights (hot spots, concentration). Only a warm-up: when it cannot run here
# (database not migrated or unreachable yet, or no database access, as in tests importing
# this module), the first request that needs them builds them.
from observatoire.hotspots import prepare_grid  # noqa: E402
from territory.services import territory_index  # noqa: E402

for warm_up in (territory_index, prepare_grid):
    # RuntimeError: pytest-django's "Database access not allowed".
    with contextlib.suppress(DatabaseError, RuntimeError):
        warm_up()
