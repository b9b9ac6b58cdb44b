"""The monthly barometer: HTML and PDF files, the command, the button, the commentary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from accounts.choices import Role
from doleances.bulk import file_complaints
from doleances.models import Category
from doleances.services import ComplaintInput
from observatoire import barometre, services
from observatoire.filters import Filters
from territory.models import Quartier, Sector
from territory.services import locate
from tests.observatoire.conftest import SVG, parse_svg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_store")]

LAST_MONTH = barometre.previous_month(timezone.localdate())
# Boulevard de la Chapelle side of the Goutte-d'Or, 18e arrondissement.
GOUTTE_DOR = (48.8858, 2.3538)


def grouped(n: int) -> str:
    return number_format(n, force_grouping=True)


def test_paris_barometer_html_and_pdf(tmp_path):
    paths = barometre.write(LAST_MONTH, None, tmp_path)
    assert paths["html"] == tmp_path / f"barometre-{LAST_MONTH:%Y-%m}-paris.html"
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    assert len(paths["pdf"].read_bytes()) > 20_000  # charts and map drawn, not an empty page

    html = paths["html"].read_text(encoding="utf-8")
    f = Filters(start=LAST_MONTH, end=barometre.month_end(LAST_MONTH))
    figures = services.key_figures(f)
    previous = services.key_figures(
        Filters(start=barometre.previous_month(LAST_MONTH), end=LAST_MONTH - timedelta(days=1))
    )
    assert figures["total"] > 0
    month = LAST_MONTH.strftime("%Y-%m")
    assert "Baromètre de la tranquillité publique" in html
    for key, value in (
        ("chiffre-total", figures["total"]),
        ("chiffre-mois-precedent", previous["total"]),
        ("chiffre-annee-precedente", figures["previous_total"]),
    ):
        block = html[html.index(f'id="{key}"') :]
        assert f"<dd>{grouped(value)}</dd>" in block[: block.index("</div>")], (key, month)
    assert 'id="commentaire"' in html
    assert html.count("<svg") == 3  # map, weekly series, families


def test_sector_barometer_map_is_the_sector(tmp_path):
    sector = Sector.objects.get(code="paris-18")
    report = barometre.build(LAST_MONTH, sector)
    root = parse_svg(report["map_svg"])
    areas = [p for p in root.iter(f"{SVG}path") if p.get("class") == "area"]
    assert sorted(p.get("data-code") for p in areas) == [
        "7511801",
        "7511802",
        "7511803",
        "7511804",
    ]
    assert report["place"] == "Paris 18e"
    assert report["figures"]["total"] == services.key_figures(report["filters"])["total"]
    assert report["filters"].sectors == ("paris-18",)
    html = barometre.render_html(report)
    assert "Paris 18e" in html and "Par quartier" in html


def test_command_writes_paris_and_every_sector(tmp_path, capsys):
    call_command(
        "barometre", "--month", f"{LAST_MONTH:%Y-%m}", "--out", str(tmp_path), "--format", "html"
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 18
    assert f"barometre-{LAST_MONTH:%Y-%m}-paris.html" in files
    assert f"barometre-{LAST_MONTH:%Y-%m}-paris-centre.html" in files
    assert str(tmp_path / f"barometre-{LAST_MONTH:%Y-%m}-paris-18.html") in capsys.readouterr().out


def test_command_one_sector_defaults_to_the_reports_directory(capsys):
    call_command("barometre", "--mois", f"{LAST_MONTH:%Y-%m}", "--secteur", "paris-18")
    folder = Path(settings.CPPS_VAR_DIR) / "reports" / "barometres"
    pdf = folder / f"barometre-{LAST_MONTH:%Y-%m}-paris-18.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (folder / f"barometre-{LAST_MONTH:%Y-%m}-paris-18.html").exists()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--month", "2026-13"], "Mois invalide"),
        (["--month", "octobre"], "Mois invalide"),
        (["--month", "2999-01"], "pas encore commencé"),
        (["--secteur", "paris-99"], "Secteur inconnu : paris-99"),
    ],
)
def test_command_errors_are_french(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("barometre", *arguments)


def test_barometer_button(client, make_user):
    client.force_login(make_user(Role.ANALYST))
    month = f"{LAST_MONTH:%Y-%m}"
    response = client.get(reverse("observatoire:barometer"), {"mois": month})
    assert response.status_code == 200
    assert "Baromètre de la tranquillité publique" in response.content.decode()
    response = client.get(reverse("observatoire:barometer"), {"mois": month, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert f'filename="barometre-{month}-paris.pdf"' in response["Content-Disposition"]

    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    client.force_login(coordinator)
    assert client.get(reverse("observatoire:barometer"), {"mois": month}).status_code == 403
    url = reverse("observatoire:sector-barometer", args=("paris-18",))
    assert "Paris 18e" in client.get(url, {"mois": month}).content.decode()
    url = reverse("observatoire:sector-barometer", args=("paris-5",))
    assert client.get(url, {"mois": month}).status_code == 403


def test_poisson_change_test():
    assert barometre.poisson_change_p(0, 0, 31, 31) is None
    assert barometre.poisson_change_p(6, 3, 31, 31) > 0.05
    assert barometre.poisson_change_p(160, 100, 31, 31) < 0.001
    # Thirty days against thirty-one: the same daily rate is no change.
    assert barometre.poisson_change_p(300, 310, 30, 31) > 0.5


def _cluster(lat: float, lon: float, n: int, k: int = 1) -> list[tuple[float, float]]:
    """`n` places of a cluster: half at the point, half spread over the centres of the cells
    within `k` rings of its H3 cell, in the same arrondissement. A Gi* hot spot is a hot
    neighbourhood: under permutation inference (sparse months) a lone busy cell among quiet
    ones is not one, and 999 permutations need a few cells at their smallest p-value to pass
    the false discovery rate over every cell with an event."""
    import h3

    res = barometre.HOTSPOT_RESOLUTION
    home = locate(lat, lon)["arrondissement"]["number"]
    cell = h3.latlng_to_cell(lat, lon, res)
    ring = [
        centre
        for centre in (h3.cell_to_latlng(c) for c in h3.grid_disk(cell, k) if c != cell)
        if locate(*centre)["inside_paris"] and locate(*centre)["arrondissement"]["number"] == home
    ]
    return [(lat, lon) if i % 2 == 0 else ring[(i // 2) % len(ring)] for i in range(n)]


@pytest.fixture
def night_surge():
    """Two hundred night-life complaints at the Goutte-d'Or last month."""
    assert locate(*GOUTTE_DOR)["quartier"]["name"] == "Goutte-d'Or"
    category = Category.objects.filter(family__code="vie-nocturne", is_active=True).first()
    start = datetime(LAST_MONTH.year, LAST_MONTH.month, 2, 21, tzinfo=UTC)
    items = [
        ComplaintInput(
            category=category,
            channel="phone",
            latitude=place[0],
            longitude=place[1],
            received_at=start + timedelta(hours=3 * i),
            occurred_at=start + timedelta(hours=3 * i),
            source="test-surge",
            external_id=str(i),
        )
        for i, place in enumerate(_cluster(*GOUTTE_DOR, 200))
    ]
    assert len(file_complaints(items).created) == 200
    services.refresh(full=True)
    yield category.family
    services.refresh(full=True)


