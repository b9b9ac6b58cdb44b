"""Counting measures: headline figures and counts by one dimension (with rates).

Rates: "per 1,000 inhabitants" uses the INSEE legal populations of arrondissements (a
sector's population is the sum of its arrondissements'). Quartier populations are not in our
data: at quartier level the rate is per km² (`rate_per_km2`), never per inhabitant.
"""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import h3.api.basic_int as h3i
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doleances.choices import Channel
from observatoire.delays import _answer_histogram, _histogram_quantile
from observatoire.filters import Filters
from observatoire.queries import (
    H3_RESOLUTIONS,
    _one_year_earlier,
    _population,
    _reading,
    _round,
    _sums,
    _territory_where,
    _where,
)

#: Dimensions accepted by `counts_by` (plus "h3_<res>" for the configured H3 resolutions).
DIMENSIONS = (
    "category",
    "family",
    "sector",
    "arrondissement",
    "quartier",
    "channel",
    "partner",
)


def key_figures(f: Filters) -> dict:
    """Headline figures of the filtered complaints.

    `{"total", "previous_total" (same dates one year earlier), "yoy_change_pct" (None when
    the previous total is 0), "population" (of the filtered territory, None at quartier
    level), "rate_per_1000" (None without population), "open" (still open today),
    "answered", "median_days_to_answer" (first public answer, None without answers)}`.

    The median is read from a histogram of the delays (`facts.ANSWER_BUCKETS`, buckets 10 %
    wide) with linear interpolation in its bucket, like `compute_indicator`'s: within a few
    percent of the exact median, without sorting every delay.
    """
    with _reading() as con:
        by_state = dict(_sums(con, f, ("is_open",)))
        previous = _sums(con, f, start=_one_year_earlier(f.start), end=_one_year_earlier(f.end))[0][
            0
        ]
        histogram = _answer_histogram(con, f)
        population = _population(con, f)
    total = sum(int(n) for n in by_state.values())
    still_open = by_state.get(True, 0)
    median_hours = _histogram_quantile(histogram, 0.5)
    answered = int(histogram.sum())
    previous = int(previous or 0)
    return {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "total": total,
        "previous_total": previous,
        "yoy_change_pct": _round((total - previous) / previous * 100, 1) if previous else None,
        "population": population,
        "rate_per_1000": _round(total / population * 1000) if population else None,
        "open": int(still_open or 0),
        "answered": int(answered or 0),
        "median_days_to_answer": _round(median_hours / 24) if median_hours is not None else None,
    }


# dimension → (fact column, dimension table, key column of the dimension, label column)
_DIMENSION_SOURCES = {
    "category": ("category_id", "dim_category", "code"),
    "family": ("family_id", "dim_family", "code"),
    "sector": ("sector_id", "dim_sector", "code"),
    "arrondissement": ("arrondissement_id", "dim_arrondissement", "number"),
    "quartier": ("quartier_id", "dim_quartier", "code"),
    "partner": ("partner_id", "dim_partner", "code"),
}

_MISSING_LABELS = {
    "quartier": gettext_lazy("Localisation approximative (sans quartier)"),
    "partner": gettext_lazy("Sans guichet attribué"),
    "h3": gettext_lazy("Non localisée sur la carte"),
}


def _h3_resolution(dimension: str) -> int | None:
    if dimension.startswith("h3_"):
        try:
            res = int(dimension[3:])
        except ValueError:
            return None
        return res if res in H3_RESOLUTIONS else None
    return None


def _territory_members(con, dimension: str, f: Filters) -> list[tuple]:
    """(key, label, population, area) of every sector/arrondissement/quartier the
    territorial filters allow, so that maps get their zero rows too."""
    where, params = _territory_where(f)
    select = {
        "sector": "DISTINCT s.sector_id, s.code, s.label, s.population, NULL, s.ord",
        "arrondissement": "DISTINCT a.arrondissement_id, a.number, a.label, a.population, "
        "a.area_km2, a.number",
        "quartier": "q.quartier_id, q.code, q.label, NULL, q.area_km2, q.number",
    }[dimension]
    return con.execute(
        f"SELECT {select} FROM dim_quartier q "
        "RIGHT JOIN dim_arrondissement a USING (arrondissement_id) "
        f"JOIN dim_sector s USING (sector_id) {where} ORDER BY 6",
        params,
    ).fetchall()


