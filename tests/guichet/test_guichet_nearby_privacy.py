"""The public "already reported nearby" list cannot be used to locate a complaint better than
Open311 does (~100 m), however many points it is asked from, and it is rate-limited."""

import h3.api.basic_int as h3
from django.test import Client, override_settings

from doleances.choices import Channel
from doleances.models import Category, Complaint
from doleances.services import ComplaintInput, file_complaint
from guichet.services import (
    GENERALISATION_RESOLUTION,
    NEARBY_RADIUS_M,
    distance_band,
    generalised_point,
    nearby_reports,
)
from traitement.duplicates import haversine_m

M_LAT = 1 / 111_195  # degrees of latitude per metre
M_LON = 1 / 73_000  # degrees of longitude per metre at Paris' latitude


def _file(lat, lon):
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="bruit-etablissement"),
            channel=Channel.WEB,
            latitude=lat,
            longitude=lon,
        )
    )


def _grid(lat, lon, half_m=420, step_m=30):
    steps = range(-half_m, half_m + 1, step_m)
    return [(lat + dy * M_LAT, lon + dx * M_LON) for dy in steps for dx in steps]


def _answers(category, grid, reference):
    """What an attacker sees of the complaint from every query point."""
    seen = []
    for lat, lon in grid:
        items = [i for i in nearby_reports(category, lat, lon) if i["reference"] == reference]
        seen.append(items[0]["distance_label"] if items else None)
    return seen


def _two_far_points_of_one_cell(lat, lon):
    """Two points inside the complaint's generalisation cell, near opposite corners."""
    cell = h3.latlng_to_cell(lat, lon, GENERALISATION_RESOLUTION)
    centre = h3.cell_to_latlng(cell)
    corners = h3.cell_to_boundary(cell)
    inside = [
        (centre[0] + 0.93 * (c[0] - centre[0]), centre[1] + 0.93 * (c[1] - centre[1]))
        for c in (corners[0], corners[3])
    ]
    assert all(h3.latlng_to_cell(*p, GENERALISATION_RESOLUTION) == cell for p in inside)
    return inside


def test_trilateration_from_a_dense_grid_cannot_place_a_complaint_within_100_m(paris):
    category = Category.objects.get(code="bruit-rue")
    a, b = _two_far_points_of_one_cell(48.8665, 2.3745)  # Folie-Méricourt, 11e
    assert haversine_m(*a, *b) > 100
    complaint = _file(*a)
    grid = _grid(*a)
    from_a = _answers(category, grid, complaint.reference)
    assert "moins de 100 m" in from_a and "100 à 250 m" in from_a and None in from_a
    # The same complaint moved more than 100 m away gives exactly the same answers to all
    # the queries: no number of queries tells these two places apart.
    Complaint.objects.filter(pk=complaint.pk).update(latitude=b[0], longitude=b[1])
    assert _answers(category, grid, complaint.reference) == from_a
    # An attacker who knows the rule (distances between cell centres, in bands) intersects
    # the band annuli of every answer: the places consistent with all of them still span
    # more than 100 m (and hold the true place).
    centres = [generalised_point(*query) for query in grid]
    consistent: dict = {}  # cell centre -> the answers for a complaint there match
    feasible = []
    for point in _grid(*a, half_m=200, step_m=8):
        there = generalised_point(*point)
        if there not in consistent:
            consistent[there] = _model_answers(there, centres) == from_a
        if consistent[there]:
            feasible.append(point)
    assert any(haversine_m(*point, *a) < 8 for point in feasible)
    extent = max(haversine_m(*p, *q) for p in feasible for q in feasible)
    assert extent >= 100, extent


def _model_answers(there, centres):
    """The answers the published rule gives for a complaint in the cell centred on `there`,
    to queries from the cells centred on `centres`."""
    answers = []
    for centre in centres:
        metres = haversine_m(*centre, *there)
        answers.append(distance_band(metres) if metres <= NEARBY_RADIUS_M else None)
    return answers


def test_answers_give_bands_never_metres(client, paris):
    complaint = _file(48.8665, 2.3745)
    category = Category.objects.get(code="bruit-rue")
    response = client.get(
        "/signaler/doublons/", {"category": category.pk, "lat": 48.8666, "lon": 2.3746}
    )
    [item] = response.json()["results"]
    assert item["reference"] == complaint.reference
    assert item["distance_label"] in {"moins de 100 m", "100 à 250 m"}
    assert "distance_m" not in item


@override_settings(CPPS_NEARBY_RATE_LIMIT=3)
def test_nearby_list_is_rate_limited_per_client(client, paris):
    category = Category.objects.get(code="bruit-rue")
    query = {"category": category.pk, "lat": 48.8666, "lon": 2.3746}
    assert [client.get("/signaler/doublons/", query).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/signaler/doublons/", query)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Trop de recherches" in refused.json()["errors"]["__all__"][0]
    # Another client is not affected.
    other = client.get("/signaler/doublons/", query, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


@override_settings(CPPS_NEARBY_RATE_LIMIT=1)
def test_behind_the_proxy_each_resident_is_a_client_and_a_forged_header_changes_nothing(
    client, paris
):
    category = Category.objects.get(code="bruit-rue")
    query = {"category": category.pk, "lat": 48.8666, "lon": 2.3746}

    def status(remote, forwarded):
        return client.get(
            "/signaler/doublons/", query, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # Through the proxy (127.0.0.1): the address it saw is the client, not the proxy.
    assert status("127.0.0.1", "203.0.113.5") == 200
    assert status("127.0.0.1", "203.0.113.6") == 200
    # What the client wrote itself, left of the proxy's entry, is not believed.
    assert status("127.0.0.1", "198.51.100.1, 203.0.113.5") == 429
    # Nor is the header of a client that is not our proxy.
    assert status("192.0.2.20", "198.51.100.2") == 200
    assert status("192.0.2.20", "198.51.100.3") == 429


@override_settings(CPPS_NEARBY_RATE_LIMIT=1, CPPS_FORWARDED_ALLOW_IPS=["*"])
def test_with_any_peer_as_the_proxy_only_its_own_entry_is_believed(paris):
    client = Client()  # its middleware is built under these settings
    category = Category.objects.get(code="bruit-rue")
    query = {"category": category.pk, "lat": 48.8666, "lon": 2.3746}

    def status(forwarded):
        return client.get(
            "/signaler/doublons/", query, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert status("203.0.113.5") == 200
    assert status("198.51.100.1, 203.0.113.5") == 429
