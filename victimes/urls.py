from django.urls import path

from victimes import views

app_name = "victimes"

urlpatterns = [
    path("aide-aux-victimes/", views.finder, name="finder"),
    path("victimes/orientations/", views.orientations, name="orientations"),
    path("victimes/orientations/journee/", views.tally, name="tally"),
    path("victimes/manques/", views.gaps, name="gaps"),
    path("victimes/dossiers/", views.cases, name="cases"),
    path("victimes/dossiers/<str:reference>/", views.case, name="case"),
    path("victimes/manques.csv", views.gaps_csv, name="gaps-csv"),
]
