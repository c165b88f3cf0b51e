"""The explorer's demo data: small verbatim cuts of the real shared datasets.

``build_extract(shared_dir)`` (``gcmhub manage explorer_demo_extract``)
copies rows of the raw files in ``../shared/data`` unchanged — same columns,
same cells, only fewer rows or origin columns — into ``demo_data/``, so the
project's own readers import them exactly as they would the full files.
``load_demo()`` imports them (``desa-matrix``, ``rpw``, ``unhcr``, the
incident importer) and rebuilds the aggregates. ``demo_data/SOURCES.md``
names every source.

The countries kept (``DEMO_COUNTRIES``) are those of the other demo data
plus the largest corridors they are part of (Mexico → United States).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_COUNTRIES = ("USA", "MEX", "KEN", "PHL", "MAR", "ARM", "CAN", "MLT", "DEU", "IND", "ESP", "GBR", "SYR", "TUR",
                  "SOM", "UGA")  # fmt: skip
# DESA's names for them (the clean matrix is by name).
DESA_NAMES = {
    "USA": "United States of America", "MEX": "Mexico", "KEN": "Kenya", "PHL": "Philippines", "MAR": "Morocco",
    "ARM": "Armenia", "CAN": "Canada", "MLT": "Malta", "DEU": "Germany", "IND": "India", "ESP": "Spain",
    "GBR": "United Kingdom", "SYR": "Syrian Arab Republic", "TUR": "Turkey", "SOM": "Somalia", "UGA": "Uganda",
}  # fmt: skip
UNHCR_FROM_YEAR = 2010
INCIDENT_YEARS = (2022,)
UNHCR_MIN_PEOPLE = 5000  # corridors with one end outside the demo countries: only the large ones
INCIDENT_COLUMNS = ("Main ID", "Incident ID", "Region", "Incident Date", "Year", "Number Dead",
                    "Minimum Estimated Number of Missing", "Total Number of Dead and Missing", "Cause of Death",
                    "Coordinates", "Migrantion route", "UNSD Geographical Grouping")  # fmt: skip

# (file, import format or "incidents", reader options)
DEMO_FILES = (
    ("desa-matrix-2019-destinations.csv", "desa-matrix", {}),
    ("desa-matrix-2019-origins.csv", "desa-matrix", {}),
    ("rpw-corridors.csv", "rpw", {}),
    ("unhcr-population-corridors.csv", "unhcr", {}),
    *((f"missing-migrants-incidents-{year}.csv", "incidents", {}) for year in INCIDENT_YEARS),
)


@dataclass(frozen=True)
class DemoLoad:
    file: str
    skipped: bool
    written: int = 0


def _write(path: Path, header: list[str], rows: list[list[str]], preamble: list[list[str]] = ()) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerows(preamble)
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def build_extract(shared_dir: Path) -> dict[str, int]:
    """Write the demo files from the raw shared datasets; rows written per file."""
    DEMO_DIR.mkdir(exist_ok=True)
    written = {}
    names = set(DESA_NAMES.values())
    with (shared_dir / "undesa-ims" / "UN_MigrantStockByOriginAndDestination_2019_clean.csv").open(
        encoding="utf-8-sig", newline=""
    ) as raw:
        reader = csv.reader(raw)
        header = next(reader)
        rows = list(reader)
    # Every origin of the chosen destinations …
    chosen = [row for row in rows if row[1].strip().rstrip("*").strip() in names]
    written["desa-matrix-2019-destinations.csv"] = _write(DEMO_DIR / "desa-matrix-2019-destinations.csv", header, chosen)
    # … and the chosen origins in every destination.
    keep = [0, 1] + [i for i, name in enumerate(header) if name.strip().rstrip("*").strip() in names]
    narrow = [[row[i] for i in keep] for row in rows if any(row[i] not in ("0", "") for i in keep[2:])]
    written["desa-matrix-2019-origins.csv"] = _write(
        DEMO_DIR / "desa-matrix-2019-origins.csv", [header[i] for i in keep], narrow
    )
    countries = set(DEMO_COUNTRIES)
    with (shared_dir / "worldbank" / "rpw_corridors_databank_export_2011Q1-2020Q3.csv").open(
        encoding="utf-8-sig", newline=""
    ) as raw:
        reader = csv.reader(raw)
        header = next(reader)
        rows = [row for row in reader if len(row) > 5 and row[1] in countries and (row[5] in countries or row[1] == "USA")]
    written["rpw-corridors.csv"] = _write(DEMO_DIR / "rpw-corridors.csv", header, rows)
    with (shared_dir / "unhcr" / "unhcr_population.csv").open(encoding="utf-8-sig", newline="") as raw:
        reader = csv.DictReader(raw)
        columns = ["year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso", "refugees", "asylum_seekers"]
        rows = [
            [row[c] for c in columns]
            for row in reader
            if int(row["year"]) >= UNHCR_FROM_YEAR and _unhcr_kept(row, countries)
        ]
    written["unhcr-population-corridors.csv"] = _write(DEMO_DIR / "unhcr-population-corridors.csv", columns, rows)
    for year in INCIDENT_YEARS:
        with (shared_dir / "iom-missing-migrants" / f"MissingMigrants-Global-{year}.csv").open(
            encoding="utf-8-sig", newline=""
        ) as raw:
            reader = csv.DictReader(raw)
            rows = [[row[c] for c in INCIDENT_COLUMNS] for row in reader]
        name = f"missing-migrants-incidents-{year}.csv"
        written[name] = _write(DEMO_DIR / name, list(INCIDENT_COLUMNS), rows)
    return written


def _unhcr_kept(row: dict, countries: set[str]) -> bool:
    inside = (row["coa_iso"] in countries) + (row["coo_iso"] in countries)
    if inside == 2:
        return True
    if inside == 0:
        return False
    people = sum(float(row[c] or 0) for c in ("refugees", "asylum_seekers"))
    return people >= UNHCR_MIN_PEOPLE


def load_demo() -> list[DemoLoad]:
    """Import the committed extract (files imported unchanged already are skipped), then rebuild."""
    from gcmhub.indicators.incidents import import_incidents
    from gcmhub.indicators.models import ImportBatch
    from gcmhub.indicators.services import file_sha256, run_import

    from .aggregates import rebuild

    loaded = []
    for name, fmt, options in DEMO_FILES:
        path = DEMO_DIR / name
        digest = file_sha256(path)
        if ImportBatch.objects.filter(sha256=digest, status=ImportBatch.Status.SUCCEEDED).exists():
            loaded.append(DemoLoad(name, True))
            continue
        if fmt == "incidents":
            result = import_incidents(None, [path])
            loaded.append(DemoLoad(name, False, result.created + result.updated))
        else:
            result = run_import(None, fmt, path, options=dict(options), file_name=name)
            loaded.append(DemoLoad(name, False, result.created + result.updated))
    rebuild()
    return loaded
