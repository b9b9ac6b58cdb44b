"""What the dashboard shows: its sections (table + chart) built from `observatoire.services`.

A section is a table (French column titles, raw values for CSV, formatted values for the
page) and, when it has one, a server-side SVG chart (`observatoire.charts`). Sections are
computed once per (store version, filters, options) and kept in an in-process LRU cache:
the page, the panels fragment, the map data and every download of the same view share it,
and a refresh of the store (new version) makes them all recompute.

A sector page is the same dashboard with the filters narrowed to the sector
(`scoped_filters`), so a coordinator's data never come from outside their sector.
"""

from __future__ import annotations

import calendar
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import h3
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import sparse_hotspots
from observatoire import charts, services
from observatoire.filters import Filters
from observatoire.grid import paris_grid
from observatoire.sections import Column, Section, format_value

CACHE_SIZE = 512

# Time-series grain: URL value → services grain; "auto" picks one from the period's length.
GRAIN_PARAMETER = "pas"
GRAIN_CHOICES = {
    "auto": gettext_lazy("Automatique"),
    "jour": gettext_lazy("Jour"),
    "semaine": gettext_lazy("Semaine"),
    "mois": gettext_lazy("Mois"),
    "annee": gettext_lazy("Année"),
}
_GRAINS = {"jour": "day", "semaine": "week", "mois": "month", "annee": "year"}

WEEKDAYS = (
    gettext_lazy("Lundi"),
    gettext_lazy("Mardi"),
    gettext_lazy("Mercredi"),
    gettext_lazy("Jeudi"),
    gettext_lazy("Vendredi"),
    gettext_lazy("Samedi"),
    gettext_lazy("Dimanche"),
)


# --- filters and options -------------------------------------------------------------------


def scoped_filters(f: Filters, sector_code: str | None) -> Filters:
    """`f` narrowed to one sector (a sector page); unchanged for the Paris overview."""
    return replace(f, sectors=(sector_code,)) if sector_code else f


def grain_of(querydict, f: Filters) -> str:
    """The services grain asked for in the URL (`pas`), or chosen from the period's length:
    days up to two months, weeks up to three years, months beyond."""
    asked = _GRAINS.get(querydict.get(GRAIN_PARAMETER, ""))
    if asked:
        return asked
    days = (f.end - f.start).days + 1
    return "day" if days <= 62 else "week" if days <= 3 * 366 else "month"


def alerts_as_of(f: Filters) -> date:
    """Alerts are for the last complete week before this day: the one ending with the period
    (never in the future)."""
    return min(f.end + timedelta(days=1), date.today())


# --- cache ---------------------------------------------------------------------------------

_cache: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def store_version() -> tuple:
    """Identify the published store's content for the cache keys."""
    status = services.store_status()
    return (status.get("refreshed_at"), status.get("rows"), status.get("watermark"))


