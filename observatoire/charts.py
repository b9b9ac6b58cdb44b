"""Server-side SVG charts for the dashboard and the barometer, without any dependency.

Each function returns a standalone SVG document (a string): it is inlined in the page,
downloaded as-is and printed by WeasyPrint in the PDF barometer, and it needs no JavaScript.
Every chart carries a `<title>` and a `<desc>` (role="img") for screen readers, and each
mark its own `<title>` (the value shown on hover). Text is drawn in DejaVu Sans, the font
WeasyPrint finds on the servers, with the system sans-serif as a fallback in browsers.

Labels are given by the caller; the charts' own words go through gettext. Numbers are
formatted the French way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

FONT = "DejaVu Sans, system-ui, sans-serif"
TEXT = "#161616"
MUTED = "#555"
GRID = "#ddd"
BLUE = "#000091"
# Sequential classes (ColorBrewer Blues) for counts and rates; index 0 is "none".
SEQUENTIAL = ("#f4f4f6", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
# Maps are greys: the red and blue Gi* hot and cold spots drawn over them must stand out.
MAP_SEQUENTIAL = ("#ffffff", "#e3e3e3", "#c4c4c4", "#9e9e9e", "#737373", "#4a4a4a")
# Getis–Ord Gi* confidence bins -3..3 (ColorBrewer RdBu): cold spots blue, hot spots red.
GI_BIN_COLOURS = {
    -3: "#2166ac",
    -2: "#67a9cf",
    -1: "#d1e5f0",
    0: "#f7f7f7",
    1: "#fddbc7",
    2: "#ef8a62",
    3: "#b2182b",
}
NARROW_NBSP = "\u202f"


def fr_number(value, decimals: int = 0) -> str:
    """`12345.6` → "12 345,6" (narrow no-break space, decimal comma); None → "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def fr_percent(share, decimals: int = 0) -> str:
    """A share 0–1 as "12 %"; None → "—"."""
    return "—" if share is None else f"{fr_number(share * 100, decimals)}\u00a0%"


