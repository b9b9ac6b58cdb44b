"""The web map's data (`/observatoire/api/carte/`): quartiers coloured by count and density,
hot and cold spot hexagons and the week's alerts, from the dashboard's cached sections."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format

from observatoire import charts, services
from observatoire.dashboard import cached, hexagons, section, store_version
from observatoire.filters import Filters


def map_data(f: Filters, sector_code: str | None) -> dict:
    """The web map's data: fill colours of quartiers by count and by density (same classes
    as the SVG map), hot and cold spot hexagons, and the alerts listed beside the map."""
    version = store_version()

    def build():
        rows = services.counts_by(f, "quartier", rate=True)
        by_code = {r["key"]: r for r in rows if r["key"] is not None}
        count_breaks = charts.class_breaks([r["count"] for r in by_code.values()])
        density_breaks = charts.class_breaks([r["rate"] for r in by_code.values()])
        quartiers = {}
        for code, r in by_code.items():
            density = r["rate"]
            quartiers[code] = {
                "label": r["label"],
                "count": r["count"],
                "density": density,
                "count_text": charts.fr_number(r["count"]),
                "density_text": charts.fr_number(density, 1),
                "fill_count": charts.class_colour(
                    charts.class_of(r["count"], count_breaks), count_breaks
                ),
                "fill_density": charts.class_colour(
                    charts.class_of(density, density_breaks), density_breaks
                ),
            }
        # The hot spot table's rows (cached, significant cells only) drawn as hexagons.
        hot = section("points-chauds", f, {}, version).rows
        features = [
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {**row, "fill": charts.GI_BIN_COLOURS[row["gi_bin"]]},
            }
            for row, geometry in zip(hot, hexagons(hot), strict=True)
        ]
        alerts = section("alertes", f, {}, version).rows
        return {
            "sector": sector_code,
            "quartiers": quartiers,
            "empty_fill": charts.MAP_SEQUENTIAL[0],
            "legend": {
                "count": _legend(count_breaks, 0),
                "density": _legend(density_breaks, 1),
                "hotspots": [
                    {"fill": charts.GI_BIN_COLOURS[b], "label": str(services.GI_BIN_LABELS[b])}
                    for b in (3, 2, 1, -1, -2, -3)
                ],
            },
            "hotspots": {"type": "FeatureCollection", "features": features},
            "alerts": [
                {
                    "what": a["what"],
                    "where": a["where"],
                    "observed": a["observed"],
                    "expected": charts.fr_number(a["expected"], 1),
                    "since": date_format(date.fromisoformat(a["since"]), "j F Y"),
                }
                for a in alerts
            ],
        }

    return cached(("map", version, f, sector_code), build)


def _legend(breaks, decimals):
    return [
        {"fill": charts.class_colour(i, breaks), "label": label}
        for i, label in enumerate(charts.legend_labels(breaks, decimals))
    ]
