import contextlib
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
application = get_wsgi_application()
# Import the URL configuration, hence every view and what the views import (scipy, DuckDB,
# shapely…, about a second), when a worker starts rather than in its first request: gunicorn
# recycles workers every couple of thousand requests.
get_resolver().url_patterns  # noqa: B018

# The observatory's constant structures too: the H3 grid of Paris and its weights, read from
# the arrondissements (about 0.3 s). Only a warm-up: when it cannot run here (database not
# migrated or unreachable yet, or no database access, as in tests importing this module),
# the first page that needs the grid builds it.
from observatoire.hotspots import prepare_grid  # noqa: E402

with contextlib.suppress(Exception):
    prepare_grid()
