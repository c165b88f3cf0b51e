"""Benchmark: the explorer's API and pages with the full shared datasets, beside the floor.

    .venv/bin/python benchmarks/bench_explorer.py [--var-dir DIR] [--repeat 40]
    GCMHUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/scratch \\
        .venv/bin/python benchmarks/bench_explorer.py

Loads, with the project's own importers (skipped when ``--var-dir`` already
holds them): the whole DESA origin–destination matrix (2019 revision, every
year), the DESA 2020 stock by sex, every RPW corridor, all UNHCR population
years, WDI remittances, every Missing Migrants incident of 2014–2022; then
rebuilds the explorer's aggregates (timed). Then, in this process through
Django's test client with the page cache off (``GCMHUB_PAGE_CACHE=0``: every
request runs its view), it requests each endpoint and page ``--repeat``
times after one warm-up and prints p50/p95, beside the p50/p95 of the
*floor*: one plain indexed ``SELECT`` of the rows the endpoint returns,
through the same connection. Targets (issue 12): API p95 < 50 ms, pages
< 150 ms, within 5× the floor. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GCMHUB_SHARED_DATA", ROOT.parent / "shared" / "data"))

IMPORTS = [
    ("desa-matrix", "undesa-ims/UN_MigrantStockByOriginAndDestination_2019_clean.csv"),
    ("desa-stock", "undesa-ims/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),
    ("rpw", "worldbank/rpw_corridors_databank_export_2011Q1-2020Q3.csv"),
    ("unhcr", "unhcr/unhcr_population.csv"),
    ("wdi", "worldbank/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_from_excel_v2_6000901.csv"),
    ("wdi", "worldbank/API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv"),
]
INCIDENT_FILES = [f"iom-missing-migrants/MissingMigrants-Global-{year}.csv" for year in range(2014, 2023)]


def setup_django(var_dir: Path) -> None:
    os.environ["GCMHUB_VAR_DIR"] = str(var_dir)
    os.environ["GCMHUB_PAGE_CACHE"] = "0"
    os.environ.setdefault("GCMHUB_ALLOWED_HOSTS", "testserver,localhost")
    if os.environ.get("GCMHUB_BENCH_DATABASE_URL"):
        os.environ["GCMHUB_DATABASE_URL"] = os.environ["GCMHUB_BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_everything(force_rebuild: bool = True) -> None:
    from django.core.management import call_command

    from gcmhub.explorer.aggregates import rebuild
    from gcmhub.indicators.incidents import import_incidents
    from gcmhub.indicators.models import ImportBatch, Incident
    from gcmhub.indicators.services import run_import

    call_command("init", verbosity=0)
    for fmt, name in IMPORTS:
        if ImportBatch.objects.filter(file_name=Path(name).name, status="succeeded").exists():
            continue
        started = time.perf_counter()
        result = run_import(None, fmt, SHARED / name)
        print(f"import {fmt:<12} {Path(name).name}: {result.created:,} values in {time.perf_counter() - started:.1f} s",
              flush=True)  # fmt: skip
    if not Incident.objects.exists():
        started = time.perf_counter()
        result = import_incidents(None, [SHARED / name for name in INCIDENT_FILES])
        print(f"import incidents: {result.created:,} in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:  # statistics after bulk loads, as a maintained database has them
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    summary = rebuild(force=force_rebuild)
    print(f"rebuild of the aggregates{' (forced)' if force_rebuild else ' (only what changed)'}: "
          f"{summary['corridor_values_written']:,} corridor values, {time.perf_counter() - started:.1f} s",
          flush=True)  # fmt: skip


def timed(function, repeat: int) -> tuple[float, float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def floor_queries():
    """For each URL, a plain indexed SELECT of the rows it returns."""
    from django.db import connection

    from gcmhub.geo.models import Area
    from gcmhub.indicators.models import Series

    ids = dict(Area.objects.filter(iso3__in=["MEX", "USA"]).values_list("iso3", "pk"))
    stock = Series.objects.get(code="SM.POP.TOTL").pk

    def select(sql, params):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        return run

    countries = list(Area.objects.countries().values_list("pk", flat=True))
    marks = ", ".join(["%s"] * len(countries))
    return {
        "profile": select(
            "SELECT id, period, value FROM indicators_observation WHERE series_id = %s AND area_id = %s "
            "AND dimension_key IN ('', 'SEX=F', 'SEX=M')",
            [stock, ids["MEX"]],
        ),
        "corridor": select(
            "SELECT period, value FROM explorer_corridorvalue WHERE origin_id = %s AND destination_id = %s",
            [ids["MEX"], ids["USA"]],
        ),
        "ranking": select(
            "SELECT origin_id, destination_id, value FROM explorer_corridorvalue WHERE measure = %s AND year = %s "
            "ORDER BY value DESC LIMIT 20",
            ["migrant_stock", 2019],
        ),
        "map": select(
            f"SELECT area_id, value FROM indicators_observation WHERE series_id = %s AND area_id IN ({marks}) "
            "AND period = %s AND dimension_key = %s",
            [stock, *countries, "2020", "SEX=F"],
        ),
        "compare": select(
            "SELECT area_id, period, value FROM indicators_observation WHERE series_id = %s AND area_id IN "
            "(%s, %s) AND dimension_key = ''",
            [stock, ids["MEX"], ids["USA"]],
        ),
        "incidents": select(
            "SELECT incident_id, year, date, mmp_region, area_id, dead, missing, total, cause, route, latitude, "
            "longitude, location FROM indicators_incident WHERE year = %s ORDER BY year, date, incident_id", [2019]
        ),
    }


CASES = [
    ("API profile", "/api/v1/explorer/profile/MEX", "profile", 50),
    ("API corridors (ranking)", "/api/v1/explorer/corridors?measure=migrant_stock&year=2019&limit=20", "ranking", 50),
    ("API corridor MEX→USA", "/api/v1/explorer/corridors/MEX/USA", "corridor", 50),
    ("API map", "/api/v1/explorer/map?series=SM.POP.TOTL&year=2020&dim=SEX:F", "map", 50),
    ("API incidents 2019", "/api/v1/explorer/incidents?year=2019", "incidents", 50),
    ("API corridors CSV", "/api/v1/explorer/corridors?measure=refugees&year=2019&limit=100&format=csv", "ranking", 50),
    ("page profile", "/en/countries/MEX/migration/", "profile", 150),
    ("page corridor", "/en/explorer/corridors/MEX-USA/", "corridor", 150),
    ("page ranking", "/en/explorer/corridors/?measure=migrant_stock&year=2019", "ranking", 150),
    ("page map", "/en/explorer/map/?series=SM.POP.TOTL&year=2020&dim=SEX:F", "map", 150),
    ("API compare (5 countries)", "/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA,DEU,IND,KEN", "compare", 50),
    ("page incidents 2019", "/en/explorer/incidents/?year=2019", "incidents", 150),
    ("page compare", "/en/explorer/compare/?series=SM.POP.TOTL&country=MEX&country=USA&country=DEU", "compare", 150),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path, default=None, help="Reuse a folder (the data stay loaded).")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--no-force", action="store_true",
                        help="Rebuild only what changed (with --var-dir: skip the 1-2 minute forced rebuild).")
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="bench-explorer-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    setup_django(var_dir)
    from django.db import connection
    from django.test import Client

    from gcmhub.indicators.models import Observation

    print(f"database: {connection.vendor}; folder: {var_dir}", flush=True)
    load_everything(force_rebuild=not args.no_force)
    print(f"observations stored: {Observation.objects.count():,}")
    client = Client()
    floor = floor_queries()
    from django.test import override_settings

    from gcmhub.explorer import memo

    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print("cold = every request computes its answer (the explorer's memory of answers off);")
    print("warm = the answers kept per data version (gcmhub.explorer.memo, the default); page cache off in both;")
    print("site = as deployed: the page and API cache per data version on too (anonymous reader).")
    print(f"\n{'':<28} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} {'site p95':>9} "
          f"{'floor p50':>10} {'floor p95':>10} {'warm/floor':>10} {'target':>7}")  # fmt: skip
    for label, url, floor_key, target in CASES:
        def request(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        with override_settings(GCMHUB_EXPLORER_MEMO=False):
            c50, c95 = timed(request, args.repeat)
        memo.clear()
        w50, w95 = timed(request, args.repeat)
        with override_settings(PAGE_CACHE_ENABLED=True):
            _s50, s95 = timed(request, args.repeat)
        f50, f95 = timed(floor[floor_key], args.repeat)
        verdict = ("ok" if c95 < target else "cold MISSED" if w95 < target else "MISSED") + (
            ", within 5x floor (warm)" if w95 <= 5 * f95 else "")  # fmt: skip
        print(f"{label:<28} {c50:9.1f} {c95:9.1f} {w50:9.1f} {w95:9.1f} {s95:9.1f} {f50:10.2f} {f95:10.2f} {w95 / f95:10.1f} "
              f"{target:>5} {verdict}", flush=True)  # fmt: skip
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
