"""Benchmark: importing a large tidy CSV, against a bare-table floor.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--query-rows N]
        [--chunk-size 10000] [--keep DIR]

Steps, each timed in the same process:

1. generate a tidy CSV of ``--rows`` rows (series × country × year × sex ×
   age, streamed to a temporary file) and its mapping;
2. **floor**: read the same file with ``csv.reader`` and insert every row
   with one plain ``executemany`` into a bare table (no keys, no indexes)
   of the same database, in one transaction;
3. **import**: ``gcmhub.indicators.services.run_import`` — the tidy reader,
   area/series/dimension resolution, duplicate checks, bulk writes, one
   transaction — exactly what ``gcmhub import tidy`` does;
4. **re-import** of the same file: recognised by its checksum, options and
   the data versions of its series ("unchanged, nothing to do");
5. the same **re-import compared row by row** (recognition switched off):
   the stored rows are read in bulk, compared in memory, nothing written;
6. **mostly unchanged re-import**: a copy of the file with ``--changed``
   (default 1 %) of its values changed — only those are written;
7. **query**: one series × one country through
   ``services.observations_for``, after topping the table up to
   ``--query-rows`` stored observations (default 5,000,000, the issue's figure;
   ``--query-rows 0`` times the query on just the imported rows).

Prints rows/s, the ratio import/floor, how long each import held the write
transaction (on SQLite, the database's write lock: other writers wait for
it), peak memory (the process's maximum resident set size, from getrusage)
and the query time. Runs on SQLite in a
temporary folder, and on PostgreSQL too when GCMHUB_BENCH_DATABASE_URL names
a scratch database (it is migrated and its observations are deleted).
Targets (issue 3): ≥ 150,000 rows/s on SQLite, within 3× of the floor,
≤ 500 MB peak. This script measures; it asserts nothing, and the test suite
never runs it.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTRIES = (
    "AFG ALB DZA AGO ARG ARM AUS AUT AZE BGD BEL BEN BOL BRA BGR BFA KHM CMR CAN CHL CHN COL CRI CIV HRV "
    "CUB CZE DNK ECU EGY SLV ETH FIN FRA DEU GHA GRC GTM HND HUN IND IDN IRQ IRL ITA JAM JPN JOR KAZ KEN "
    "KGZ LBN MDG MWI MYS MLI MEX MAR MOZ NPL NLD NZL NIC NER NGA NOR PAK PAN PRY PER PHL POL PRT ROU RWA "
    "SEN SRB ZAF ESP LKA SDN SWE CHE TJK TZA THA TUN TUR UGA UKR GBR USA URY UZB VNM YEM ZMB ZWE MDA TGO"
).split()
SEXES = ("", "F", "M")
AGES = ("", "Y15T24", "Y25T64", "Y_GE65")
YEARS = range(2000, 2025)
MAPPING = """\
area: Country
area_scheme: iso3
period: Year
value: Value
series: Series
indicator: BENCH.1
dimensions:
  SEX: Sex
  AGE: Age
"""


def generate(path: Path, rows: int, *, prefix: str = "BENCH", seed: int = 1) -> None:
    """Stream ``rows`` rows to ``path``, in the order a statistical office writes them."""
    rnd = random.Random(seed)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Series", "Country", "Year", "Sex", "Age", "Value"])
        written = 0
        series = 0
        while written < rows:
            code = f"{prefix}_{series:04d}"
            for country in COUNTRIES:
                for year in YEARS:
                    for sex in SEXES:
                        for age in AGES:
                            writer.writerow([code, country, year, sex, age, f"{rnd.random() * 1000:.3f}"])
                            written += 1
                            if written == rows:
                                return
            series += 1


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ["GCMHUB_VAR_DIR"] = str(var_dir)
    os.environ["GCMHUB_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "gcmhub.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from gcmhub.geo.loader import load_areas

    call_command("migrate", verbosity=0)
    load_areas()  # the benchmark's series are national ones: no framework needed


def clear_observations() -> None:
    """Empty the observation tables of a scratch database (no ORM cascade:
    collecting a million rows to delete them would dwarf the import)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM indicators_observationrevision")
        cursor.execute("DELETE FROM indicators_observation")


