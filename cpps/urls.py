from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from cpps import operation, views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("comptes/connexion/", views.LoginView.as_view(), name="login"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("comptes/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        # Redoc writes its styles into the page at run time: this page alone allows them.
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    path("api/v1/territoire/", include("territory.urls")),
    path("api/v1/", include("guichet.api.urls")),
    path("", include("guichet.urls")),
    path("traitement/", include("traitement.urls")),
    path("open311/", include("open311.urls")),
    path("prevention/", include("prevention.urls")),
    path("observatoire/", include("observatoire.urls")),
    path("contrat/", include("contrat.urls")),
    path("sante/", operation.health, name="health"),
    path("metrics", operation.metrics, name="metrics"),
    # Victims (axe 2): the HSDS directory API, the orientation finder, the desks' records.
    path("api/hsds/", include("victimes.api.urls")),
    path("api/v1/victimes/", include("victimes.api.record_urls")),
    path("", include("victimes.urls")),
]

# Refusals get a French page and an audit event.
handler403 = "accounts.views.permission_denied"
# JSON under /api/, Open311's own body under /open311/, the French page elsewhere.
handler404 = "cpps.views.page_not_found"
