from django.urls import path, register_converter

from guichet import views


class ReferenceConverter:
    """DOL-YYYY-NNNNNN: anything else never reaches the database."""

    regex = r"DOL-\d{4}-\d{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "reference")

app_name = "guichet"
urlpatterns = [
    path("signaler/", views.report, name="report"),
    path("signaler/confirmation/", views.confirmation, name="confirmation"),
    path("signaler/doublons/", views.nearby, name="duplicates"),
    path("signaler/doublons/suivre/", views.follow, name="follow"),
    path("suivi/<reference:reference>/<slug:token>/", views.track, name="track"),
    path(
        "suivi/<reference:reference>/<slug:token>/arreter/",
        views.stop_follow,
        name="stop-follow",
    ),
    path("suivi/confirmer/<str:token>/", views.confirm_follow_view, name="confirm-follow"),
]