def test_commentary_leads_with_the_largest_change(night_surge):
    report = barometre.build(LAST_MONTH, None)
    lines = report["commentary"]
    assert lines[0].startswith(f"En {report['month_label']}, Paris : ")
    family_line = next(line for line in lines if "par famille" in line)
    assert f"La plus forte hausse par famille concerne « {night_surge.label} »" in family_line
    assert "écart significatif (p < 0,001)" in family_line
    # Among the families' changes, it is the largest one, and it leads.
    largest = report["family_changes"][0]
    assert largest.label == night_surge.label and largest.diff >= 200 - 50
    territory_line = next(line for line in lines if "par secteur" in line)
    assert "« Paris 18e »" in territory_line
    assert any("point chaud" in line for line in lines)

    sector = barometre.build(LAST_MONTH, Sector.objects.get(code="paris-18"))
    quartier_line = next(line for line in sector["commentary"] if "par quartier" in line)
    assert "La plus forte hausse par quartier concerne « Goutte-d'Or »" in quartier_line
    hot = sector["hot_places"]
    assert hot and hot[0]["place"] == "Goutte-d'Or" and hot[0]["count"] >= 100
    hot_line = next(line for line in sector["commentary"] if "point chaud" in line)
    assert "surtout dans les quartiers suivants : Goutte-d'Or (" in hot_line
    html = barometre.render_html(sector)
    assert "Goutte-d&#x27;Or" in html or "Goutte-d'Or" in html


def test_commentary_without_history_says_there_is_nothing_to_compare():
    long_ago = date(2015, 3, 1)
    report = barometre.build(long_ago, None)
    assert report["figures"]["total"] == 0
    text = " ".join(report["commentary"])
    assert "aucune doléance en mars 2014 pour comparer" in text
    assert "Aucune alerte en cours à la fin du mois." in text
    assert "Aucun point chaud significatif ce mois-ci." in text
    html = barometre.render_html(report)
    assert "Aucune donnée pour ces filtres" in html  # empty charts say so


def _border_point(number: int, resolution: int) -> tuple[float, float]:
    """A point inside arrondissement `number` whose H3 cell's centre lies in another one."""
    import h3
    import shapely

    from territory.models import Arrondissement

    shape = shapely.from_geojson(Arrondissement.objects.get(number=number).geometry)
    inner = shape.buffer(-0.0002).exterior
    for step in range(400):
        point = inner.interpolate(step / 400, normalized=True)
        centre = h3.cell_to_latlng(h3.latlng_to_cell(point.y, point.x, resolution))
        where = locate(*centre)
        if where["inside_paris"] and where["arrondissement"]["number"] != number:
            assert locate(point.y, point.x)["arrondissement"]["number"] == number
            return point.y, point.x
    raise AssertionError("no border cell found")


def test_a_sector_barometer_lists_only_its_own_quartiers():
    """Issue 11 §5: a cluster on the edge of the 18th made the 18th's barometer list hot
    spots in quartiers of the 17th and the 9th (empty cells next to the cluster, and a cell
    whose centre is across the boundary)."""
    lat, lon = _border_point(18, barometre.HOTSPOT_RESOLUTION)
    category = Category.objects.filter(is_active=True).first()
    start = datetime(LAST_MONTH.year, LAST_MONTH.month, 3, 20, tzinfo=UTC)
    items = [
        ComplaintInput(
            category=category,
            channel="phone",
            latitude=place[0],
            longitude=place[1],
            received_at=start + timedelta(hours=2 * i),
            occurred_at=start + timedelta(hours=2 * i),
            source="test-bord",
            external_id=str(i),
        )
        for i, place in enumerate(_cluster(lat, lon, 60, k=2))
    ]
    assert len(file_complaints(items).created) == 60
    services.refresh(full=True)
    try:
        sector = Sector.objects.get(code="paris-18")
        report = barometre.build(LAST_MONTH, sector)
        own = set(
            Quartier.objects.filter(arrondissement__sector=sector).values_list("name", flat=True)
        )
        assert report["hot_places"], "the cluster is a hot spot of the 18th"
        assert {p["place"] for p in report["hot_places"]} <= own
    finally:
        services.refresh(full=True)
