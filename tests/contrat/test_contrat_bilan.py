"""The annual report for the steering committee, in one command."""

import zipfile
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from contrat import bilan
from contrat.choices import ActionStatus
from contrat.models import Action, Axis, Indicator, IndicatorValue, Priority
from doleances.bulk import file_complaints
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput
from observatoire import services as observatoire
from territory.models import Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(paris, make_indicator):
    rixes = Priority.objects.get(code="1.2")
    Action.objects.create(
        priority=rixes,
        title="Cellule de veille rixes installée",
        due_date=date(2025, 6, 30),
        status=ActionStatus.DONE,
        done_on=date(2025, 5, 12),
    )
    Action.objects.create(
        priority=rixes, title="Charte avec les bailleurs", due_date=date(2025, 10, 1)
    )
    indicator = make_indicator(
        "reunions-veille", priority="1.2", name="Réunions de veille", targets={2025: 40}
    )
    IndicatorValue.objects.create(indicator=indicator, period_start=date(2025, 1, 1), value=31)
    category = Category.objects.filter(family__code="vie-nocturne", is_active=True).first()
    file_complaints(
        [
            ComplaintInput(
                category=category,
                channel=Channel.WEB,
                postal_code="75018",
                received_at=datetime(2025, 3, day, 22, tzinfo=ZoneInfo("Europe/Paris")),
            )
            for day in range(1, 8)
        ]
    )
    observatoire.refresh(full=True)


def test_bilan_html_pdf_and_docx_with_every_axis_and_priority(year_2025, tmp_path):
    out = StringIO()
    call_command("bilan", "--annee", "2025", "--out", str(tmp_path), stdout=out)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["bilan-2025-paris.docx", "bilan-2025-paris.html", "bilan-2025-paris.pdf"]
    assert str(tmp_path / "bilan-2025-paris.pdf") in out.getvalue()

    html = (tmp_path / "bilan-2025-paris.html").read_text(encoding="utf-8")
    assert "Bilan 2025 du contrat de prévention et de sécurité — Paris" in html
    for axis in Axis.objects.all():
        assert f"Axe {axis.number} — {axis.title}" in html.replace("&#x27;", "'")
    for priority in Priority.objects.all():
        assert f"{priority.code} — {priority.title}" in html.replace("&#x27;", "'")
    assert "Cellule de veille rixes installée" in html  # action done in 2025
    assert "échéance dépassée" in html  # the other one
    # One chart per indicator of the contract (the fixture's and this test's).
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == Indicator.objects.count()
    assert "−22,5" in html  # 31 against 40
    assert "Doléances reçues" in html
    assert "Données de l'observatoire indisponibles" not in html.replace("&#x27;", "'")

    assert (tmp_path / "bilan-2025-paris.pdf").read_bytes().startswith(b"%PDF")
    with zipfile.ZipFile(tmp_path / "bilan-2025-paris.docx") as docx:
        document = docx.read("word/document.xml").decode()
    assert "1.2 — Prévenir et lutter contre les rixes" in document
    assert "Réunions de veille" in document


def test_bilan_of_a_sector_in_the_default_directory(year_2025, settings):
    paths = bilan.write(2025, Sector.objects.get(code="paris-18"), formats=("html",))
    assert paths == [bilan.default_directory() / "bilan-2025-paris-18.html"]
    assert str(paths[0]).startswith(str(settings.CPPS_VAR_DIR))
    html = paths[0].read_text(encoding="utf-8")
    assert "Bilan 2025 du contrat de prévention et de sécurité — Paris 18e" in html
    assert ">7<" in html  # the 18th's complaints of 2025


def test_the_report_says_when_the_observatory_cannot_answer(year_2025, tmp_path):
    not_a_directory = tmp_path / "fichier"
    not_a_directory.write_text("")
    with override_settings(CPPS_VAR_DIR=not_a_directory):
        context = bilan.build(2025)
    assert context["observatory"] is None
    html = bilan.render_html(context)
    assert "Données de l'observatoire indisponibles." in html
    assert "1.2 — Prévenir et lutter contre les rixes" in html


def test_unknown_sector_or_year_is_a_french_error(paris):
    with pytest.raises(CommandError, match="Secteur inconnu : paris-99"):
        call_command("bilan", "--annee", "2025", "--secteur", "paris-99")
    with pytest.raises(CommandError, match="Année invalide"):
        call_command("bilan", "--annee", "25")
