from django.urls import path

from traitement import views

app_name = "traitement"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("lot/", views.bulk, name="bulk"),
    path("dossiers/<str:reference>/", views.case_detail, name="case"),
    path("dossiers/<str:reference>/<slug:action>/", views.case_action, name="action"),
]
