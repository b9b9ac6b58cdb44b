from django.urls import path

from contrat import views

app_name = "contrat"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("secteurs/<slug:code>/", views.sector, name="sector"),
    path("bilan.<str:fmt>", views.bilan_download, name="bilan"),
    path("secteurs/<slug:code>/bilan.<str:fmt>", views.bilan_download, name="sector-bilan"),
    path("priorites/<str:code>/", views.priority, name="priority"),
    path("indicateurs/<slug:code>/saisir/", views.enter_value, name="enter-value"),
    path("comparaison/", views.comparison, name="comparison"),
    path("export.<str:fmt>", views.export, name="export"),
    path("import/", views.import_view, name="import"),
]
