from django.urls import path

from territory import views

app_name = "territory"
urlpatterns = [
    path("locate/", views.LocateView.as_view(), name="locate"),
    path("<str:level>.geojson", views.territory_geojson_view, name="geojson"),
]
