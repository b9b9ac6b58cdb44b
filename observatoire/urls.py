from django.urls import path

from observatoire import views, views_opendata

app_name = "observatoire"
SECTOR = "secteurs/<slug:sector>/"

urlpatterns = [
    # --- Open data (public, no login; owned by the store/measures side) -----------------------
    path(
        "opendata/agregats.<str:fmt>",
        views_opendata.aggregates,
        name="opendata",
    ),
    # --- Dashboard, barometer, alert subscriptions: add routes below this line ------------------
    # Paris, then the same pages for one sector ("secteurs/<code>/…").
    path("", views.dashboard_page, name="dashboard"),
    path("api/panneaux/", views.panels, name="panels"),
    path("api/carte/", views.map_data, name="map"),
    path("api/sections/<slug:name>/", views.section_fragment, name="section"),
    path("export/<slug:name>.<str:fmt>", views.export, name="export"),
    path("barometre/", views.barometer, name="barometer"),
    path(SECTOR, views.dashboard_page, name="sector"),
    path(f"api/{SECTOR}panneaux/", views.panels, name="sector-panels"),
    path(f"api/{SECTOR}carte/", views.map_data, name="sector-map"),
    path(f"api/{SECTOR}sections/<slug:name>/", views.section_fragment, name="sector-section"),
    path(f"{SECTOR}export/<slug:name>.<str:fmt>", views.export, name="sector-export"),
    path(f"{SECTOR}barometre/", views.barometer, name="sector-barometer"),
    path(f"{SECTOR}abonnement/", views.subscription, name="sector-subscription"),
]
