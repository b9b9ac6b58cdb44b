from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cpps import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("comptes/connexion/", auth_views.LoginView.as_view(), name="login"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("comptes/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/territoire/", include("territory.urls")),
    path("api/v1/", include("guichet.api.urls")),
    path("", include("guichet.urls")),
    path("traitement/", include("traitement.urls")),
    path("open311/", include("open311.urls")),
    path("observatoire/", include("observatoire.urls")),
    path("contrat/", include("contrat.urls")),
    # Victims (axe 2): the HSDS directory API, the orientation finder, the desks' records.
    path("api/hsds/", include("victimes.api.urls")),
    path("api/v1/victimes/", include("victimes.api.record_urls")),
    path("", include("victimes.urls")),
]

# Refusals get a French page and an audit event.
handler403 = "accounts.views.permission_denied"
