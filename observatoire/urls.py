from django.urls import path

from observatoire import views_opendata

app_name = "observatoire"

urlpatterns = [
    # --- Open data (public, no login; owned by the store/measures side) -----------------------
    path(
        "opendata/agregats.<str:fmt>",
        views_opendata.aggregates,
        name="opendata",
    ),
    # --- Dashboard, barometer, alert subscriptions: add routes below this line ------------------
]
