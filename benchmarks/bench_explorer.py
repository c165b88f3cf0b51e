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
*floor*: the plain indexed ``SELECT``s of all the rows the answer carries,
through the same connection, and of a request doing no work (the API index). Each time is given as wall-clock time and as
this process's CPU time (the work the request does: on the shared two-core
development machine the wall time mostly measures the wait for a core), with
the load average. Targets (issue 12): API p95 < 50 ms, pages < 150 ms, within
5× the floor. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
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


@dataclass
class Timing:
    """p50/p95 of the wall-clock time and of this process's CPU time (ms).

    The development machine's two cores are shared: under load a request waits
    for a core, and its wall time grows while its CPU time (the work it does)
    does not. Both are printed, with the load average, so the figures can be read."""

    wall50: float
    wall95: float
    cpu50: float
    cpu95: float


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timed(function, repeat: int) -> Timing:
    function()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(wall), _p95(wall), statistics.median(cpu), _p95(cpu))


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def floor_queries():
    """For each URL, plain indexed SELECTs of the rows its answer carries (all of them:
    a profile's eight sections come from five tables' worth of queries), run through
    the same connection. What the answer adds beyond these (a request through Django,
    building the figures, JSON or HTML) is what the ratio measures."""
    from django.db import connection

    from gcmhub.explorer import services
    from gcmhub.explorer.models import AreaTotal
    from gcmhub.geo.models import Area
    from gcmhub.indicators.models import Series

    ids = dict(Area.objects.filter(iso3__in=["MEX", "USA", "DEU", "IND", "KEN"]).values_list("iso3", "pk"))
    mexico = Area.objects.get(iso3="MEX")
    stock = Series.objects.get(code="SM.POP.TOTL").pk
    profile_series = list(Series.objects.filter(code__in=services._profile_series_codes()).values_list("pk", flat=True))
    deaths = Series.objects.filter(code="SM_DTH_MIGR").values_list("pk", flat=True).first()
    stock_year = {side: AreaTotal.objects.filter(area=mexico, measure=f"migrant_stock:{side}").order_by("-year")
                  .values_list("year", flat=True).first() for side in ("in", "out")}  # fmt: skip
    countries = list(Area.objects.countries().values_list("pk", flat=True))
    marks = ", ".join(["%s"] * len(countries))
    compared_year = str(services.compare("SM.POP.TOTL", ["MEX"])["year"])

    def selects(*statements):
        def run():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return run

    def top(side, year):
        return (f"SELECT origin_id, destination_id, period, year, value, observation_id FROM explorer_corridorvalue "
                f"WHERE {side}_id = %s AND measure = %s AND year = %s AND is_year_latest ORDER BY value DESC LIMIT 10",
                [mexico.pk, "migrant_stock", year])  # fmt: skip

    def ranking(measure, limit):
        return ("SELECT origin_id, destination_id, period, year, value, observation_id FROM explorer_corridorvalue "
                "WHERE measure = %s AND year = %s AND is_year_latest ORDER BY value DESC LIMIT %s",
                [measure, 2019, limit])  # fmt: skip

    def country_values(period, key):
        return (f"SELECT area_id, period, value, id, source_id FROM indicators_observation WHERE series_id = %s "
                f"AND area_id IN ({marks}) AND period = %s AND dimension_key = %s", [stock, *countries, period, key])

    def points(codes, key=""):
        return (f"SELECT area_id, period, value, id, source_id FROM indicators_observation WHERE series_id = %s "
                f"AND area_id IN ({', '.join(['%s'] * len(codes))}) AND dimension_key = %s AND value IS NOT NULL",
                [stock, *(ids[code] for code in codes), key])

    slices = ("SELECT year, dimension_key, period FROM explorer_seriesslice WHERE series_id = %s", [stock])
    regions = [pk for pk in (mexico.subregion_id, mexico.region_id) if pk]
    return {
        "profile": selects(
            (f"SELECT series_id, dimension_key, id, period, year, value, source_id FROM indicators_observation "
             f"WHERE series_id IN ({', '.join(['%s'] * len(profile_series))}) AND area_id = %s "
             f"AND dimension_key IN ('', 'SEX=F', 'SEX=M') AND value IS NOT NULL", [*profile_series, mexico.pk]),
            ("SELECT measure, year, value, corridors FROM explorer_areatotal WHERE area_id = %s", [mexico.pk]),
            top("destination", stock_year["in"]),
            top("origin", stock_year["out"]),
            (f"SELECT area_id, id, period, year, value, source_id FROM indicators_observation WHERE series_id = %s "
             f"AND area_id IN ({', '.join(['%s'] * len(regions))}) AND dimension_key = '' AND value IS NOT NULL",
             [deaths, *regions]),
        ),  # fmt: skip
        "corridor": selects((
            "SELECT measure, origin_id, destination_id, period, year, value, observation_id FROM explorer_corridorvalue "
            "WHERE (origin_id = %s AND destination_id = %s) OR (origin_id = %s AND destination_id = %s)",
            [ids["MEX"], ids["USA"], ids["USA"], ids["MEX"]],
        )),  # fmt: skip
        "ranking": selects(ranking("migrant_stock", 20)),
        "ranking CSV": selects(ranking("refugees", 100)),
        "map": selects(slices, country_values("2020", "SEX=F")),
        "compare 5": selects(points(["MEX", "USA", "DEU", "IND", "KEN"]), slices, country_values(compared_year, "")),
        "compare 3": selects(points(["MEX", "USA", "DEU"]), slices, country_values(compared_year, "")),
        "incidents": selects((
            "SELECT incident_id, year, date, mmp_region, area_id, dead, missing, total, cause, route, latitude, "
            "longitude, location FROM indicators_incident WHERE year = %s ORDER BY year, date, incident_id", [2019],
        )),  # fmt: skip
    }


