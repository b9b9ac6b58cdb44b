"""The orientation finder: order and reasons of the results, URL parameters, and no trace
(no database write, no cookie, no query string in the logs)."""

import io
import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from victimes.choices import AreaType, Relevance
from victimes.finder import FinderQuery, find
from victimes.models import Attribute

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY_10H = datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)
MONDAY_23H = datetime(2026, 12, 7, 23, 0, tzinfo=PARIS)


def names(results):
    return [r.name for r in results]


def test_danger_puts_17_112_114_first_then_national_lines_then_local(make_service):
    make_service("Accueil du 18e", area=(AreaType.ARRONDISSEMENT, "18"), hours=("MO", 9, 17))
    answer = find(
        FinderQuery(("violences-conjugales",), "25-59", 18, danger=True), moment=MONDAY_10H
    )
    kinds = [r.kind for r in answer.results]
    assert kinds == sorted(kinds, key=["urgence", "national", "local"].index)
    assert [r.phones[0]["number"] for r in answer.emergency] == ["17", "112", "114"]
    national = names(answer.national)
    assert any("3919" in n for n in national) and any("116 006" in n for n in national)
    assert not any("119" in n for n in national)  # Allô Enfance en Danger: another situation
    assert names(answer.local) == ["Accueil du 18e"]
    assert all(r.reasons for r in answer.results)


def test_no_danger_no_emergency_numbers(paris):
    answer = find(FinderQuery(("mineur-en-danger",), "moins-18", None, danger=False))
    assert answer.emergency == [] and any("119" in n for n in names(answer.national))


LINE_3919 = "Violences Femmes Info — 3919"
LINE_116006 = "Aide aux victimes — 116 006"


def national_lines(*situations):
    return names(find(FinderQuery(situations, "25-59", 18), moment=MONDAY_10H).national)


def test_for_domestic_violence_the_3919_comes_before_the_generalist_116_006(paris):
    lines = national_lines("violences-conjugales")
    # By name the 116 006 would come first: the order comes from the fixture's relevance.
    assert LINE_116006 < LINE_3919
    assert lines.index(LINE_3919) < lines.index(LINE_116006)
    # A situation for which neither is specialised keeps the name order.
    lines = national_lines("harcelement-rue")
    assert lines.index(LINE_116006) < lines.index(LINE_3919)


def test_the_relevance_per_situation_is_data_set_in_the_admin(paris, make_user, client):
    def link(line, situation):
        return Attribute.objects.get(service__name=line, taxonomy_term__code=situation)

    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get(
        reverse(
            "admin:victimes_service_change",
            args=[link(LINE_3919, "violences-sexuelles").service_id],
        )
    )
    assert page.status_code == 200 and 'name="attributes-0-relevance"' in page.text
    assert "spécialisé dans cette situation" in page.text
    assert national_lines("violences-sexuelles")[:1] == [LINE_3919]
    for line, relevance in ((LINE_3919, Relevance.GENERAL), (LINE_116006, Relevance.SPECIALISED)):
        attribute = link(line, "violences-sexuelles")
        attribute.relevance = relevance
        attribute.save()  # as the admin does: the directory's version moves
    lines = national_lines("violences-sexuelles")
    assert lines[0] == LINE_116006 and lines[-1] == LINE_3919
    # Another situation of the same lines is unchanged; with several situations a line
    # ranks by its best relevance among them (equals by name).
    lines = national_lines("violences-conjugales")
    assert lines.index(LINE_3919) < lines.index(LINE_116006)
    lines = national_lines("mineur-en-danger", "violences-sexuelles")
    assert lines[:2] == [LINE_116006, "Allô Enfance en Danger — 119"]
    assert lines[-1] == LINE_3919


def test_local_services_fit_situation_age_and_area_open_now_first(make_service):
    make_service("Fermé le lundi", area=(AreaType.PARIS, ""), hours=("SA", 9, 17))
    make_service("Ouvert lundi matin", area=(AreaType.SECTOR, "paris-18"), hours=("MO", 9, 12))
    make_service("Autre arrondissement", area=(AreaType.ARRONDISSEMENT, "5"))
    make_service("Autre situation", situations=("victime-rixe",))
    make_service("Réservé aux mineurs", maximum_age=17)
    make_service("Nuit du lundi", hours=("MO", 22, 6))
    morning = find(FinderQuery(("violences-conjugales",), "25-59", 18), moment=MONDAY_10H)
    assert names(morning.local) == ["Ouvert lundi matin", "Fermé le lundi", "Nuit du lundi"]
    assert "Ouvert en ce moment" in morning.local[0].reasons
    night = find(FinderQuery(("violences-conjugales",), "25-59", 18), moment=MONDAY_23H)
    assert names(night.local)[0] == "Nuit du lundi"
    unknown_place = find(FinderQuery(("violences-conjugales",), "", None), moment=MONDAY_10H)
    assert "Autre arrondissement" in names(unknown_place.local)
    assert "Réservé aux mineurs" in names(unknown_place.local)


def test_a_need_finds_the_services_of_its_situation(make_service):
    make_service("Accueil des familles", situations=("famille-a-la-rue",))
    answer = find(FinderQuery(("famille-rue-sante",), "", None), moment=MONDAY_10H)
    assert "Accueil des familles" in names(answer.local)
    assert any("115" in n for n in names(answer.national))


def test_url_parameters_give_the_same_answer_and_bad_ones_a_french_400(client, make_service):
    make_service("Accueil du 18e", area=(AreaType.ARRONDISSEMENT, "18"))
    url = reverse("victimes:finder")
    assert url == "/aide-aux-victimes/"
    page = client.get(
        url,
        {
            "situation": "violences-conjugales",
            "age": "25-59",
            "arrondissement": "18",
            "danger": "oui",
        },
    )
    assert page.status_code == 200
    text = page.text
    assert text.index("Police secours") < text.index("3919") < text.index("Accueil du 18e")
    assert "Quitter ce site" in text
    bad = client.get(url, {"situation": "inventee", "arrondissement": "99"})
    assert bad.status_code == 400 and "Vérifiez vos réponses" in bad.text


def test_the_finder_leaves_no_trace(client, make_service, caplog):
    make_service("Accueil du 18e", area=(AreaType.ARRONDISSEMENT, "18"))
    query = {
        "situation": "violences-conjugales",
        "age": "18-24",
        "arrondissement": "18",
        "danger": "oui",
    }
    for params in ({}, query):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("victimes:finder"), params)
        assert response.status_code == 200
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []
        assert not response.cookies and "Set-Cookie" not in response.headers
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        # Nothing is loaded from another site: scripts, styles, images are our own.
        loaded = re.findall(
            r'<(?:script|img|link|iframe)[^>]+(?:src|href)="([^"]+)"', response.text
        )
        assert loaded and all(url.startswith("/") for url in loaded), loaded


def test_the_request_log_keeps_no_query_string():
    # A handler of our own on the server's logger: Django does not propagate its records.
    server_log = logging.getLogger("django.server")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    server_log.addHandler(handler)
    try:
        server_log.info(
            '"%s" %s %s',
            "GET /aide-aux-victimes/?situation=violences-conjugales&age=18-24 HTTP/1.1",
            "200",
            "5120",
        )
        server_log.info('"%s" %s %s', "GET /api/hsds/services?page=2 HTTP/1.1", "200", "10")
    finally:
        server_log.removeHandler(handler)
    text = stream.getvalue()
    assert "violences-conjugales" not in text
    assert "/aide-aux-victimes/" in text and "page=2" in text
