"""Observatory dashboard speed with demo data: page, panels, map JSON, slow section, downloads
and barometers, through Django's test client with an analyst logged in.

`cpps demo` fills a fresh SQLite database (20,000 complaints by default) and the store is
rebuilt; then each request is timed cold (first time for its filters: measures computed)
and warm (same filters again: served from the in-process cache keyed by store version and
filters). The baseline, measured in the same run, is the same page with every section
recomputed (cache cleared before each request), i.e. what a dashboard without the cache
would cost. Target: the page in well under a second.

    .venv/bin/python bench/dashboard.py [--complaints 20000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CPPS_VAR_DIR"] = tempfile.mkdtemp(prefix="cpps-bench-dashboard-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("CPPS_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("CPPS_GEO_DIR", str(Path(os.environ["CPPS_DATA_DIR"]) / "geo"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench._common import best_of, emit  # noqa: E402
from observatoire import barometre, dashboard, services  # noqa: E402

setup_test_environment()
settings.ALLOWED_HOSTS = ["testserver"]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def get(client: Client, url: str, query: dict | None = None):
    response = client.get(url, query or {})
    assert response.status_code == 200, (url, response.status_code)
    return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=20_000)
    args = parser.parse_args()

    call_command("migrate", interactive=False, verbosity=0)
    call_command("setup", stdout=StringIO(), stderr=StringIO())
    seconds = timed(
        lambda: call_command(
            "demo", complaints=args.complaints, stdout=StringIO(), stderr=StringIO()
        )
    )
    print(f"cpps demo --complaints {args.complaints}: {seconds:.1f} s")
    print(f"store rebuilt in {services.refresh(full=True)['seconds']:.2f} s")

    client = Client()
    client.force_login(get_user_model().objects.get(username="analyste"))
    page, panels, data = "/observatoire/", "/observatoire/api/panneaux/", "/observatoire/api/carte/"
    emerging = "/observatoire/api/sections/points-chauds-emergents/"
    figures: dict[str, float] = {"complaints": args.complaints}

    # First requests of the process: H3 grids, territory index, templates.
    figures["page_first_s"] = timed(lambda: get(client, page))
    figures["map_first_s"] = timed(lambda: get(client, data))
    figures["page_warm_s"] = best_of(lambda: get(client, page))
    figures["map_warm_s"] = best_of(lambda: get(client, data))

    # A filter change, as the page's script sends it: panels and map for new filters.
    filters = [{"arrondissement": str(n)} for n in range(1, 21)]
    cold = [timed(lambda q=q: (get(client, panels, q), get(client, data, q))) for q in filters]
    figures["filter_change_cold_median_s"] = sorted(cold)[len(cold) // 2]
    figures["filter_change_cold_max_s"] = max(cold)
    figures["emerging_section_cold_s"] = timed(lambda: get(client, emerging, filters[0]))
    figures["csv_download_warm_s"] = best_of(
        lambda: get(client, "/observatoire/export/categories.csv")
    )
    figures["svg_map_download_warm_s"] = best_of(
        lambda: get(client, "/observatoire/export/quartiers.svg")
    )

    # Baseline: the same page, every section recomputed for each request.
    def uncached():
        dashboard.clear_cache()
        get(client, page)

    figures["baseline_page_uncached_s"] = best_of(uncached, repeat=3)
    figures["sector_page_cold_s"] = timed(lambda: get(client, "/observatoire/secteurs/paris-18/"))

    month = barometre.previous_month(services.Filters.from_querydict({}).end)
    out = Path(settings.CPPS_VAR_DIR) / "bench-barometres"
    figures["barometer_html_s"] = timed(lambda: barometre.write(month, None, out, ("html",)))
    figures["barometer_html_pdf_s"] = timed(lambda: barometre.write(month, None, out))

    figures["speedup_warm_vs_uncached"] = (
        figures["baseline_page_uncached_s"] / figures["page_warm_s"]
    )
    figures["speedup_filter_change_vs_uncached"] = (
        figures["baseline_page_uncached_s"] / figures["filter_change_cold_median_s"]
    )
    for name, value in figures.items():
        unit = "" if name.startswith(("speedup", "complaints")) else " s"
        print(f"{name:36s} {value:8.3f}{unit}")
    emit({k: round(v, 4) for k, v in figures.items()})


if __name__ == "__main__":
    main()