def floor(csv_path: Path) -> float:
    """Seconds to read the CSV and executemany it into a bare table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor (series varchar(60), area varchar(3), period varchar(24), "
            "sex varchar(10), age varchar(10), value double precision)"
        )
    started = time.perf_counter()
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    with transaction.atomic(), csv_path.open(newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        # The driver's own cursor: Django's wrapper would buffer a generator.
        cursor = connection.connection.cursor()
        cursor.executemany(f"INSERT INTO bench_floor VALUES ({', '.join([placeholder] * 6)})", reader)
        cursor.close()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return seconds


def perturb(source: Path, target: Path, fraction: float) -> int:
    """Copy ``source`` with every ``1/fraction``-th value changed; the count changed."""
    step = max(1, round(1 / fraction)) if fraction > 0 else 0
    changed = 0
    with source.open(newline="") as fh, target.open("w", newline="") as out:
        reader, writer = csv.reader(fh), csv.writer(out)
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            if step and i % step == 0:
                row[-1] = f"{float(row[-1]) + 1:.3f}"
                changed += 1
            writer.writerow(row)
    target.with_suffix(".mapping.yml").write_text(MAPPING)
    return changed


def run_import(csv_path: Path, chunk_size: int, *, recognise: bool = True):
    from gcmhub.indicators import loader, services

    loader.CHUNK_SIZE = chunk_size
    gc.collect()
    started = time.perf_counter()
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    recognition = services._recognition
    if not recognise:  # compare every row, as a file seen for the first time would be
        services._recognition = lambda *args, **kwargs: None
    try:
        result = services.run_import(None, "tidy", csv_path, source="benchmark")
    finally:
        services._recognition = recognition
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.cpu_main = time.process_time() - cpu
    result.cpu_reader = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return time.perf_counter() - started, result


def top_up(target_rows: int, work: Path) -> int:
    """Import more generated rows (other series) until the table holds ``target_rows``."""
    from gcmhub.indicators import services
    from gcmhub.indicators.models import Observation

    stored = Observation.objects.count()
    part = 0
    while stored < target_rows:
        rows = min(1_000_000, target_rows - stored)
        path = work / f"topup-{part}.csv"
        generate(path, rows, prefix=f"FILL{part}", seed=part + 2)
        path.with_suffix(".mapping.yml").write_text(MAPPING)
        services.run_import(None, "tidy", path, source="benchmark")
        path.unlink()
        stored = Observation.objects.count()
        part += 1
    return stored


def time_query(repeat: int = 20) -> tuple[float, int]:
    """Median ms for one series × one country (all its disaggregations, all years)."""
    from gcmhub.indicators import services

    timings = []
    count = 0
    for i in range(repeat):
        country = COUNTRIES[(i * 7) % len(COUNTRIES)]
        started = time.perf_counter()
        rows = list(services.observations_for("BENCH_0000", country))
        timings.append((time.perf_counter() - started) * 1000)
        count = len(rows)
    return statistics.median(timings), count


def bench(database_url: str, label: str, args, work: Path) -> None:
    setup_django(database_url, work / "var")
    from django.db import connection

    from gcmhub.indicators.models import Observation

    csv_path = work / "bench.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        generate(csv_path, args.rows)
        csv_path.with_suffix(".mapping.yml").write_text(MAPPING)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    clear_observations()

    changed_path = work / "bench-changed.csv"
    changed_rows = perturb(csv_path, changed_path, args.changed)

    rss_before = peak_rss_mb()
    import_s, result = run_import(csv_path, args.chunk_size)
    rss_after = peak_rss_mb()
    reimport_s, again = run_import(csv_path, args.chunk_size)
    compared_s, compared = run_import(csv_path, args.chunk_size, recognise=False)
    rss_compared = peak_rss_mb()
    mostly_s, mostly = run_import(changed_path, args.chunk_size)
    floor_s = floor(csv_path)
    print(f"\n== {label} ({connection.vendor}) ==")
    print(f"floor (csv.reader + executemany, bare table): {floor_s:7.2f} s  {args.rows / floor_s:>10,.0f} rows/s")
    print(f"import (gcmhub import tidy):                 {import_s:7.2f} s  {args.rows / import_s:>10,.0f} rows/s"
          f"  created {result.created:,}")  # fmt: skip
    print(f"  CPU: {result.cpu_main:.2f} s importing process, {result.cpu_reader:.2f} s reader process")
    print(f"ratio import / floor:                        {import_s / floor_s:7.2f}x  (target <= 3x)")
    print(f"re-import, unchanged file (recognised):      {reimport_s:7.2f} s  "
          f"{reimport_s / import_s:7.3f}x the first import  same as batch #{again.same_as_batch}, "
          f"written {again.written:,}")  # fmt: skip
    print(f"re-import, unchanged, compared row by row:   {compared_s:7.2f} s  {args.rows / compared_s:>10,.0f} rows/s"
          f"  {compared_s / import_s:5.2f}x the first import  unchanged {compared.unchanged:,}, "
          f"written {compared.written:,}")  # fmt: skip
    print(f"re-import, {args.changed:.0%} of values changed:          {mostly_s:7.2f} s  "
          f"{args.rows / mostly_s:>10,.0f} rows/s  {mostly_s / import_s:5.2f}x the first import  "
          f"updated {mostly.updated:,} of {changed_rows:,} changed, unchanged {mostly.unchanged:,}")  # fmt: skip
    print("write transaction (SQLite: the write lock) held for:"
          f" first import {result.write_seconds:.2f} s of {import_s:.2f} s,"
          f" unchanged {again.write_seconds:.2f} s, compared {compared.write_seconds:.2f} s,"
          f" mostly unchanged {mostly.write_seconds:.2f} s")  # fmt: skip
    print(f"peak memory (max RSS of the process): {rss_before:.0f} MB before the import, "
          f"{rss_after:.0f} MB after it, {rss_compared:.0f} MB after the row-by-row re-import "
          f"(target <= 500 MB)")  # fmt: skip
    stored = top_up(args.query_rows, work) if args.query_rows > args.rows else Observation.objects.count()
    median_ms, count = time_query()
    print(f"query one series x one country at {stored:,} observations: {median_ms:.2f} ms "
          f"median ({count} rows)")  # fmt: skip
    if connection.vendor == "postgresql":
        clear_observations()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--query-rows",
        type=int,
        default=5_000_000,
        help="stored observations for the query timing (default: the issue's 5,000,000; 0 = just the import)",
    )
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01, help="share of values changed for the mostly "
                        "unchanged re-import (default 0.01)")  # fmt: skip
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.only:  # one database per process: Django is configured once
        work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gcmhub-bench-"))
        work.mkdir(parents=True, exist_ok=True)
        if args.only == "sqlite":
            for suffix in ("", "-wal", "-shm"):  # a fresh database every run
                Path(f"{work / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
            bench(f"sqlite:///{work / 'bench.sqlite3'}", "SQLite", args, work)
        else:
            bench(os.environ["GCMHUB_BENCH_DATABASE_URL"], "PostgreSQL", args, work)
        return 0

    base = [sys.executable, __file__, "--rows", str(args.rows), "--query-rows", str(args.query_rows),
            "--chunk-size", str(args.chunk_size), "--changed", str(args.changed)]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="gcmhub-bench-") as tmp:
        work = Path(args.keep or tmp)
        status = subprocess.call([*base, "--only", "sqlite", "--keep", str(work / "sqlite")])
        if os.environ.get("GCMHUB_BENCH_DATABASE_URL"):
            status |= subprocess.call([*base, "--only", "postgresql", "--keep", str(work / "postgresql")])
        else:
            print("\n(PostgreSQL skipped: set GCMHUB_BENCH_DATABASE_URL to a scratch database)")
    return status


if __name__ == "__main__":
    sys.exit(main())
