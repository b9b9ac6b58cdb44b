"""The monthly barometer of Paris and of each CSPA sector, as HTML and PDF.

Built from `observatoire.services` only: key figures (month, previous month, same month a
year earlier), counts by family and by territory, the weekly series with its seasonal
baseline, a static SVG map of quartiers (equirectangular projection of our own GeoJSON, no
tiles) with hot spot cells, the alerts in progress at the end of the month, and a short
French commentary written by rules (`commentary`).

Changes are tested as two Poisson counts over their number of days: conditionally on their
sum, the month's count is binomial with p = days / (days + reference days) under "no
change" (exact two-sided test), so a rise from 3 to 6 is not reported as significant.
"""

from __future__ import annotations

import calendar
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from scipy.stats import binomtest

from observatoire import charts, dashboard, services
from observatoire.filters import Filters
from territory.models import Quartier, Sector

SIGNIFICANCE = 0.05
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# Hot spot cells drawn on the map and counted in the commentary: 95 % confidence or more.
MAP_MIN_GI_BIN = 2
# A month's complaints are sparse on the dashboard's ~65 m cells (resolution 10): the
# barometer looks for hot spots on ~175 m cells (resolution 9, about 0.1 km²).
HOTSPOT_RESOLUTION = 9


def parse_month(text: str) -> date:
    """ "2026-10" → date(2026, 10, 1); ValueError with a French message otherwise."""
    match = MONTH_PATTERN.match((text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise ValueError(
            _("Mois invalide : « %(text)s » (format attendu : AAAA-MM).") % {"text": text}
        )
    return date(int(match[1]), int(match[2]), 1)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_filters(month: date, sector: Sector | None) -> Filters:
    return Filters(start=month, end=month_end(month), sectors=(sector.code,) if sector else ())


def default_dir() -> Path:
    return Path(settings.CPPS_VAR_DIR) / "reports" / "barometres"


def file_stem(month: date, sector: Sector | None) -> str:
    return f"barometre-{month:%Y-%m}-{sector.code if sector else 'paris'}"


@dataclass(frozen=True)
class Change:
    """A count this month against a reference period, with its exact Poisson test."""

    key: object
    label: str
    current: int
    reference: int
    p: float | None

    @property
    def diff(self) -> int:
        return self.current - self.reference

    @property
    def pct(self) -> float | None:
        return 100 * self.diff / self.reference if self.reference else None

    @property
    def significant(self) -> bool:
        return self.p is not None and self.p < SIGNIFICANCE


def poisson_change_p(current: int, reference: int, days: int, reference_days: int) -> float | None:
    """Two-sided p-value of "same daily rate" for two Poisson counts; None without data."""
    total = current + reference
    if total == 0:
        return None
    return float(binomtest(current, total, days / (days + reference_days)).pvalue)


def changes(current: list[dict], reference: list[dict], days: int, reference_days: int):
    """`Change`s by key of two `counts_by` results (keys missing on one side count 0),
    largest absolute change first; complaints without the dimension are left out."""
    now = {r["key"]: r for r in current if r["key"] is not None}
    before = {r["key"]: r for r in reference if r["key"] is not None}
    out = []
    for key in now.keys() | before.keys():
        c = now.get(key, {}).get("count", 0)
        r = before.get(key, {}).get("count", 0)
        label = (now.get(key) or before.get(key))["label"]
        out.append(Change(key, label, c, r, poisson_change_p(c, r, days, reference_days)))
    out.sort(key=lambda ch: (-abs(ch.diff), str(ch.label)))
    return out


def _pct_text(change: Change) -> str:
    """ "+12 %", "−3 %", "0 %"; "" without reference."""
    if change.pct is None:
        return ""
    sign = "+" if change.pct > 0 else "−" if change.pct < 0 else ""
    return f"{sign}{charts.fr_number(abs(change.pct))}\u00a0%"


def _significance_text(change: Change) -> str:
    p = change.p
    p_text = "p < 0,001" if p is not None and p < 0.001 else f"p = {charts.fr_number(p or 1, 3)}"
    if change.significant:
        return _("écart significatif (%(p)s)") % {"p": p_text}
    return _("écart non significatif au seuil de 5 %% (%(p)s)") % {"p": p_text}


def _change_sentence(change: Change, what: str, reference_label: str) -> str:
    """One sentence on a change, e.g. the largest rise of a family over a year."""
    direction = _("hausse") if change.diff > 0 else _("baisse")
    diff = ("+" if change.diff > 0 else "−") + charts.fr_number(abs(change.diff))
    return _(
        "La plus forte %(direction)s %(what)s concerne « %(label)s » : %(current)s doléances "
        "contre %(reference)s en %(reference_label)s (%(diff)s%(pct)s), %(significance)s."
    ) % {
        "direction": direction,
        "what": what,
        "label": change.label,
        "current": charts.fr_number(change.current),
        "reference": charts.fr_number(change.reference),
        "reference_label": reference_label,
        "diff": diff,
        "pct": f", {_pct_text(change)}" if change.pct is not None else "",
        "significance": _significance_text(change),
    }


def _extremes(items: list[Change]) -> list[Change]:
    """The largest rise and the largest fall, the larger of the two first."""
    rises = [c for c in items if c.diff > 0]
    falls = [c for c in items if c.diff < 0]
    picked = [max(rises, key=lambda c: c.diff)] if rises else []
    picked += [min(falls, key=lambda c: c.diff)] if falls else []
    return sorted(picked, key=lambda c: -abs(c.diff))


def commentary(report: dict) -> list[str]:
    """The barometer's French commentary: total, largest rises and falls by family and by
    territory against the same month a year earlier (with their significance), alerts in
    progress, hot spots."""
    k = report["figures"]
    lines = []
    total_line = _("En %(month)s, %(place)s : %(total)s doléances") % {
        "month": report["month_label"],
        "place": report["place"],
        "total": charts.fr_number(k["total"]),
    }
    parts = []
    for change, label in (
        (report["vs_last_year"], report["last_year_label"]),
        (report["vs_previous_month"], report["previous_month_label"]),
    ):
        if change.reference:
            parts.append(
                _("%(pct)s par rapport à %(label)s (%(reference)s)")
                % {
                    "pct": _pct_text(change),
                    "label": label,
                    "reference": charts.fr_number(change.reference),
                }
            )
        else:
            parts.append(_("aucune doléance en %(label)s pour comparer") % {"label": label})
    lines.append(f"{total_line} ({' ; '.join(parts)}).")
    if report["vs_last_year"].reference:
        lines.append(
            _("Sur un an, l'évolution globale est un %(significance)s.")
            % {"significance": _significance_text(report["vs_last_year"])}
        )

    by_family = _extremes(report["family_changes"])
    by_territory = _extremes(report["territory_changes"])
    if not by_family and not by_territory:
        lines.append(_("Aucune variation par famille ni par territoire sur un an."))
    for change in by_family:
        lines.append(_change_sentence(change, _("par famille"), report["last_year_label"]))
    for change in by_territory:
        lines.append(_change_sentence(change, report["territory_what"], report["last_year_label"]))

    alerts = report["alerts"]
    if alerts:
        items = "; ".join(
            _(
                "%(what)s (%(where)s) depuis la semaine du %(since)s : %(observed)s doléances pour "
                "%(expected)s attendues"
            )
            % {
                "what": a["what"],
                "where": a["where"],
                "since": date_format(a["since"], "j F Y"),
                "observed": charts.fr_number(a["observed"]),
                "expected": charts.fr_number(a["expected"], 1),
            }
            for a in alerts
        )
        lines.append(
            _("%(n)d alerte(s) en cours à la fin du mois : %(items)s.")
            % {"n": len(alerts), "items": items}
        )
    else:
        lines.append(_("Aucune alerte en cours à la fin du mois."))

    hot = report["hot_places"]
    if hot:
        places = ", ".join(
            _("%(place)s (%(count)s doléance(s))")
            % {
                "place": entry["place"] or _("hors des quartiers de Paris"),
                "count": charts.fr_number(entry["count"]),
            }
            for entry in hot[:3]
        )
        lines.append(
            _(
                "%(n)d cellule(s) d'environ 0,1 km² en point chaud significatif (Gi*, 95 %% "
                "ou plus), surtout dans les quartiers suivants : %(places)s."
            )
            % {"n": report["hot_cell_count"], "places": places}
        )
    else:
        lines.append(_("Aucun point chaud significatif ce mois-ci."))
    return lines


def build(month: date, sector: Sector | None = None) -> dict:
    """Everything the barometer shows for `month` (first day) in Paris or one sector."""
    month = month.replace(day=1)
    f = month_filters(month, sector)
    previous = month_filters(previous_month(month), sector)
    last_year = month_filters(month.replace(year=month.year - 1), sector)
    days = (f.end - f.start).days + 1
    days_prev = (previous.end - previous.start).days + 1
    days_ly = (last_year.end - last_year.start).days + 1

    figures = services.key_figures(f)
    prev_total = services.key_figures(previous)["total"]
    place = sector.name if sector else "Paris"
    total_change = Change(
        "total",
        place,
        figures["total"],
        figures["previous_total"],
        poisson_change_p(figures["total"], figures["previous_total"], days, days_ly),
    )
    month_change = Change(
        "total",
        place,
        figures["total"],
        prev_total,
        poisson_change_p(figures["total"], prev_total, days, days_prev),
    )

    families_now = services.counts_by(f, "family")
    family_changes = changes(families_now, services.counts_by(last_year, "family"), days, days_ly)
    territory_dimension = "quartier" if sector else "sector"
    territory_changes = changes(
        services.counts_by(f, territory_dimension),
        services.counts_by(last_year, territory_dimension),
        days,
        days_ly,
    )
    prev_by_family = {r["key"]: r["count"] for r in services.counts_by(previous, "family")}
    family_rows = [
        {
            "label": ch.label,
            "current": ch.current,
            "previous_month": prev_by_family.get(ch.key, 0),
            "last_year": ch.reference,
            "pct": ch.pct,
            "significant": ch.significant,
        }
        for ch in sorted(family_changes, key=lambda ch: -ch.current)
    ]
    territory_rows = [
        {
            "label": ch.label,
            "current": ch.current,
            "last_year": ch.reference,
            "pct": ch.pct,
            "significant": ch.significant,
        }
        for ch in sorted(territory_changes, key=lambda ch: -ch.current)
    ]

    alerts = services.alerts(month_end(month) + timedelta(days=1), sectors=f.sectors)
    if sector:
        alerts = [a for a in alerts if a["sector"] == sector.code]

    hot_rows = [
        r
        for r in services.hotspots(f, resolution=HOTSPOT_RESOLUTION)
        if r["gi_bin"] >= MAP_MIN_GI_BIN
    ]
    by_place: dict[str, dict] = {}
    cell_quartiers = dashboard.cell_places([r["cell"] for r in hot_rows])
    own_quartiers = (
        set(Quartier.objects.filter(arrondissement__sector=sector).values_list("name", flat=True))
        if sector
        else None
    )
    for row, quartier in zip(hot_rows, cell_quartiers, strict=True):
        if own_quartiers is not None and quartier not in own_quartiers:
            continue  # a sector's barometer lists its own quartiers only
        entry = by_place.setdefault(
            quartier, {"place": quartier, "cells": 0, "count": 0, "z": row["z"]}
        )
        entry["cells"] += 1
        entry["count"] += row["count"]
        entry["z"] = max(entry["z"], row["z"])
    hot_places = sorted(by_place.values(), key=lambda e: (-e["count"], -e["z"]))

    # Weekly series over 53 weeks ending with the month, with its seasonal baseline.
    series_filters = replace(f, start=f.end - timedelta(weeks=53) + timedelta(days=1))
    # Weeks cut by the year's edges are left out: a partial week is no fall.
    series = [
        r
        for r in services.time_series(series_filters, "week")
        if not dashboard.is_partial(r, "week")
    ]
    month_label = date_format(month, "F Y")
    series_svg = charts.line_chart(
        [dashboard.period_label(r["period"], "week") for r in series],
        [r["count"] for r in series],
        expected=[r["expected"] for r in series],
        upper=[r["upper"] for r in series],
        title=_("Doléances par semaine sur un an et niveau attendu"),
        observed_label=_("Doléances"),
        expected_label=_("Attendu (saison)"),
        band_label=_("Jusqu'au seuil d'alerte"),
        width=700,
        height=240,
    )
    family_svg = charts.bar_chart(
        [(r["label"], r["count"]) for r in families_now],
        title=_("Doléances par famille — %(month)s") % {"month": month_label},
        width=700,
    )
    quartiers = services.counts_by(f, "quartier")
    areas, context = dashboard.quartier_areas(sector.code if sector else None)
    overlays = [
        (geometry, row["gi_bin"], row["label"])
        for row, geometry in zip(hot_rows, dashboard.hexagons(hot_rows), strict=True)
    ]
    map_svg = charts.choropleth(
        areas,
        {r["key"]: r["count"] for r in quartiers if r["key"] is not None},
        title=_("Doléances par quartier — %(month)s") % {"month": month_label},
        legend_title=_("Doléances"),
        context=context,
        overlays=overlays,
        overlay_title=_("Points chauds"),
        width=700,
    )

    report = {
        "month": month,
        "month_label": month_label,
        "previous_month_label": date_format(previous.start, "F Y"),
        "last_year_label": date_format(last_year.start, "F Y"),
        "sector": sector,
        "place": place,
        "filters": f,
        "figures": figures,
        "previous_month_total": prev_total,
        "vs_last_year": total_change,
        "vs_previous_month": month_change,
        "family_changes": family_changes,
        "territory_changes": territory_changes,
        "territory_what": _("par quartier") if sector else _("par secteur"),
        "territory_title": _("Par quartier") if sector else _("Par secteur"),
        "family_rows": family_rows,
        "territory_rows": territory_rows,
        "alerts": dashboard.dated_alerts(alerts),
        "hot_places": hot_places,
        "hot_cell_count": len(hot_rows),
        "series_svg": series_svg,
        "family_svg": family_svg,
        "map_svg": map_svg,
        "generated_at": timezone.localtime(),
    }
    report["commentary"] = commentary(report)
    return report


def render_html(report: dict) -> str:
    return render_to_string("observatoire/barometre.html", report)


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads pango when imported, which only barometers need.
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def write(
    month: date,
    sector: Sector | None = None,
    out_dir: Path | None = None,
    formats=("html", "pdf"),
) -> dict[str, Path]:
    """Write the barometer files (`formats` among html, pdf) into `out_dir` (default
    `CPPS_VAR_DIR/reports/barometres/`); returns {format: path}."""
    out_dir = Path(out_dir or default_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    html = render_html(build(month, sector))
    stem = file_stem(month, sector)
    paths = {}
    for fmt in formats:
        content = html.encode() if fmt == "html" else render_pdf(html)
        paths[fmt] = out_dir / f"{stem}.{fmt}"
        # Written aside then renamed: a reader never gets a half-written file, and two
        # requests for the same barometer never write into the same temporary file.
        with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".part", delete=False) as part:
            part.write(content)
        Path(part.name).replace(paths[fmt])
    return paths
