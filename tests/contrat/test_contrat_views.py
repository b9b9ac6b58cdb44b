"""The steering screens as a pilot or a partner reads them."""

import re
from datetime import date, timedelta

import pytest

from accounts.choices import Role
from accounts.models import Partner
from contrat.choices import Direction
from contrat.models import (
    Action,
    Decision,
    IndicatorTarget,
    IndicatorValue,
    Priority,
    SectorDeclination,
)
from territory.models import Sector

pytestmark = pytest.mark.django_db


def test_overview_lists_the_axes_and_priorities_with_their_numbers(client, make_user):
    client.force_login(make_user(Role.CASE_AGENT, desk="pm-18"))  # partner staff read
    page = client.get("/contrat/").content.decode()
    assert "Axe 1 — Les jeunes, agir plus tôt et aller plus loin dans la prévention" in page
    assert "Axe 2 — Aller vers les personnes vulnérables pour mieux les protéger" in page
    assert "Axe 3 — Améliorer la tranquillité publique" in page
    for code in ("1.1", "1.4", "2.1", "3.4"):
        title = Priority.objects.get(code=code).title
        assert f'href="/contrat/priorites/{code}/?annee=' in page
        assert title.replace("'", "&#x27;") in page
    assert "Préfecture de Police, Ville de Paris" in page  # leads of 2.1, by name
    assert page.count('href="/contrat/secteurs/') == 17
    assert 'action="/contrat/import/"' not in page  # import is for pilots


def test_priority_page(client, pilot, make_indicator):
    today = date.today()
    rixes = Priority.objects.get(code="1.2")
    paris_18 = Sector.objects.get(code="paris-18")
    Action.objects.create(
        priority=rixes,
        title="Cellule de veille rixes",
        owner=Partner.objects.get(code="ville-paris"),
        due_date=today - timedelta(days=5),
    )
    Action.objects.create(
        priority=rixes, title="Stages de citoyenneté", due_date=today + timedelta(days=200)
    )
    Decision.objects.create(
        priority=rixes, date=date(2025, 3, 1), body="Comité de pilotage", text="Lancer la cellule."
    )
    Decision.objects.create(
        priority=rixes, date=date(2025, 9, 1), body="Comité de pilotage", text="L'étendre."
    )
    SectorDeclination.objects.create(priority=rixes, sector=paris_18, notes="Goutte d'Or")
    indicator = make_indicator(
        "reunions-veille", priority="1.2", name="Réunions de veille", targets={2025: 40, 2026: 45}
    )
    indicator.baseline_value, indicator.baseline_year = 25, 2023
    indicator.save()
    for year, value in ((2024, 33), (2025, 41)):
        IndicatorValue.objects.create(
            indicator=indicator, period_start=date(year, 1, 1), value=value
        )
    client.force_login(pilot)

    page = client.get("/contrat/priorites/1.2/?annee=2025").content.decode()
    assert "<h1>1.2 — Prévenir et lutter contre les rixes</h1>" in page
    assert 'id="etat-priorite">Dans les temps<' in page  # the action was not due yet
    # The chart: values, one target line per year, the baseline; a table of the same figures.
    chart = re.search(r'<svg [^>]*id="graphique-reunions-veille".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in chart
    assert chart.count('class="value"') == 2
    assert chart.count('class="target"') == 2
    assert 'class="baseline"' in chart
    assert "Cibles : 2025 40, 2026 45." in chart
    assert 'id="etat-reunions-veille">Dans les temps<' in page  # 41 against 40 in 2025
    # Decisions, latest first, and the declination in the 18th.
    assert page.index("1 septembre 2025") < page.index("1 mars 2025")
    assert "Goutte d&#x27;Or" in page
    assert 'href="/contrat/priorites/1.2/?annee=2025&amp;secteur=paris-18"' in page

    page = client.get(f"/contrat/priorites/1.2/?annee={today.year}").content.decode()
    assert 'id="etat-priorite">En retard<' in page
    row = re.search(r'<tr id="action-1-2-1" class="overdue">.*?</tr>', page, re.S).group(0)
    assert "échéance dépassée" in row and "Ville de Paris" in row
    # No value yet this year: the 2025 value is compared with the 2025 target (like with
    # like), not with this year's 45, and the page says so.
    assert 'id="etat-reunions-veille">Dans les temps<' in page
    assert "la valeur 2025 est comparée à la cible 2025" in page


def test_comparison_of_sectors_on_one_indicator(client, make_user, make_indicator):
    indicator = make_indicator(
        "nuit-1000",
        priority="3.2",
        name="Doléances de la vie nocturne pour 1 000 habitants",
        unit="pour 1 000 hab.",
        direction=Direction.LOWER_IS_BETTER,
        targets={2025: 2.0},
    )
    sectors = {s.code: s for s in Sector.objects.all()}
    IndicatorTarget.objects.create(
        indicator=indicator, sector=sectors["paris-11"], year=2025, value=3.0
    )
    for code, value in (("paris-18", 2.1), ("paris-11", 4.5), ("paris-5", 1.2)):
        IndicatorValue.objects.create(
            indicator=indicator, sector=sectors[code], period_start=date(2025, 1, 1), value=value
        )
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))

    page = client.get("/contrat/comparaison/?indicateur=nuit-1000&annee=2025").content.decode()
    chart = re.search(r'<svg [^>]*id="graphique-comparaison".*?</svg>', page, re.S).group(0)
    assert chart.count("<rect ") == 3  # the sectors with a value
    assert 'class="bar late"' in chart and 'class="bar on_track"' in chart
    row = re.search(r'<tr id="secteur-paris-18">.*?</tr>', page, re.S).group(0)
    assert "2,10" not in row and "2,1" in row and "−5\u202f%" in row and "À surveiller" in row
    row = re.search(r'<tr id="secteur-paris-11">.*?</tr>', page, re.S).group(0)
    assert ">3<" in row and "−50\u202f%" in row and "En retard" in row  # its own target
    row = re.search(r'<tr id="secteur-paris-5">.*?</tr>', page, re.S).group(0)
    assert "(Paris)" in row and "Dans les temps" in row
    assert page.count('<tr id="secteur-') == 17

    assert client.get("/contrat/comparaison/?indicateur=inconnu").status_code == 404


def test_unknown_codes_are_404_and_a_bad_year_falls_back(client, pilot):
    client.force_login(pilot)
    assert client.get("/contrat/secteurs/paris-99/").status_code == 404
    assert client.get("/contrat/priorites/9.9/").status_code == 404
    assert client.get("/contrat/priorites/1.1/?secteur=nulle-part").status_code == 404
    assert client.get("/contrat/indicateurs/inconnu/saisir/").status_code == 404
    assert client.get("/contrat/export.pdf").status_code == 404
    page = client.get("/contrat/?annee=deux-mille").content.decode()
    assert f"Paris, {min(max(date.today().year, 2023), 2026)}" in page


def test_a_coordinator_is_pointed_to_their_own_sector(client, make_user):
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    page = client.get("/contrat/").content.decode()
    assert re.search(
        r'id="mon-secteur">.*href="/contrat/secteurs/paris-18/\?annee=\d+">Paris 18e', page
    )
    page = client.get("/contrat/secteurs/paris-18/").content.decode()
    assert "<h1>Contrat d'arrondissement — Paris 18e, " in page
