"""The annual report (*bilan*) for the steering committee: per axis and priority, the actions
done, the indicators against their targets with charts, and the observatory's key figures
for the year; for Paris or one sector. HTML, PDF (WeasyPrint) and DOCX (python-docx)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from contrat import charts, computed, services
from contrat.charts import format_number
from territory.models import Sector

logger = logging.getLogger(__name__)

FORMATS = ("html", "pdf", "docx")


def default_directory() -> Path:
    return Path(settings.CPPS_VAR_DIR) / "reports" / "bilans"


@dataclass
class PriorityReport:
    state: services.PriorityState
    done: list  # actions done in the year
    pending: list  # (action, state) still open at the end of the period
    indicators: list  # (Evaluation, SVG chart)


def _with_year(text: str, year: int | None) -> str:
    return f"{text} ({year})" if year else text


def _done_in(action, year: int) -> bool:
    return action.done_on is None or action.done_on.year == year


def observatory_figures(year: int, sector: Sector | None) -> dict | None:
    """The observatory's key figures and complaints by family for the year; None when the
    observatory cannot answer (the report then says so instead of failing)."""
    from observatoire import services as observatoire

    f = observatoire.Filters(
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        sectors=(sector.code,) if sector else (),
    )
    try:
        return {
            "key": observatoire.key_figures(f),
            "families": observatoire.counts_by(f, "family", rate=False),
        }
    except Exception:  # a secondary section must not prevent the report
        logger.exception("bilan: observatory figures unavailable")
        return None


def build(year: int, sector: Sector | None = None, today: date | None = None) -> dict:
    """Everything the report shows, for Paris (`sector` None) or one sector."""
    try:
        computed.ensure_computed_values_fresh(year)
    except Exception:  # the report then shows the computed values last stored
        logger.exception("bilan: computed indicators not refreshed")
    snapshot = services.load_snapshot(year, today)
    years = services.contract_years()
    axes: dict[int, dict] = {}
    states = []
    for priority in snapshot.priorities:
        state = snapshot.state(priority, sector)
        states.append(state)
        indicators = []
        for evaluation in state.evaluations:
            data = services.series(snapshot, evaluation.indicator, sector)
            indicators.append(
                (
                    evaluation,
                    charts.indicator_chart(
                        chart_id=f"bilan-{evaluation.indicator.code}",
                        title=evaluation.indicator.name,
                        unit=evaluation.indicator.unit,
                        values=data["values"],
                        targets=data["targets"],
                        baseline=data["baseline"],
                        years=years,
                        months=data["months"],
                        width=560,
                        height=220,
                    ),
                )
            )
        report = PriorityReport(
            state=state,
            done=[a for a, s in state.actions if s == "done" and _done_in(a, year)],
            pending=[(a, s) for a, s in state.actions if s not in ("done", "abandoned")],
            indicators=indicators,
        )
        axes.setdefault(priority.axis_id, {"axis": priority.axis, "priorities": []})[
            "priorities"
        ].append(report)
    scope = sector.name if sector else _("Paris")
    return {
        "title": _("Bilan %(year)d du contrat de prévention et de sécurité — %(scope)s")
        % {"year": year, "scope": scope},
        "year": year,
        "sector": sector,
        "scope": scope,
        "as_of": snapshot.as_of,
        "generated_at": timezone.localtime(),
        "axes": sorted(axes.values(), key=lambda entry: entry["axis"].number),
        "counts": services.status_counts(states),
        "observatory": observatory_figures(year, sector),
    }


def render_html(context: dict) -> str:
    return render_to_string("contrat/bilan.html", context)


def write_docx(context: dict, path) -> None:
    """The same report as a Word document (tables; the charts are in the HTML and PDF)."""
    from docx import Document

    document = Document()
    document.add_heading(context["title"], level=0)
    document.add_paragraph(
        _("État au %(day)s. Les graphiques figurent dans les versions PDF et HTML.")
        % {"day": context["as_of"].strftime("%d/%m/%Y")}
    )
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("État"), _("Priorités")
    for count in context["counts"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(count["label"]), str(count["count"])
    for entry in context["axes"]:
        axis = entry["axis"]
        document.add_heading(
            _("Axe %(number)s — %(title)s") % {"number": axis.number, "title": axis.title}, 1
        )
        for report in entry["priorities"]:
            priority = report.state.priority
            document.add_heading(f"{priority.code} — {priority.title}", 2)
            document.add_paragraph(_("État : %(status)s") % {"status": report.state.status_label})
            document.add_paragraph(_("Actions réalisées :"))
            for action in report.done or [None]:
                document.add_paragraph(
                    f"{action.code} {action.title}" if action else _("aucune"),
                    style="List Bullet",
                )
            if report.indicators:
                rows = document.add_table(rows=1, cols=4)
                header = rows.rows[0].cells
                header[0].text, header[1].text = _("Indicateur"), _("Valeur")
                header[2].text, header[3].text = _("Cible"), _("État")
                for evaluation, _chart in report.indicators:
                    cells = rows.add_row().cells
                    cells[0].text = evaluation.indicator.name
                    cells[1].text = _with_year(
                        f"{format_number(evaluation.value)} {evaluation.indicator.unit}",
                        evaluation.value_year,
                    )
                    cells[2].text = _with_year(
                        format_number(evaluation.target), evaluation.target_year
                    )
                    cells[3].text = str(evaluation.status_label)
    document.add_heading(_("Chiffres clés de l'observatoire"), 1)
    figures = context["observatory"]
    if figures is None:
        document.add_paragraph(_("Données de l'observatoire indisponibles."))
    else:
        key = figures["key"]
        document.add_paragraph(
            _("%(total)s doléances reçues, %(answered)s avec une réponse publique.")
            % {"total": format_number(key["total"]), "answered": format_number(key["answered"])}
        )
    document.save(path)


CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def file_name(year: int, sector: Sector | None, fmt: str) -> str:
    return f"bilan-{year}-{sector.code if sector else 'paris'}.{fmt}"


def render(year: int, sector: Sector | None, fmt: str, today: date | None = None) -> bytes:
    """The report in one format, as bytes (for a download)."""
    context = build(year, sector, today)
    html = render_html(context)
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        from weasyprint import HTML

        return HTML(string=html, base_url=str(default_directory())).write_pdf()
    buffer = io.BytesIO()
    write_docx(context, buffer)
    return buffer.getvalue()


def write(
    year: int,
    sector: Sector | None = None,
    out_dir: Path | None = None,
    formats=FORMATS,
    today: date | None = None,
) -> list[Path]:
    """Write the report in each of `formats` under `out_dir` (default
    `CPPS_VAR_DIR/reports/bilans/`); returns the files written."""
    out_dir = Path(out_dir or default_directory())
    out_dir.mkdir(parents=True, exist_ok=True)
    context = build(year, sector, today)
    stem = out_dir / file_name(year, sector, "html").removesuffix(".html")
    html = render_html(context)
    written = []
    if "html" in formats:
        path = stem.with_suffix(".html")
        path.write_text(html, encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        from weasyprint import HTML

        path = stem.with_suffix(".pdf")
        HTML(string=html, base_url=str(out_dir)).write_pdf(path)
        written.append(path)
    if "docx" in formats:
        path = stem.with_suffix(".docx")
        write_docx(context, path)
        written.append(path)
    return written
