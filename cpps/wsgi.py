import contextlib
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
application = get_wsgi_application()
# Import the URL configuration, hence every view and what the views import (scipy, DuckDB,
# shapely…, about a second), when a worker starts rather than in its first request: gunicorn
# recycles workers every couple of thousand requests.
get_resolver().url_patterns  # noqa: B018

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
