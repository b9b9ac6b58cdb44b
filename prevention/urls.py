from django.urls import path

from prevention import api, views

app_name = "prevention"

urlpatterns = [
    path("", views.home, name="home"),
    path("graphe.json", views.graph_json, name="graph"),
    path("paires/<slug:first>/<slug:second>/", views.pair, name="pair"),
    path("evenements/", views.events, name="events"),
    path("evenements/import/", views.import_events, name="events-import"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/<int:pk>/", views.alert, name="alert"),
    path("alertes/<int:pk>/accuse/", views.acknowledge, name="alert-ack"),
    path("alertes/<int:pk>/issue/", views.close, name="alert-close"),
    path("actions/", views.actions, name="actions"),
    path("saisies/", views.entries, name="entries"),
    path("chiffres/", views.figures, name="figures"),
    path("radicalisation/", views.radicalisation, name="radicalisation"),
    path("api/evenements/", api.EventsView.as_view(), name="api-events"),
]
