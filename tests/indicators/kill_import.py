"""Run by test_atomicity.py in a child process that the test kills with SIGKILL.

    python tests/indicators/kill_import.py DATABASE_URL VAR_DIR [reading|writing]

Builds the database, commits a baseline import, prints BASELINE <count>,
then starts a second, larger import that prints HALFWAY and waits there to
be killed: while it reads the file (``reading``), or once its write
transaction has written several chunks (``writing``, the default).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    database_url, var_dir = sys.argv[1], sys.argv[2]
    phase = sys.argv[3] if len(sys.argv) > 3 else "writing"
    os.environ["GCMHUB_DATABASE_URL"] = database_url
    os.environ["GCMHUB_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "gcmhub.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from gcmhub.geo.loader import load_areas
    from gcmhub.indicators.formats.records import Observation as Record
    from gcmhub.indicators.loader import load
    from gcmhub.indicators.models import Observation

    call_command("migrate", verbosity=0)
    load_areas()

    def record(year, iso3, value):
        return Record("KILL_TEST", "NAT.1", iso3, "iso3", str(year), year, value, line=year)

    load([record(y, "KEN", 1.0) for y in range(1950, 1960)], format="tidy", file_name="baseline.csv")
    print("BASELINE", Observation.objects.count(), flush=True)

    def halfway():
        print("HALFWAY", flush=True)
        time.sleep(600)

    def records():
        for i, year in enumerate(range(1800, 2000)):
            for iso3 in ("KEN", "MEX", "FRA", "BRA", "IND"):
                yield record(year, iso3, 2.0)  # changes the baseline rows too
            if i == 150 and phase == "reading":
                halfway()

    def progress(result):
        if result.phase == "writing" and result.rows_stored >= 300:
            halfway()

    load(records(), format="tidy", file_name="killed.csv", chunk_size=50, progress_callback=progress)


if __name__ == "__main__":
    main()
