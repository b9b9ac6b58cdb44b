"""Charts as server-side SVG (no JavaScript): an indicator over time with its baseline and
yearly targets, and a comparison of sectors on one indicator.

Each chart is an accessible image (`role="img"`, a title and a French description); pages
show the same figures in a table next to it.
"""

from __future__ import annotations

import math
from datetime import date

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

STATUS_COLOURS = {
    "on_track": "#18753c",
    "at_risk": "#b34000",
    "late": "#c9191e",
    "done": "#000091",
    "no_data": "#929292",
}
VALUE_COLOUR = "#000091"
TARGET_COLOUR = "#b34000"
BASELINE_COLOUR = "#666666"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def format_number(value: float | None) -> str:
    """French display of a figure: whole numbers without decimals, otherwise at most 1 (from
    10) or 2 significant decimals."""
    if value is None:
        return "—"
    if value == int(value) or abs(value) >= 100:
        decimals = 0
    elif abs(value) >= 10:
        decimals = 1
    else:
        decimals = 2
    rounded = round(value, decimals)
    # No trailing zeros: 2.1 is "2,1", not "2,10".
    decimals = next(d for d in range(decimals + 1) if round(rounded, d) == rounded)
    return number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def _top(figures: list[float], headroom: float) -> float:
    """The top of the value axis: a little above the largest figure (1 when all are 0)."""
    largest = max([0.0, *figures])
    return largest * headroom if largest > 0 else 1.0


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (steps of 1, 2 or 5 × 10^k)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    tick = start
    while tick < high + step * 0.5:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _svg(chart_id, width, height, title, description, body: list[str]) -> SafeString:
    """The SVG element; every text inserted in `body` has been escaped by its builder."""
    chart_id = escape(chart_id)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" id="{chart_id}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _tip(text: str) -> str:
    """A tooltip (SVG <title>) for the element it closes."""
    return f"<title>{escape(text)}</title>"


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / (date(day.year + 1, 1, 1) - start).days