def _attr(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def _num(value: float) -> str:
    """Compact coordinates: one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least `maximum` (1, 2, 2.5 or 5 × 10ⁿ steps)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Upper bounds of up to `classes` quantile classes of the positive values (increasing,
    distinct); 0 and missing values sit apart, in class 0 (see `class_of`)."""
    positive = sorted(v for v in values if v is not None and v > 0)
    if not positive:
        return []
    breaks: list[float] = []
    for k in range(1, classes + 1):
        bound = positive[min(len(positive) - 1, math.ceil(k * len(positive) / classes) - 1)]
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def class_of(value, breaks: Sequence[float]) -> int:
    """0 for no value or zero, else 1 + the index of the first break ≥ value."""
    if value is None or value <= 0 or not breaks:
        return 0
    for index, bound in enumerate(breaks):
        if value <= bound:
            return index + 1
    return len(breaks)


def class_colour(index: int, breaks: Sequence[float], palette=MAP_SEQUENTIAL) -> str:
    """The colour of class `index`, spread over the palette when there are few classes."""
    if index == 0 or not breaks:
        return palette[0]
    span = len(palette) - 1
    return palette[round(index * span / len(breaks))]


def tick_decimals(ticks: Sequence[float]) -> int:
    """Decimals needed to write the ticks (0 for steps of 1 or more, up to 2)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    return next((d for d in (0, 1) if abs(step * 10**d - round(step * 10**d)) < 1e-9), 2)


def legend_labels(breaks: Sequence[float], decimals: int = 0) -> list[str]:
    """French labels of the classes of `class_breaks`, "0" first. Whole numbers read as
    "2", "3 à 5"; others as "≤ 0,5", "0,5 à 1,2"."""
    labels = ["0"]
    whole = decimals == 0 and all(float(b).is_integer() for b in breaks)
    lower = 0.0
    for bound in breaks:
        high = fr_number(bound, decimals)
        if whole:
            low = lower + 1
            text = (
                high
                if low == bound
                else _("%(low)s à %(high)s")
                % {
                    "low": fr_number(low),
                    "high": high,
                }
            )
        elif lower:
            text = _("%(low)s à %(high)s") % {"low": fr_number(lower, decimals), "high": high}
        else:
            text = f"≤ {high}"
        labels.append(text)
        lower = bound
    return labels


class _Svg:
    """A document being written: elements appended as text."""

    def __init__(self, width: int, height: int, title: str, desc: str = ""):
        self.width, self.height = width, height
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{_attr(title)}" '
            f'font-family="{_attr(FONT)}" font-size="12" fill="{TEXT}">',
            # No ids: a page holds many charts, and ids would clash.
            f"<title>{escape(title)}</title><desc>{escape(desc or title)}</desc>",
            f'<rect width="{width}" height="{height}" fill="#fff"/>',
        ]

    def add(self, text: str) -> None:
        self.parts.append(text)

    def text(self, x, y, content, *, anchor="start", size=12, fill=TEXT, weight=None, extra=""):
        bold = f' font-weight="{weight}"' if weight else ""
        self.add(
            f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{fill}"{bold}{extra}>{escape(str(content))}</text>'
        )

    def done(self) -> str:
        return "".join(self.parts) + "</svg>"


def _empty(svg: _Svg, message: str | None = None) -> str:
    message = message or _("Aucune donnée pour ces filtres")
    svg.text(svg.width / 2, svg.height / 2, message, anchor="middle", fill=MUTED, size=14)
    return svg.done()


def _y_axis(svg: _Svg, ticks, left, right, top, bottom) -> None:
    span = ticks[-1] or 1
    decimals = tick_decimals(ticks)
    for tick in ticks:
        y = bottom - (bottom - top) * tick / span
        svg.add(f'<line x1="{left}" x2="{right}" y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}"/>')
        svg.text(left - 6, y + 4, fr_number(tick, decimals), anchor="end", fill=MUTED, size=11)


def line_chart(
    labels: Sequence[str],
    observed: Sequence[float],
    *,
    title: str,
    expected: Sequence[float | None] | None = None,
    upper: Sequence[float | None] | None = None,
    observed_label: str | None = None,
    expected_label: str | None = None,
    band_label: str | None = None,
    width: int = 760,
    height: int = 280,
    partial: Sequence[bool] | None = None,
) -> str:
    """Observed counts as a line over periods, with the expected level (dashed) and the band
    from expected to its upper bound (shaded) where the baseline is known. Periods cut by
    the edges of the dates (`partial`) are drawn as hollow points on a dotted line and never
    coloured: their low count is no fall."""
    partial = list(partial) if partial is not None else [False] * len(observed)
    observed_label = observed_label or _("Observé")
    expected_label = expected_label or _("Attendu")
    band_label = band_label or _("Seuil d'alerte")
    svg = _Svg(
        width, height, title, _("%(title)s — %(n)d périodes") % {"title": title, "n": len(labels)}
    )
    if not labels:
        return _empty(svg)
    left, right, top, bottom = 56, width - 12, 28, height - 44
    known_upper = [u for u in (upper or []) if u is not None]
    ticks = nice_ticks(max([*observed, *known_upper, 1]))
    span = ticks[-1]
    n = len(labels)

    def x(i):
        return left + (right - left) * (i / (n - 1) if n > 1 else 0.5)

    def y(v):
        return bottom - (bottom - top) * v / span

    _y_axis(svg, ticks, left, right, top, bottom)
    svg.add(f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{MUTED}"/>')
    every = max(1, math.ceil(n / 8))
    for i in range(0, n, every):
        svg.add(
            f'<line x1="{_num(x(i))}" x2="{_num(x(i))}" y1="{bottom}" y2="{bottom + 4}" '
            f'stroke="{MUTED}"/>'
        )
        svg.text(x(i), bottom + 17, labels[i], anchor="middle", size=11, fill=MUTED)

    # Band (expected to upper) and expected line, drawn run by run where they are known.
    def runs(*series) -> list[list[int]]:
        out: list[list[int]] = []
        for i in range(n):
            if all(values[i] is not None for values in series):
                if out and out[-1][-1] == i - 1:
                    out[-1].append(i)
                else:
                    out.append([i])
        return out

    if expected is not None and upper is not None:
        for run in runs(expected, upper):
            top_edge = " ".join(f"{_num(x(i))},{_num(y(upper[i]))}" for i in run)
            low_edge = " ".join(f"{_num(x(i))},{_num(y(expected[i]))}" for i in reversed(run))
            svg.add(
                f'<polygon class="band" points="{top_edge} {low_edge}" fill="#fbd5d5" '
                f'fill-opacity="0.7"><title>{escape(band_label)}</title></polygon>'
            )
    if expected is not None:
        for run in runs(expected):
            points = " ".join(f"{_num(x(i))},{_num(y(expected[i]))}" for i in run)
            svg.add(
                f'<polyline class="expected" points="{points}" fill="none" stroke="#c9191e" '
                f'stroke-width="1.5" stroke-dasharray="5 4"/>'
            )

    whole = [i for i in range(n) if not partial[i]]
    points = " ".join(f"{_num(x(i))},{_num(y(observed[i]))}" for i in whole)
    if whole:
        svg.add(
            f'<polyline class="observed" points="{points}" fill="none" stroke="{BLUE}" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )
    for i in range(n - 1):
        if partial[i] or partial[i + 1]:
            svg.add(
                f'<line class="observed-partial" x1="{_num(x(i))}" y1="{_num(y(observed[i]))}" '
                f'x2="{_num(x(i + 1))}" y2="{_num(y(observed[i + 1]))}" stroke="{BLUE}" '
                f'stroke-width="1.5" stroke-dasharray="2 3"/>'
            )
    for i, value in enumerate(observed):
        tip = f"{labels[i]} : {fr_number(value)}"
        if partial[i]:
            tip += " — " + _("période incomplète (hors des dates choisies en partie)")
            svg.add(
                f'<circle class="partial" cx="{_num(x(i))}" cy="{_num(y(value))}" r="3.5" '
                f'fill="#fff" stroke="{BLUE}" stroke-width="1.5"><title>{escape(tip)}</title>'
                "</circle>"
            )
            continue
        above = upper is not None and upper[i] is not None and value > upper[i]
        if expected is not None and expected[i] is not None:
            tip += f" ({expected_label.lower()} {fr_number(expected[i], 1)})"
        svg.add(
            f'<circle cx="{_num(x(i))}" cy="{_num(y(value))}" r="{3.5 if above else 2}" '
            f'fill="{"#c9191e" if above else BLUE}"><title>{escape(tip)}</title></circle>'
        )

    # Legend.
    lx = left
    svg.add(f'<line x1="{lx}" x2="{lx + 18}" y1="12" y2="12" stroke="{BLUE}" stroke-width="2"/>')
    svg.text(lx + 22, 16, observed_label, size=11)
    if expected is not None and any(v is not None for v in expected):
        lx += 40 + 7 * len(observed_label)
        svg.add(
            f'<line x1="{lx}" x2="{lx + 18}" y1="12" y2="12" stroke="#c9191e" '
            f'stroke-dasharray="5 4" stroke-width="1.5"/>'
        )
        svg.text(lx + 22, 16, expected_label, size=11)
    if upper is not None and any(v is not None for v in upper):
        lx += 40 + 7 * len(expected_label)
        svg.add(f'<rect x="{lx}" y="6" width="18" height="12" fill="#fbd5d5"/>')
        svg.text(lx + 22, 16, band_label, size=11)
    if any(partial):
        lx += 40 + 7 * len(band_label)
        svg.add(f'<circle cx="{lx + 9}" cy="12" r="3.5" fill="#fff" stroke="{BLUE}"/>')
        svg.text(lx + 22, 16, _("Période incomplète"), size=11)
    return svg.done()


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    decimals: int = 0,
    unit: str = "",
    width: int = 760,
    max_bars: int = 20,
    scale_max: float | None = None,
) -> str:
    """Horizontal bars, one per (label, value) row in the given order (the first `max_bars`);
    the scale runs to `scale_max` when given (e.g. 100 for percentages)."""
    rows = list(rows)[:max_bars]
    bar, gap, top = 18, 6, 10
    height = top * 2 + max(1, len(rows)) * (bar + gap) + 24
    svg = _Svg(
        width, height, title, _("%(title)s — %(n)d barres") % {"title": title, "n": len(rows)}
    )
    if not rows:
        return _empty(svg)
    label_width = min(300, 12 + 6.6 * max(len(label) for label, _ in rows))
    left, right = label_width, width - 80
    ticks = nice_ticks(scale_max or max([value or 0 for _, value in rows] + [0]) or 1, 4)
    span = ticks[-1]
    tick_text = tick_decimals(ticks)
    bottom = top + len(rows) * (bar + gap)
    for tick in ticks:
        x = left + (right - left) * tick / span
        svg.add(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        svg.text(
            x,
            bottom + 16,
            fr_number(tick, tick_text),
            anchor="middle",
            size=11,
            fill=MUTED,
        )
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar + gap)
        shown = label if len(label) <= 45 else label[:44] + "…"
        svg.text(left - 6, y + bar - 5, shown, anchor="end", size=11)
        length = (right - left) * (value or 0) / span
        text = fr_number(value, decimals) + (f" {unit}" if unit and value is not None else "")
        svg.add(
            f'<rect class="bar" x="{left}" y="{y}" width="{_num(length)}" height="{bar}" '
            f'fill="{BLUE}"><title>{escape(label)} : {escape(text)}</title></rect>'
        )
        svg.text(left + length + 4, y + bar - 5, text, size=11, fill=MUTED)
    return svg.done()


def heatmap(
    matrix: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    *,
    title: str,
    column_every: int = 3,
    width: int = 760,
) -> str:
    """A grid of cells shaded by value (e.g. 7 days × 24 hours), darkest at the maximum."""
    rows, columns = len(matrix), len(column_labels)
    left, top = 80, 14
    cell_w = (width - left - 10) / max(columns, 1)
    cell_h = 22
    height = top + rows * cell_h + 40
    svg = _Svg(width, height, title, f"{title} — {rows} × {columns}")
    peak = max((v for row in matrix for v in row), default=0)
    if not peak:
        return _empty(svg)
    for r, row in enumerate(matrix):
        y = top + r * cell_h
        svg.text(left - 6, y + cell_h - 7, row_labels[r], anchor="end", size=11)
        for c, value in enumerate(row):
            shade = 0 if not value else 1 + min(4, int(5 * value / peak - 1e-9))
            svg.add(
                f'<rect class="cell" x="{_num(left + c * cell_w)}" y="{y}" '
                f'width="{_num(cell_w - 1)}" height="{cell_h - 1}" fill="{SEQUENTIAL[shade]}">'
                f"<title>{escape(row_labels[r])} {escape(column_labels[c])} : "
                f"{fr_number(value)}</title></rect>"
            )
    for c in range(0, columns, column_every):
        svg.text(left + c * cell_w, top + rows * cell_h + 14, column_labels[c], size=11, fill=MUTED)
    return svg.done()


# --- maps ------------------------------------------------------------------------------------


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


class Projection:
    """Equirectangular projection around the data's mean latitude, fitted to a box: over
    Paris (10 km) its distortion is far below a pixel."""

    def __init__(self, geometries: Sequence[dict], width: float, height: float, margin=8):
        points = [p for g in geometries for ring in _rings(g) for p in ring]
        lons = [p[0] for p in points] or [2.25, 2.42]
        lats = [p[1] for p in points] or [48.81, 48.91]
        self.kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.west, self.north = min(lons), max(lats)
        span_x = (max(lons) - self.west) * self.kx or 1e-9
        span_y = (self.north - min(lats)) or 1e-9
        self.scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        self.dx = margin + ((width - 2 * margin) - span_x * self.scale) / 2
        self.dy = margin + ((height - 2 * margin) - span_y * self.scale) / 2
        self.height = span_y * self.scale + 2 * margin  # of the drawing, at this scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.dx + (lon - self.west) * self.kx * self.scale,
            self.dy + (self.north - lat) * self.scale,
        )

    def path(self, geometry: dict) -> str:
        """SVG path data; points closer than a tenth of a pixel to the previous are dropped."""
        out = []
        for ring in _rings(geometry):
            previous = None
            part = []
            for lon, lat, *_rest in ring:
                point = tuple(_num(v) for v in self(lon, lat))
                if point != previous:
                    part.append(f"{point[0]},{point[1]}")
                    previous = point
            if len(part) >= 3:
                out.append("M" + "L".join(part) + "Z")
        return "".join(out)


def choropleth(
    areas: Sequence[tuple[str, str, dict]],
    values: dict,
    *,
    title: str,
    legend_title: str,
    decimals: int = 0,
    context: Sequence[dict] = (),
    overlays: Sequence[tuple[dict, int, str]] = (),
    overlay_title: str = "",
    width: int = 640,
    legend_width: int = 210,
) -> str:
    """Areas (code, label, GeoJSON geometry) coloured by `values[code]` in quantile classes
    of greys, the legend on the right; the height follows the areas' shape.

    `context` geometries are drawn in light grey underneath (e.g. the rest of Paris around
    a sector); `overlays` are (geometry, Gi* bin, label) drawn on top, e.g. hot spot cells.
    """
    description = _("%(title)s — %(n)d zones") % {"title": title, "n": len(areas)}
    if not areas:
        return _empty(_Svg(width, 200, title, description), _("Aucun contour chargé"))
    map_width = width - legend_width
    geometries = [g for _, _, g in areas]
    breaks = class_breaks([values.get(code) for code, _, _ in areas])
    bins = {gi_bin: label for _, gi_bin, label in overlays}
    legend_height = 40 + 20 * (len(breaks) + 1) + (40 + 20 * len(bins) if bins else 0)
    # Fitted to the overlays too: a hot spot cell on the edge is drawn whole, not cut.
    fitted = geometries + [g for g, _, _ in overlays]
    height = round(max(legend_height, Projection(fitted, map_width, 10_000).height))
    project = Projection(fitted, map_width, height)
    svg = _Svg(width, height, title, description)
    for geometry in context:
        svg.add(
            f'<path d="{project.path(geometry)}" fill="#f0f0f0" stroke="#d0d0d0" '
            f'stroke-width="0.5"/>'
        )
    for code, label, geometry in areas:
        value = values.get(code)
        colour = class_colour(class_of(value, breaks), breaks)
        svg.add(
            f'<path class="area" data-code="{_attr(code)}" d="{project.path(geometry)}" '
            f'fill="{colour}" stroke="#8a8a8a" stroke-width="0.6"><title>{escape(label)} : '
            f"{fr_number(value or 0, decimals)}</title></path>"
        )
    for geometry, gi_bin, label in overlays:
        svg.add(
            f'<path class="overlay" d="{project.path(geometry)}" '
            f'fill="{GI_BIN_COLOURS.get(gi_bin, "#999")}" fill-opacity="0.9" stroke="#222" '
            f'stroke-width="0.4"><title>{escape(label)}</title></path>'
        )

    # Legend on the right.
    x, y = map_width + 12, 24
    svg.text(x, y, legend_title, size=11, weight="bold")
    for index, label in enumerate(legend_labels(breaks, decimals)):
        y += 20
        svg.add(
            f'<rect x="{x}" y="{y - 11}" width="14" height="14" '
            f'fill="{class_colour(index, breaks)}" stroke="#8a8a8a" stroke-width="0.6"/>'
        )
        svg.text(x + 20, y, label, size=11)
    if bins:
        y += 32
        svg.text(x, y, overlay_title, size=11, weight="bold")
        for gi_bin in sorted(bins, reverse=True):
            y += 20
            svg.add(
                f'<rect x="{x}" y="{y - 11}" width="14" height="14" '
                f'fill="{GI_BIN_COLOURS[gi_bin]}" stroke="#222" stroke-width="0.4"/>'
            )
            svg.text(x + 20, y, bins[gi_bin], size=10)
    return svg.done()
