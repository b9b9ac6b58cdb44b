from django.urls import path

from guichet import views

app_name = "guichet"
urlpatterns = [
    path("signaler/", views.report, name="report"),
]
