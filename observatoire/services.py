"""The observatory's entry points: its measures, pure functions over a `Filters` value read
from the store, and the store's refresh.

Everything here reads the pseudonymised analytical store (`observatoire.store`, DuckDB under
`CPPS_VAR_DIR/observatoire/`), never the case database, and returns plain JSON-ready
structures (dicts, lists, numbers, ISO date strings) with French labels. The dashboard,
barometer, alert e-mails, the `contrat` app and the open-data files are built on top.

Freshness: the background worker refreshes the store on its schedule (every 30 s by
default, see `operations`), so a complaint shows in the dashboard within a minute of being
filed; measures only read the published store and never wait for a refresh. Tests that
create complaints call `refresh()` themselves.

The measures live in one module per theme — `filters` (what is looked at), `queries` (SQL
building blocks, the rollup + edge-days helper), `counts`, `series`, `delays`, `hotspots`,
`alerts`, `indicators` (what `contrat` computes) — and are gathered here, so that views, the
barometer, the alert e-mails and the open-data files have one place to import from.
"""

from observatoire import store, writer
from observatoire.alerts import alerts
from observatoire.counts import DIMENSIONS, counts_by, key_figures
from observatoire.delays import response_times
from observatoire.filters import Filters, filter_options
from observatoire.hotspots import (
    GI_BIN_LABELS,
    concentration,
    emerging_hotspots,
    hotspots,
    hotspots_geojson,
    hotspots_geojson_text,
    near_repeat,
)
from observatoire.indicators import INDICATOR_MEASURES, compute_indicator
from observatoire.series import GRAINS, hour_of_week, time_series

__all__ = [
    "DIMENSIONS",
    "GI_BIN_LABELS",
    "GRAINS",
    "INDICATOR_MEASURES",
    "Filters",
    "alerts",
    "compute_indicator",
    "concentration",
    "counts_by",
    "emerging_hotspots",
    "filter_options",
    "hotspots",
    "hotspots_geojson",
    "hotspots_geojson_text",
    "hour_of_week",
    "key_figures",
    "near_repeat",
    "refresh",
    "response_times",
    "store_status",
    "time_series",
]


def refresh(*, full: bool = False) -> dict:
    """Bring the store up to date with the case database.

    Incremental by default (complaints and cases changed since the watermark); `full`
    rebuilds it from scratch into a new file swapped in atomically. Returns
    `{"rows": changed rows, "seconds": duration, "watermark": ISO date-time, "full": bool}`.
    """
    return writer.refresh(full=full)


def store_status() -> dict:
    """`{"refreshed_at": ISO date-time or None, "rows": facts, "watermark": …, "path": …}`."""
    return store.status()