CASES = [
    ("API profile", "/api/v1/explorer/profile/MEX", "profile", 50),
    ("API corridors (ranking)", "/api/v1/explorer/corridors?measure=migrant_stock&year=2019&limit=20", "ranking", 50),
    ("API corridor MEX→USA", "/api/v1/explorer/corridors/MEX/USA", "corridor", 50),
    ("API map", "/api/v1/explorer/map?series=SM.POP.TOTL&year=2020&dim=SEX:F", "map", 50),
    ("API incidents 2019", "/api/v1/explorer/incidents?year=2019", "incidents", 50),
    ("API corridors CSV", "/api/v1/explorer/corridors?measure=refugees&year=2019&limit=100&format=csv", "ranking CSV", 50),
    ("page profile", "/en/countries/MEX/migration/", "profile", 150),
    ("page corridor", "/en/explorer/corridors/MEX-USA/", "corridor", 150),
    ("page ranking", "/en/explorer/corridors/?measure=migrant_stock&year=2019", "ranking", 150),
    ("page map", "/en/explorer/map/?series=SM.POP.TOTL&year=2020&dim=SEX:F", "map", 150),
    ("API compare (5 countries)", "/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA,DEU,IND,KEN", "compare 5", 50),
    ("page incidents 2019", "/en/explorer/incidents/?year=2019", "incidents", 150),
    ("page compare", "/en/explorer/compare/?series=SM.POP.TOTL&country=MEX&country=USA&country=DEU", "compare 3", 150),
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
    # Loading ends with a change of the data version; for the next few seconds every
    # request reads the version from the database rather than the shared cache (see
    # gcmhub/dataversion.py). A site spends nearly all its time outside that window.
    from django.conf import settings

    time.sleep(settings.DATA_VERSION_CACHE_SECONDS + 1)
    client = Client()
    floor = floor_queries()
    from django.test import override_settings

    from gcmhub.explorer import memo

    def framework_only():  # middleware, URL resolution, the API's small constant index: what every answer costs
        assert client.get("/api/v1/").status_code == 200

    bare = timed(framework_only, args.repeat)
    print(f"load average (1, 5, 15 min) before: {load_average()} on {os.cpu_count()} CPUs")
    print(f"a request doing no work (the API index, a constant answer, through every middleware): wall p50 "
          f"{bare.wall50:.2f} ms, p95 {bare.wall95:.2f} ms; cpu p50 {bare.cpu50:.2f} ms, p95 {bare.cpu95:.2f} ms")  # fmt: skip
    print("cold = every request computes its answer (the explorer's memory of answers off);")
    print("warm = the answers kept per data version (gcmhub.explorer.memo, the default); page cache off in both;")
    print("site = as deployed: the page and API cache per data version on too (anonymous reader).")
    print("wall = elapsed time; cpu = this process's CPU time for the request (the work done, whatever the load);")
    print("load = 1-minute load average at the row.")
    print("floor = plain indexed SELECTs of all the rows the answer carries, through the same connection;")
    print("floor+bare = those SELECTs plus a request doing no work (what any answer through Django costs at least).")
    print(f"\n{'':<28} {'cold wall':>19} {'cold cpu':>19} {'warm wall':>19} {'warm cpu':>9} {'site wall':>9} "
          f"{'floor wall':>10} {'x floor':>15} {'x floor+bare':>15} {'load':>5}")  # fmt: skip
    print(f"{'':<28} {'p50':>9} {'p95':>9} {'p50':>9} {'p95':>9} {'p50':>9} {'p95':>9} {'p95':>9} {'p95':>9} "
          f"{'p95':>10} {'cold/warm p95':>15} {'cold/warm p95':>15}")  # fmt: skip
    for label, url, floor_key, target in CASES:
        def request(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        with override_settings(GCMHUB_EXPLORER_MEMO=False):
            cold = timed(request, args.repeat)
        memo.clear()
        warm = timed(request, args.repeat)
        with override_settings(PAGE_CACHE_ENABLED=True):
            site = timed(request, args.repeat)
        floor_time = timed(floor[floor_key], args.repeat)
        f95 = floor_time.wall95
        verdict = "ok" if cold.wall95 < target else ("cold MISSED (cpu ok)" if cold.cpu95 < target else "cold MISSED")
        verdict += "; warm " + ("ok" if warm.wall95 < target else "MISSED")
        with_bare = f95 + bare.wall95
        verdict += "; 5x floor: cold " + ("yes" if cold.wall95 <= 5 * f95 else "no") + ", warm " + (
            "yes" if warm.wall95 <= 5 * f95 else "no")  # fmt: skip
        verdict += "; 5x floor+bare: cold " + ("yes" if cold.wall95 <= 5 * with_bare else "no") + ", warm " + (
            "yes" if warm.wall95 <= 5 * with_bare else "no")  # fmt: skip
        print(f"{label:<28} {cold.wall50:9.2f} {cold.wall95:9.2f} {cold.cpu50:9.2f} {cold.cpu95:9.2f} "
              f"{warm.wall50:9.2f} {warm.wall95:9.2f} {warm.cpu95:9.2f} {site.wall95:9.2f} {f95:10.2f} "
              f"{cold.wall95 / f95:7.1f}/{warm.wall95 / f95:<7.1f} {cold.wall95 / with_bare:7.1f}/{warm.wall95 / with_bare:<7.1f} "
              f"{os.getloadavg()[0]:5.1f}  <{target} ms: {verdict}",
              flush=True)  # fmt: skip
    print(f"load average (1, 5, 15 min) after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