def cached(key: tuple, compute: Callable[[], object]):
    """`compute()` memoised under `key` (which must include the store version)."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# --- sections ------------------------------------------------------------------------------


def period_label(iso: str, grain: str) -> str:
    day = date.fromisoformat(iso)
    if grain == "year":
        return str(day.year)
    if grain == "month":
        return date_format(day, "N Y")
    return date_format(day, "d/m/y")


def _share(rows: list[dict]) -> list[dict]:
    total = sum(r["count"] for r in rows) or 1
    return [{**r, "share": r["count"] / total} for r in rows]


def _counts_section(f, slug, title, dimension, *, rate_title=None) -> Section:
    """Counts by a dimension; with `rate_title`, the rate column (per 1,000 inhabitants or
    per km², see `services.counts_by`) and a chart of the rates instead of the counts."""
    rows = _share(services.counts_by(f, dimension, rate=rate_title is not None))
    columns = [
        Column("key", _("Code")),
        Column("label", _("Libellé")),
        Column("count", _("Doléances"), "int"),
        Column("share", _("Part"), "share"),
    ]
    if rate_title:
        columns.append(Column("rate", rate_title, "dec2"))
        ranked = sorted((r for r in rows if r.get("rate") is not None), key=lambda r: -r["rate"])
        svg = charts.bar_chart(
            [(r["label"], r["rate"]) for r in ranked],
            title=f"{title} — {rate_title.lower()}",
            decimals=2,
        )
    else:
        svg = charts.bar_chart([(r["label"], r["count"]) for r in rows], title=title)
    return Section(slug, title, tuple(columns), rows, svg)


def _figures(f: Filters, options: dict) -> Section:
    k = services.key_figures(f)
    rows = [
        {"key": "total", "label": _("Doléances"), "value": k["total"], "kind": "int"},
        {
            "key": "previous_total",
            "label": _("Même période un an plus tôt"),
            "value": k["previous_total"],
            "kind": "int",
        },
        {
            "key": "yoy_change_pct",
            "label": _("Évolution sur un an"),
            "value": k["yoy_change_pct"],
            "kind": "pct",
        },
        {"key": "population", "label": _("Population"), "value": k["population"], "kind": "int"},
        {
            "key": "rate_per_1000",
            "label": _("Pour 1 000 habitants"),
            "value": k["rate_per_1000"],
            "kind": "dec2",
        },
        {"key": "open", "label": _("Encore ouvertes"), "value": k["open"], "kind": "int"},
        {"key": "answered", "label": _("Avec une réponse"), "value": k["answered"], "kind": "int"},
        {
            "key": "median_days_to_answer",
            "label": _("Délai médian de première réponse (jours)"),
            "value": k["median_days_to_answer"],
            "kind": "dec1",
        },
    ]
    for row in rows:
        row["display"] = format_value(row["value"], row["kind"])
    columns = (
        Column("key", _("Code")),
        Column("label", _("Indicateur")),
        Column("value", _("Valeur")),
    )
    return Section("chiffres-cles", _("Chiffres clés"), columns, rows)


def period_days(iso: str, grain: str) -> int:
    """Days in the whole period starting on `iso`."""
    day = date.fromisoformat(iso)
    if grain == "day":
        return 1
    if grain == "week":
        return 7
    if grain == "month":
        return calendar.monthrange(day.year, day.month)[1]
    return 366 if calendar.isleap(day.year) else 365


def is_partial(row: dict, grain: str) -> bool:
    """A period cut by the edges of the dates (a `services.time_series` row): its count is
    not comparable with whole periods."""
    return row["days"] < period_days(row["period"], grain)


def _series(f: Filters, options: dict) -> Section:
    grain = options["grain"]
    rows = services.time_series(f, grain)
    for row in rows:
        row["short"] = period_label(row["period"], grain)
        row["partial"] = is_partial(row, grain)
        row["partial_label"] = (
            _("oui (%(days)d j)") % {"days": row["days"]} if row["partial"] else ""
        )
    title = _("Évolution des doléances et niveau attendu")
    svg = charts.line_chart(
        [r["short"] for r in rows],
        [r["count"] for r in rows],
        expected=[r["expected"] for r in rows],
        upper=[r["upper"] for r in rows],
        partial=[r["partial"] for r in rows],
        title=title,
        observed_label=_("Doléances"),
        expected_label=_("Attendu (saison)"),
        band_label=_("Jusqu'au seuil d'alerte"),
    )
    columns = (
        Column("period", _("Début de période")),
        Column("label", _("Période")),
        Column("count", _("Doléances"), "int"),
        Column("expected", _("Attendu"), "dec1"),
        Column("upper", _("Seuil d'alerte"), "dec1"),
        Column("partial_label", _("Période incomplète")),
    )
    note = ""
    if rows and all(r["expected"] is None for r in rows):
        note = _("Niveau attendu indisponible : il faut au moins un an d'historique.")
    if any(r["partial"] for r in rows):
        note = (
            note
            + " "
            + _(
                "Les périodes coupées par les dates choisies (points creux) comptent moins de "
                "jours : leur nombre n'est pas une baisse."
            )
        ).strip()
    return Section("evolution", title, columns, rows, svg, note, page_rows=len(rows))


def _hours(f: Filters, options: dict) -> Section:
    matrix = services.hour_of_week(f)
    hours = [f"{h}\u00a0h" for h in range(24)]
    title = _("Jour et heure de réception")
    svg = charts.heatmap(matrix, [str(d) for d in WEEKDAYS], hours, title=title)
    rows = [
        {"day": str(day), **{f"h{h}": matrix[d][h] for h in range(24)}}
        for d, day in enumerate(WEEKDAYS)
    ]
    columns = (Column("day", _("Jour")),) + tuple(
        Column(f"h{h}", f"{h}\u00a0h", "int") for h in range(24)
    )
    return Section("heures", title, columns, rows, svg)


def _response_section(slug: str, title: str, by: str):
    def build(f: Filters, options: dict) -> Section:
        rows = services.response_times(f, by)
        columns = (
            Column("key", _("Code")),
            Column("label", _("Guichet") if by == "desk" else _("Catégorie")),
            Column("n", _("Doléances"), "int"),
            Column("answered", _("Avec réponse"), "int"),
            Column("first_answer_median_hours", _("1re réponse, médiane (h)"), "dec1"),
            Column("first_answer_p90_hours", _("1re réponse, 90e centile (h)"), "dec1"),
            Column("closed", _("Clôturées"), "int"),
            Column("closing_median_days", _("Clôture, médiane (j)"), "dec1"),
            Column("closing_p90_days", _("Clôture, 90e centile (j)"), "dec1"),
            Column("share_within_deadline", _("Réponses dans le délai"), "share"),
        )
        ranked = [r for r in rows if r["share_within_deadline"] is not None]
        svg = charts.bar_chart(
            [(r["label"], 100 * r["share_within_deadline"]) for r in ranked],
            title=_("%(title)s — part des réponses dans le délai (%%)") % {"title": title},
            unit="%",
            scale_max=100,
        )
        note = _(
            "Médianes et 90e centiles lus sur des classes de délais larges de 10 % (écart d'au "
            "plus une classe avec la valeur exacte) ; les effectifs sont exacts."
        )
        return Section(slug, title, columns, rows, svg, note)

    return build


def cell_places(cells: list[str]) -> list[str]:
    """Quartier name at the centre of each H3 cell ("" outside Paris)."""
    if not cells:
        return []
    from territory.services import locate_many, territory_index

    centres = [h3.cell_to_latlng(cell) for cell in cells]
    located = locate_many([c[0] for c in centres], [c[1] for c in centres], with_h3=False)
    quartiers = territory_index().quartiers
    return [quartiers[q].name if q in quartiers else "" for q in located.quartier_id.tolist()]


def _hotspots(f: Filters, options: dict) -> Section:
    every_row = services.hotspots(f)
    events = sum(r["count"] for r in every_row)
    rows = [r for r in every_row if r["gi_bin"] != 0]
    rows.sort(key=lambda r: (-r["gi_bin"], -r["z"]))
    for row, place in zip(rows, cell_places([r["cell"] for r in rows]), strict=True):
        row["place"] = place
    columns = (
        Column("cell", _("Cellule H3")),
        Column("place", _("Quartier")),
        Column("label", _("Classe")),
        Column("gi_bin", _("Classe Gi*"), "int"),
        Column("count", _("Doléances"), "int"),
        Column("z", _("Score z"), "dec2"),
        Column("p", _("p"), "p"),
        Column("q", _("q (BH)"), "p"),
    )
    hot = sum(1 for r in rows if r["gi_bin"] > 0)
    note = _("%(hot)d cellules en point chaud, %(cold)d en point froid (Getis–Ord Gi*).") % {
        "hot": hot,
        "cold": len(rows) - hot,
    }
    if events < sparse_hotspots.MIN_EVENTS:
        note = _(
            "%(n)d doléances seulement : en dessous de %(min)d, aucun point chaud n'est "
            "calculé (trop peu d'événements pour conclure)."
        ) % {"n": events, "min": sparse_hotspots.MIN_EVENTS}
    else:
        note += " " + _(
            "Quand les doléances sont peu nombreuses pour la surface, la confiance est estimée "
            "par %(perms)d permutations (et non par la loi normale) ; une cellule sans doléance "
            "n'est jamais un point chaud."
        ) % {"perms": sparse_hotspots.PERMUTATIONS}
    return Section("points-chauds", _("Points chauds (Gi*)"), columns, rows, None, note)


def _emerging(f: Filters, options: dict) -> Section:
    cells = services.emerging_hotspots(f)
    summary: dict[int, dict] = {}
    for row in cells:
        entry = summary.setdefault(
            row["pattern"],
            {"pattern": row["pattern"], "label": row["label"], "cells": 0, "count": 0},
        )
        entry["cells"] += 1
        entry["count"] += row["count"]
    # Hot patterns first (new … historical), then the cold ones in the same order.
    rows = sorted(summary.values(), key=lambda r: (r["pattern"] <= 0, abs(r["pattern"])))
    columns = (
        Column("pattern", _("Code")),
        Column("label", _("Tendance")),
        Column("cells", _("Cellules"), "int"),
        Column("count", _("Doléances"), "int"),
    )
    title = str(SLOW_SECTIONS["points-chauds-emergents"])
    svg = charts.bar_chart([(r["label"], r["cells"]) for r in rows], title=title)
    return Section("points-chauds-emergents", title, columns, rows, svg)


def _concentration(f: Filters, options: dict) -> Section:
    rows = services.concentration(f)
    columns = (
        Column("key", _("Code")),
        Column("label", _("Catégorie")),
        Column("n", _("Doléances"), "int"),
        Column("top_1_pct", _("Part dans 1 % des lieux"), "share"),
        Column("top_5_pct", _("Part dans 5 % des lieux"), "share"),
        Column("top_10_pct", _("Part dans 10 % des lieux"), "share"),
        Column("gini", _("Indice de Gini"), "dec2"),
    )
    note = _("Lieux : cellules H3 d'environ 65 m de côté couvrant Paris.")
    return Section("concentration", _("Concentration sur les lieux"), columns, rows, None, note)


def _alerts(f: Filters, options: dict) -> Section:
    # Alerts depend on the week, the sectors and the families only: shared across the other
    # filters (they test every series, ~0.4 s).
    as_of = alerts_as_of(f)
    rows = cached(
        ("alerts", store_version(), as_of, f.sectors, f.families),
        lambda: services.alerts(as_of, sectors=f.sectors, families=f.families),
    )
    columns = (
        Column("what", _("Famille")),
        Column("where", _("Territoire")),
        Column("week", _("Semaine du")),
        Column("observed", _("Observé"), "int"),
        Column("expected", _("Attendu"), "dec1"),
        Column("upper", _("Seuil"), "dec1"),
        Column("ratio", _("Rapport observé / attendu"), "dec2"),
        Column("since", _("Au-dessus du seuil depuis")),
        Column("q", _("q (BH)"), "p"),
    )
    return Section("alertes", _("Alertes de la semaine"), columns, rows)


def _map_section(f: Filters, options: dict) -> Section:
    """Counts by quartier, with a static SVG map (the downloadable twin of the web map,
    drawn only when downloaded)."""
    rows = services.counts_by(f, "quartier", rate=True)
    title = _("Doléances par quartier")

    def draw() -> str:
        areas, context = quartier_areas(f.sectors[0] if len(f.sectors) == 1 else None)
        values = {r["key"]: r["count"] for r in rows if r["key"] is not None}
        return charts.choropleth(
            areas, values, title=title, legend_title=_("Doléances"), context=context
        )

    columns = (
        Column("key", _("Code INSEE")),
        Column("label", _("Quartier")),
        Column("count", _("Doléances"), "int"),
        Column("rate", _("Par km²"), "dec1"),
    )
    return Section("quartiers", title, columns, rows, lazy_svg=draw)


def quartier_areas(sector_code: str | None) -> tuple[list[tuple[str, str, dict]], list[dict]]:
    """(code, name, geometry) of the quartiers of a sector (all Paris for None), and the
    other quartiers' geometries as grey context. Parsed once per territory version: the
    outlines are large and every map download and barometer draws them."""
    from territory.models import Quartier

    quartiers = Quartier.objects.select_related("arrondissement__sector").order_by("number")
    version = (quartiers.count(), Quartier.objects.order_by("-pk").values_list("pk").first())

    def parse():
        return [
            (q.insee_code, q.name, q.arrondissement.sector.code, json.loads(q.geometry))
            for q in quartiers
        ]

    areas, context = [], []
    for code, name, sector, geometry in cached(("quartier-areas", version), parse):
        if sector_code is None or sector == sector_code:
            areas.append((code, name, geometry))
        else:
            context.append(geometry)
    return areas, context


def hexagons(rows: list[dict]) -> list[dict]:
    """GeoJSON polygons of the H3 cells of hot spot rows (`services.hotspots`), with the
    grid's cached outlines."""
    if not rows:
        return []
    grid = paris_grid(h3.get_resolution(rows[0]["cell"]))
    return [
        {"type": "Polygon", "coordinates": [grid.outline(h3.str_to_int(row["cell"]))]}
        for row in rows
    ]


