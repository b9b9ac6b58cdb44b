"""The observatory dashboard through Django's client: who sees what, what the page shows,
downloads, garbage filters, the map data and the panels fragment."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from observatoire import dashboard, sections, services
from observatoire.charts import fr_number
from observatoire.filters import Filters
from tests.observatoire.conftest import SVG, parse_svg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_store")]

ALLOWED_EVERYWHERE = ("analyst", "contract_pilot", "administrator")
NEVER = ("case_agent", "desk_supervisor", "victim_support")


def status_for(client, user, url, method="get", data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {})


# --- permissions ---------------------------------------------------------------------------

PARIS_URLS = [
    reverse("observatoire:dashboard"),
    reverse("observatoire:panels"),
    reverse("observatoire:map"),
    reverse("observatoire:section", kwargs={"name": "points-chauds-emergents"}),
    reverse("observatoire:export", kwargs={"name": "categories", "fmt": "csv"}),
]


def sector_urls(code):
    return [
        reverse("observatoire:sector", args=(code,)),
        reverse("observatoire:sector-panels", args=(code,)),
        reverse("observatoire:sector-map", args=(code,)),
        reverse("observatoire:sector-section", args=(code, "heures")),
        reverse("observatoire:sector-export", args=(code, "familles", "svg")),
    ]


@pytest.mark.parametrize("url", PARIS_URLS)
def test_paris_overview_is_for_analysts_pilots_and_administrators(client, roles, url):
    for role in ALLOWED_EVERYWHERE:
        assert status_for(client, roles[role], url).status_code == 200, role
    for role in (*NEVER, "cspa_coordinator"):
        response = status_for(client, roles[role], url)
        assert response.status_code == 403, role
        assert "Accès refusé" in response.content.decode() or response.status_code == 403
    response = status_for(client, None, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("index", range(5))
def test_a_coordinator_sees_only_their_own_sector(client, roles, index):
    own, other = sector_urls("paris-18")[index], sector_urls("paris-5")[index]
    coordinator = roles["cspa_coordinator"]
    assert status_for(client, coordinator, own).status_code == 200
    assert status_for(client, coordinator, other).status_code == 403
    for role in ALLOWED_EVERYWHERE:
        assert status_for(client, roles[role], other).status_code == 200, role
    for role in NEVER:
        assert status_for(client, roles[role], own).status_code == 403, role
    assert status_for(client, None, own).status_code == 302


def test_refusals_are_audit_logged(client, roles):
    status_for(client, roles["cspa_coordinator"], reverse("observatoire:dashboard"))
    event = AuditEvent.objects.filter(action="permission_denied").latest("pk")
    assert event.actor == roles["cspa_coordinator"]
    assert event.details["path"] == "/observatoire/"


def test_unknown_sector_is_not_found(client, roles):
    url = reverse("observatoire:sector", args=("paris-99",))
    assert status_for(client, roles["analyst"], url).status_code == 404


def test_dashboard_links_lead_coordinators_to_their_sector_only(client, roles):
    page = status_for(client, roles["analyst"], reverse("observatoire:dashboard")).content.decode()
    assert reverse("observatoire:sector", args=("paris-5",)) in page
    own = reverse("observatoire:sector", args=("paris-18",))
    page = status_for(client, roles["cspa_coordinator"], own).content.decode()
    assert reverse("observatoire:sector", args=("paris-5",)) not in page


# --- what the page shows -------------------------------------------------------------------


def figure(html: str, key: str) -> str:
    start = html.index(f'id="chiffre-{key}"')
    dd = html.index("<dd>", start)
    return html[dd + 4 : html.index("</dd>", dd)]


def test_key_figures_match_the_measures(client, roles):
    html = status_for(client, roles["analyst"], reverse("observatoire:dashboard")).content.decode()
    expected = services.key_figures(Filters.from_querydict({}))
    assert expected["total"] > 1000
    assert figure(html, "total") == fr_number(expected["total"])
    assert figure(html, "open") == fr_number(expected["open"])
    assert figure(html, "rate_per_1000") == fr_number(expected["rate_per_1000"], 2)
    assert "Chiffres clés du" in html
    for title in (
        "Évolution des doléances et niveau attendu",
        "Jour et heure de réception",
        "Par catégorie",
        "Par arrondissement",
        "Par secteur",
        "Par canal",
        "Par partenaire",
        "Délais de traitement par guichet",
        "Points chauds (Gi*)",
        "Points chauds émergents",
        "Concentration sur les lieux",
        "Alertes de la semaine",
    ):
        assert title in html, title
    assert html.count("<svg") >= 8


def test_filters_narrow_the_figures_and_stay_in_the_form(client, roles):
    category = services.counts_by(Filters.from_querydict({}), "category")[0]["key"]
    query = {"du": "2025-01-01", "au": "2025-12-31", "categorie": category, "pas": "mois"}
    html = status_for(
        client, roles["analyst"], reverse("observatoire:dashboard"), data=query
    ).content.decode()
    f = Filters.from_querydict(query)
    assert f.categories == (category,)
    assert figure(html, "total") == fr_number(services.key_figures(f)["total"])
    assert 'value="2025-01-01"' in html and 'value="2025-12-31"' in html
    assert f'<option value="{category}" selected>' in html
    assert '<option value="mois" selected>' in html
    # Monthly steps: twelve periods in the series.
    assert (
        len(dashboard.section("evolution", f, {"grain": "month"}, dashboard.store_version()).rows)
        == 12
    )
    # Download links carry the same filters.
    assert f"categorie={category}" in html.split('class="dl-csv"')[0].rsplit("href=", 1)[1]


def test_sector_page_is_the_sector_whatever_the_url_says(client, roles):
    url = reverse("observatoire:sector", args=("paris-18",))
    html = status_for(
        client, roles["cspa_coordinator"], url, data={"secteur": "paris-5"}
    ).content.decode()
    sector_total = services.key_figures(Filters.from_querydict({"secteur": "paris-18"}))["total"]
    paris_total = services.key_figures(Filters.from_querydict({}))["total"]
    assert 0 < sector_total < paris_total
    assert figure(html, "total") == fr_number(sector_total)
    assert "Paris 18e" in html
    assert 'name="secteur"' not in html
    # Only the 18th's arrondissement and quartiers are offered.
    assert 'name="arrondissement"' in html
    assert '<option value="18"' in html and '<option value="5"' not in html
    assert "La Chapelle" in html and "Sorbonne" not in html
    assert "Recevoir les alertes du secteur chaque semaine" in html


GARBAGE = [
    {"du": "2025-13-45", "au": "hier"},
    {"du": "0001-01-01", "au": "9999-12-31"},
    {"au": "2020-01-01", "du": "2026-01-01"},
    {"categorie": ["<script>", "x" * 5000], "arrondissement": ["-1", "21", "1e3", "NaN"]},
    {"quartier": "' OR 1=1 --", "canal": "\x00", "partenaire": "%00", "secteur": "paris-99"},
    {"pas": "siècle", "carte": "3d"},
    {"du": ["2025-01-01", "2026-01-01"], "famille": ",,,"},
]


@pytest.mark.parametrize("query", GARBAGE)
def test_garbage_filters_never_break_a_page(client, roles, query):
    client.force_login(roles["analyst"])
    urls = [
        *PARIS_URLS,
        reverse("observatoire:export", kwargs={"name": "evolution", "fmt": "svg"}),
        *sector_urls("paris-18"),
    ]
    for url in urls:
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)
        assert b"<script>" not in response.content


def test_barometer_button_refuses_a_bad_month_in_french(client, roles):
    client.force_login(roles["analyst"])
    response = client.get(reverse("observatoire:barometer"), {"mois": "2026-13"}, follow=True)
    assert response.status_code == 200
    assert "Mois invalide" in response.content.decode()
    response = client.get(reverse("observatoire:barometer"), {"mois": "2999-01"}, follow=True)
    assert "existe pas encore" in response.content.decode()


# --- downloads -----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", dashboard.SECTION_SLUGS)
def test_every_table_downloads_as_csv(client, roles, slug):
    client.force_login(roles["analyst"])
    query = {"du": "2025-06-01", "au": "2026-05-31"}
    response = client.get(
        reverse("observatoire:export", kwargs={"name": slug, "fmt": "csv"}), query
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="observatoire-paris-{slug}-20250601-20260531.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    # For French spreadsheets: ";" between cells, decimal commas, figures rounded.
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    section = dashboard.section(
        slug, Filters.from_querydict(query), {"grain": "week"}, dashboard.store_version()
    )
    assert [title.removesuffix(" (%)") for title in rows[0]] == [c.title for c in section.columns]
    assert len(rows) == len(section.rows) + 1
    for index, column in enumerate(section.columns):
        digits = sections.CSV_DIGITS.get(column.kind)
        if digits is None:
            continue
        shape = re.compile(r"^-?\d+" + (rf",\d{{{digits}}}$" if digits else "$"))
        cells = [row[index] for row in rows[1:] if row[index]]
        assert all(shape.match(cell) for cell in cells), (column.title, cells[:5])
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert event.details["export"] == f"observatoire-{slug}"


def test_every_chart_downloads_as_svg(client, roles):
    client.force_login(roles["analyst"])
    f = Filters.from_querydict({})
    version = dashboard.store_version()
    with_chart = [
        s
        for s in dashboard.SECTION_SLUGS
        if dashboard.section(s, f, {"grain": "week"}, version).has_svg
    ]
    assert {"evolution", "heures", "categories", "quartiers", "delais-guichets"} <= set(with_chart)
    for slug in with_chart:
        response = client.get(reverse("observatoire:export", kwargs={"name": slug, "fmt": "svg"}))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        parse_svg(response.content)
    # A table without chart has no SVG.
    response = client.get(
        reverse("observatoire:export", kwargs={"name": "concentration", "fmt": "svg"})
    )
    assert response.status_code == 404
    response = client.get(reverse("observatoire:export", kwargs={"name": "nimporte", "fmt": "csv"}))
    assert response.status_code == 404
    response = client.get(
        reverse("observatoire:export", kwargs={"name": "categories", "fmt": "xlsx"})
    )
    assert response.status_code == 404


def test_map_svg_of_a_sector_holds_its_quartiers_only(client, roles):
    client.force_login(roles["cspa_coordinator"])
    response = client.get(
        reverse("observatoire:sector-export", args=("paris-18", "quartiers", "svg"))
    )
    root = parse_svg(response.content)
    areas = [p for p in root.iter(f"{SVG}path") if p.get("class") == "area"]
    assert sorted(p.get("data-code") for p in areas) == ["7511801", "7511802", "7511803", "7511804"]
    client.force_login(roles["analyst"])
    response = client.get(
        reverse("observatoire:export", kwargs={"name": "quartiers", "fmt": "svg"})
    )
    root = parse_svg(response.content)
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "area"]) == 80


# --- map data and panels ---------------------------------------------------------------------


def test_map_data_colours_every_quartier_and_lists_hot_spots(client, roles):
    client.force_login(roles["analyst"])
    data = client.get(reverse("observatoire:map")).json()
    assert len(data["quartiers"]) == 80
    row = max(data["quartiers"].values(), key=lambda q: q["count"])
    assert row["fill_count"] == data["legend"]["count"][-1]["fill"]
    assert {"label", "count", "density", "fill_density"} <= set(row)
    assert data["legend"]["count"][0]["label"] == "0"
    for feature in data["hotspots"]["features"]:
        assert feature["properties"]["gi_bin"] != 0
        assert feature["geometry"]["type"] == "Polygon"
    assert isinstance(data["alerts"], list)


def test_map_data_of_a_sector_and_of_a_filter(client, roles):
    client.force_login(roles["cspa_coordinator"])
    data = client.get(reverse("observatoire:sector-map", args=("paris-18",))).json()
    assert sorted(data["quartiers"]) == ["7511801", "7511802", "7511803", "7511804"]
    assert data["sector"] == "paris-18"
    everything = data["quartiers"]["7511803"]["count"]
    family = services.counts_by(Filters.from_querydict({"secteur": "paris-18"}), "family")[0]["key"]
    narrowed = client.get(
        reverse("observatoire:sector-map", args=("paris-18",)), {"famille": family}
    ).json()
    assert narrowed["quartiers"]["7511803"]["count"] <= everything
    assert sum(q["count"] for q in narrowed["quartiers"].values()) < sum(
        q["count"] for q in data["quartiers"].values()
    )


def test_panels_fragment_follows_the_filters(client, roles):
    client.force_login(roles["analyst"])
    whole = client.get(reverse("observatoire:panels")).content.decode()
    assert "<html" not in whole
    assert 'id="chiffre-total"' in whole
    narrowed = client.get(reverse("observatoire:panels"), {"arrondissement": "18"}).content.decode()
    f = Filters.from_querydict({"arrondissement": "18"})
    assert figure(narrowed, "total") == fr_number(services.key_figures(f)["total"])
    assert figure(narrowed, "total") != figure(whole, "total")


def test_results_are_cached_per_store_version(roles):
    f = Filters.from_querydict({"arrondissement": "11"})
    version = dashboard.store_version()
    first = dashboard.section("points-chauds", f, {}, version)
    assert dashboard.section("points-chauds", f, {}, version) is first
    assert dashboard.section("points-chauds", f, {}, (*version, "other")) is not first