def indicator_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    values: list[tuple[date, float]],
    targets: dict[int, float],
    baseline: tuple[int, float] | None,
    years: list[int],
    months: int = 12,
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Values over time (one point in the middle of each period), the yearly targets as
    dashed steps and the baseline as a dotted line, over `years` (widened to the data)."""
    all_years = set(years) | {d.year for d, _v in values} | set(targets)
    if baseline:
        all_years.add(baseline[0])
    first, last = min(all_years), max(all_years)
    left, right, top, bottom = 56, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    figures = [v for _d, v in values] + list(targets.values()) + ([baseline[1]] if baseline else [])
    ticks = nice_ticks(min([0.0, *figures]), _top(figures, 1.1))
    low, high = ticks[0], ticks[-1]

    def x(position: float) -> float:
        return left + (position - first) / (last + 1 - first) * plot_w

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    body = [f'<g {FONT} fill="#161616">']
    for tick in ticks:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e5e5e5"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{escape(format_number(tick))}</text>'
        )
    for year in range(first, last + 1):
        body.append(
            f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#d0d0d0"/><text x="{x(year + 0.5):.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{year}</text>'
        )
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#161616"/>'
    )
    if baseline:
        body.append(
            f'<line class="baseline" x1="{left}" x2="{width - right}" y1="{y(baseline[1]):.1f}" '
            f'y2="{y(baseline[1]):.1f}" stroke="{BASELINE_COLOUR}" stroke-dasharray="2 3">'
            + _tip(
                _("Référence %(year)s : %(value)s")
                % {"year": baseline[0], "value": format_number(baseline[1])}
            )
            + "</line>"
        )
    for year, target in sorted(targets.items()):
        body.append(
            f'<line class="target" x1="{x(year) + 2:.1f}" x2="{x(year + 1) - 2:.1f}" '
            f'y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="6 3">'
            + _tip(_("Cible %(year)s : %(value)s") % {"year": year, "value": format_number(target)})
            + "</line>"
        )
    half = months / 24
    points = [(x(_year_fraction(d) + half), y(v), d, v) for d, v in values]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _d, _v in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{VALUE_COLOUR}" stroke-width="2"/>'
        )
    for px, py, day, value in points:
        body.append(
            f'<circle class="value" cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{VALUE_COLOUR}">'
            + _tip(f"{day.isoformat()} : {format_number(value)} {unit}")
            + "</circle>"
        )
    legend_y = height - 8
    body.append(
        f'<circle cx="{left + 4}" cy="{legend_y - 4}" r="4" fill="{VALUE_COLOUR}"/>'
        f'<text x="{left + 12}" y="{legend_y}">{escape(_("Valeurs"))}</text>'
        f'<line x1="{left + 80}" x2="{left + 104}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 3"/>'
        f'<text x="{left + 110}" y="{legend_y}">{escape(_("Cibles"))}</text>'
        f'<line x1="{left + 170}" x2="{left + 194}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{BASELINE_COLOUR}" stroke-dasharray="2 3"/>'
        f'<text x="{left + 200}" y="{legend_y}">{escape(_("Référence"))}</text>'
    )
    body.append("</g>")
    description = _describe_series(unit, values, targets, baseline)
    return _svg(chart_id, width, height, title, description, body)


def _describe_series(unit, values, targets, baseline) -> str:
    parts = []
    if values:
        parts.append(
            _("Valeurs : %(list)s.")
            % {
                "list": ", ".join(
                    f"{d.isoformat()} {format_number(v)} {unit}".strip() for d, v in values
                )
            }
        )
    else:
        parts.append(_("Aucune valeur."))
    if targets:
        parts.append(
            _("Cibles : %(list)s.")
            % {"list": ", ".join(f"{y} {format_number(v)}" for y, v in sorted(targets.items()))}
        )
    if baseline:
        parts.append(
            _("Référence %(year)s : %(value)s.")
            % {"year": baseline[0], "value": format_number(baseline[1])}
        )
    return " ".join(parts)


def comparison_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    rows: list[tuple[str, float | None, float | None, str]],
    width: int = 640,
) -> SafeString:
    """Horizontal bars, one per (label, value, target, status), coloured by status, with the
    target as a tick across the bar."""
    row_h, label_w, right = 24, 150, 70
    top, bottom = 8, 28
    height = top + bottom + row_h * len(rows)
    plot_w = width - label_w - right
    figures = [v for _l, v, t, _s in rows if v is not None] + [
        t for _l, _v, t, _s in rows if t is not None
    ]
    ticks = nice_ticks(min([0.0, *figures]), _top(figures, 1.05))
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return label_w + (value - low) / (high - low) * plot_w

    body = [f'<g {FONT} fill="#161616">']
    for tick in ticks:
        body.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{height - bottom}" '
            f'stroke="#e5e5e5"/><text x="{x(tick):.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{escape(format_number(tick))}</text>'
        )
    for index, (label, value, target, status) in enumerate(rows):
        row_y = top + index * row_h
        body.append(
            f'<text x="{label_w - 6}" y="{row_y + row_h / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        if value is not None:
            body.append(
                f'<rect class="bar {escape(status)}" x="{x(min(0.0, value)):.1f}" y="{row_y + 4}" '
                f'width="{abs(x(value) - x(0.0)):.1f}" height="{row_h - 8}" '
                f'fill="{STATUS_COLOURS.get(status, VALUE_COLOUR)}">'
                + _tip(f"{label} : {format_number(value)} {unit}")
                + "</rect>"
                f'<text x="{x(max(0.0, value)) + 4:.1f}" y="{row_y + row_h / 2 + 4:.1f}">'
                f"{escape(format_number(value))}</text>"
            )
        if target is not None:
            body.append(
                f'<line class="target" x1="{x(target):.1f}" x2="{x(target):.1f}" '
                f'y1="{row_y + 1}" y2="{row_y + row_h - 1}" stroke="#161616" stroke-width="3">'
                + _tip(_("Cible : %(value)s") % {"value": format_number(target)})
                + "</line>"
            )
    body.append("</g>")
    description = " ".join(
        f"{label} : {format_number(value)}"
        + (f" ({_('cible')} {format_number(target)})" if target is not None else "")
        + "."
        for label, value, target, _s in rows
    )
    return _svg(chart_id, width, height, title, description, body)