def _builders() -> dict[str, Callable[[Filters, dict], Section]]:
    return {
        "chiffres-cles": _figures,
        "evolution": _series,
        "heures": _hours,
        "familles": lambda f, o: _counts_section(f, "familles", _("Par famille"), "family"),
        "categories": lambda f, o: _counts_section(f, "categories", _("Par catégorie"), "category"),
        "secteurs": lambda f, o: _counts_section(
            f, "secteurs", _("Par secteur"), "sector", rate_title=_("Pour 1 000 habitants")
        ),
        "arrondissements": lambda f, o: _counts_section(
            f,
            "arrondissements",
            _("Par arrondissement"),
            "arrondissement",
            rate_title=_("Pour 1 000 habitants"),
        ),
        "quartiers": _map_section,
        "canaux": lambda f, o: _counts_section(f, "canaux", _("Par canal"), "channel"),
        "partenaires": lambda f, o: _counts_section(
            f, "partenaires", _("Par partenaire"), "partner"
        ),
        "delais-guichets": _response_section(
            "delais-guichets", _("Délais de traitement par guichet"), "desk"
        ),
        "delais-categories": _response_section(
            "delais-categories", _("Délais de traitement par catégorie"), "category"
        ),
        "alertes": _alerts,
        "points-chauds": _hotspots,
        "points-chauds-emergents": _emerging,
        "concentration": _concentration,
    }


