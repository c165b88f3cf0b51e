"""Run by test_write_lock.py in a child process, on a SQLite file of its own.

    python tests/indicators/locked_import.py DATABASE_PATH VAR_DIR

Builds the database and commits a baseline import; then another connection
takes SQLite's write lock (BEGIN IMMEDIATE, as any writer does) and keeps it
while this process runs a dry run and then a real import of the same file.
Prints one JSON line: what each attempt gave.
"""

import json
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    database, var_dir = sys.argv[1], sys.argv[2]
    os.environ["GCMHUB_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["GCMHUB_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "gcmhub.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection

    from gcmhub.geo.loader import load_areas
    from gcmhub.indicators.formats.records import Observation as Record
    from gcmhub.indicators.loader import load

    call_command("migrate", verbosity=0)
    load_areas()

    def records(value):
        return [Record("LOCK_TEST", "NAT.1", iso3, "iso3", str(year), year, value, line=year)
                for iso3 in ("KEN", "MEX") for year in range(1990, 2020)]  # fmt: skip

    load(records(1.0), format="tidy", file_name="baseline.csv")
    connection.close()
    connection.settings_dict["OPTIONS"]["timeout"] = 1  # fail fast instead of waiting 20 s

    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held by someone else
    outcome = {}
    try:
        result = load(records(2.0), format="tidy", file_name="changed.csv", dry_run=True)
        outcome["dry_run"] = {"would_update": result.updated, "written": result.written}
    except OperationalError as error:
        outcome["dry_run"] = {"error": str(error)}
    try:
        load(records(2.0), format="tidy", file_name="changed.csv")
        outcome["import"] = "written"
    except OperationalError as error:
        outcome["import"] = {"error": str(error)}
    holder.execute("ROLLBACK")
    holder.close()
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
