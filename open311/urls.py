from django.urls import path, re_path

from open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(
        r"^v2/services/(?P<service_code>[^/]+?)" + FMT,
        views.service_definition,
        name="service-definition",
    ),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    # /requests/{id} is the spec's path; /request/{id} the one its Swagger description names.
    re_path(
        r"^v2/requests?/(?P<service_request_id>[^/]+?)" + FMT, views.request_detail, name="request"
    ),
    re_path(r"^v2/servicerequestupdates" + FMT, views.request_updates, name="updates"),
    re_path(r"^v2/tokens/(?P<token_id>[^/]+?)" + FMT, views.token, name="token"),
    path("v2/<path:path>", views.not_found),
    path("v2/", views.not_found),
]