#: Section slugs in page order (the Paris overview adds "secteurs").
SECTION_SLUGS = tuple(_builders())


def section_slugs(sector_code: str | None) -> tuple[str, ...]:
    return tuple(s for s in SECTION_SLUGS if not (sector_code and s == "secteurs"))


# The options each section depends on (the others are cached whatever the options).
_SECTION_OPTIONS = {"evolution": ("grain",)}
#: Sections too slow to hold a page back (the emerging hot spot analysis runs a space-time
#: cube of every cell of Paris over 104 weeks, ~1 s whatever the filters): the page shows
#: them when cached and otherwise fetches them afterwards (`section` endpoint).
SLOW_SECTIONS = {"points-chauds-emergents": gettext_lazy("Points chauds émergents (104 semaines)")}


def _section_key(slug: str, f: Filters, options: dict, version: tuple) -> tuple:
    used = {name: options[name] for name in _SECTION_OPTIONS.get(slug, ())}
    return ("section", version, slug, f, tuple(sorted(used.items())))


def section(slug: str, f: Filters, options: dict, version: tuple) -> Section:
    """One section, cached. Raises KeyError for an unknown slug."""
    build = _builders()[slug]
    key = _section_key(slug, f, options, version)
    used = dict(key[4])
    return cached(key, lambda: build(f, used))


def is_cached(slug: str, f: Filters, options: dict, version: tuple) -> bool:
    with _lock:
        return _section_key(slug, f, options, version) in _cache


@dataclass
class Dashboard:
    filters: Filters
    options: dict
    #: Slug → Section, or None for a slow section left for later.
    sections: dict[str, Section | None] = field(default_factory=dict)


def dashboard(f: Filters, options: dict, sector_code: str | None) -> Dashboard:
    """Every section of a dashboard page (`f` already scoped); slow sections only when
    they are already computed."""
    version = store_version()
    board = Dashboard(f, options)
    for slug in section_slugs(sector_code):
        if slug in SLOW_SECTIONS and not is_cached(slug, f, options, version):
            board.sections[slug] = None
        else:
            board.sections[slug] = section(slug, f, options, version)
    return board


def dated_alerts(rows: list[dict]) -> list[dict]:
    """Alert rows with `week` and `since` as dates (for templates' date filter)."""
    return [
        {**r, "week": date.fromisoformat(r["week"]), "since": date.fromisoformat(r["since"])}
        for r in rows
    ]
