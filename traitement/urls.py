from django.urls import path

from traitement import views

app_name = "traitement"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("lot/", views.bulk, name="bulk"),
    path("dossiers/<str:reference>/", views.case_detail, name="case"),
    path("carte/", views.queue_map, name="queue_map"),
    path("dossiers/<str:reference>/photos/<int:pk>/", views.case_photo, name="photo"),
    path(
        "dossiers/<str:reference>/photos/<int:pk>/miniature/",
        views.case_photo,
        {"thumbnail": True},
        name="photo_thumbnail",
    ),
    path("dossiers/<str:reference>/<slug:action>/", views.case_action, name="action"),
]
