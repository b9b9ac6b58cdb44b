import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
application = get_wsgi_application()
# Import the URL configuration, hence every view and what the views import (scipy, DuckDB,
# shapely…, about a second), when a worker starts rather than in its first request: gunicorn
# recycles workers every couple of thousand requests.
get_resolver().url_patterns  # noqa: B018