def counts_by(f: Filters, dimension: str, *, rate: bool = False) -> list[dict]:
    """Counts by one dimension (see `DIMENSIONS`, or `h3_<res>`), largest first.

    Rows: `{"key", "label", "count"}`; with `rate`, `"rate"` and `"rate_unit"`: per 1,000
    inhabitants for sector and arrondissement (legal populations), per km² for quartier
    (quartier populations are not in our data), None for other dimensions. `key` is the
    code (arrondissement number, quartier INSEE code, H3 cell as hex string); complaints
    without the dimension (e.g. located by postal code only, so without quartier) have key
    None and a French label. Territorial dimensions list every unit of the filtered
    territory, zeros included. Raises ValueError for an unknown dimension.
    """
    res = _h3_resolution(dimension)
    if dimension not in DIMENSIONS and res is None:
        raise ValueError(_("Dimension inconnue : %(dimension)s") % {"dimension": dimension})
    where, params = _where(f)
    with _reading() as con:
        if res is not None:
            rows = con.execute(
                f"SELECT h3_r{res}, count(*) AS n FROM facts WHERE {where} "
                "GROUP BY 1 ORDER BY n DESC, 1",
                params,
            ).fetchall()
            return [
                {
                    "key": h3i.int_to_str(int(cell)) if cell is not None else None,
                    "label": h3i.int_to_str(int(cell)) if cell else str(_MISSING_LABELS["h3"]),
                    "count": int(n),
                    **({"rate": None, "rate_unit": None} if rate else {}),
                }
                for cell, n in rows
            ]
        if dimension == "channel":
            counts = dict(_sums(con, f, ("channel",)))
            rows = [
                {"key": code, "label": _channel_label(code), "count": int(n)}
                for code, n in counts.items()
            ]
        else:
            column, table, key = _DIMENSION_SOURCES[dimension]
            counts = dict(_sums(con, f, (column,)))
            if dimension in ("sector", "arrondissement", "quartier"):
                members = _territory_members(con, dimension, f)
            else:
                members = con.execute(
                    f"SELECT {column}, {key}, label, NULL, NULL, NULL FROM {table}"
                ).fetchall()
            rows = []
            for ident, code, label, population, area, _order in members:
                n = int(counts.pop(ident, 0) or 0)
                if n or dimension in ("sector", "arrondissement", "quartier"):
                    row = {"key": code, "label": label, "count": n}
                    if rate:
                        row.update(_rate(dimension, n, population, area))
                    rows.append(row)
            for ident, n in counts.items():  # no referential row: unknown or missing
                row = {
                    "key": None,
                    "label": str(_MISSING_LABELS.get(dimension, "—")),
                    "count": int(n),
                }
                if ident is not None:
                    row["label"] = _("Inconnu (%(id)s)") % {"id": ident}
                if rate:
                    row.update({"rate": None, "rate_unit": None})
                rows.append(row)
    if rate and dimension == "channel":
        for row in rows:
            row.update({"rate": None, "rate_unit": None})
    rows.sort(key=lambda r: -r["count"])
    return rows


def _rate(dimension: str, n: int, population, area) -> dict:
    if dimension in ("sector", "arrondissement"):
        return {
            "rate": _round(n / population * 1000) if population else None,
            "rate_unit": _("pour 1 000 habitants"),
        }
    if dimension == "quartier":
        return {"rate": _round(n / area) if area else None, "rate_unit": _("par km²")}
    return {"rate": None, "rate_unit": None}


def _channel_label(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code
