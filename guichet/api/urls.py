from django.urls import path

from guichet.api import views
from guichet.urls import ReferenceConverter  # noqa: F401 — registers the <reference:> converter

app_name = "guichet-api"
urlpatterns = [
    path("doleances/", views.ComplaintListCreateView.as_view(), name="complaints"),
    path(
        "doleances/<reference:reference>/",
        views.ComplaintDetailView.as_view(),
        name="complaint",
    ),
    path("categories/", views.CategoryListView.as_view(), name="categories"),
]
