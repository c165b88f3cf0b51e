"""`gcmhub manage build_m49_names`: the official French and Spanish M49 names.

Reads UNSD's M49 overview tables in French and Spanish
(``country-codes/unsd_m49_overview_{fr,es}.csv`` in ``SHARED_DATA_DIR``) and
writes ``gcmhub/geo/data/m49_names.yaml``: every country, area and region
code with its two names, normalised to NFC, and the source. The area loader
takes the French and Spanish names from that file. Needs no database.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gcmhub.geo.names import normalise_m49
from gcmhub.geo.sources import DATA_DIR, OFFICIAL_LANGUAGES

FOLDER = "country-codes"
FILE = "unsd_m49_overview_{language}.csv"
# (code column, name column) of each level of a row, broadest first.
LEVELS = (
    ("Global Code", "Global Name"),
    ("Region Code", "Region Name"),
    ("Sub-region Code", "Sub-region Name"),
    ("Intermediate Region Code", "Intermediate Region Name"),
    ("M49 Code", "Country or Area"),
)
# Rows the copy adds to UNSD's table: UNSD's M49 list has no entry 158
# (Taiwan, whose figures UNSD includes in China's), and the added row even
# names its sub-region differently from every UNSD row ("Asie de l'Est").
NOT_IN_UNSD = {"158"}
HEADER = """\
# The official French and Spanish names of the UN M49 countries, areas and
# regions (UNSD, "Standard country or area codes for statistical use").
#
# WRITTEN BY `gcmhub manage build_m49_names` from the copies named in
# `source`; do not edit by hand. The area loader takes these names over the
# hdx-python-country taxonomy's and regions.yaml's; an area that is not here
# keeps its other names and is marked unverified in French and Spanish
# (docs/areas.md lists them). English names come from hdx-python-country.

"""


def read_official_names(folder: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{code: {"fr": name, "es": name}} and the rows left out, from the two tables."""
    names: dict[str, dict[str, str]] = {}
    skipped: list[str] = []
    for language in OFFICIAL_LANGUAGES:
        path = folder / FILE.format(language=language)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                if row.get("M49 Code", "").strip() in NOT_IN_UNSD:
                    skipped.append(f"{path.name}, line {line}: {row['M49 Code']} {row['Country or Area']}")
                    continue
                for code_column, name_column in LEVELS:
                    _add(names, row, code_column, name_column, language, f"{path.name}, line {line}")
    incomplete = sorted(code for code, entry in names.items() if set(entry) != set(OFFICIAL_LANGUAGES))
    if incomplete:
        raise ValueError(f"codes named in one language only: {', '.join(incomplete)}")
    return dict(sorted(names.items())), skipped


def _add(names: dict, row: dict, code_column: str, name_column: str, language: str, where: str) -> None:
    code = (row.get(code_column) or "").strip()
    name = unicodedata.normalize("NFC", " ".join((row.get(name_column) or "").split()))
    if not code:
        return
    if not name:
        raise ValueError(f"{where}: {code_column} {code} has no {name_column}")
    code = normalise_m49(code)
    known = names.setdefault(code, {}).get(language)
    if known is not None and known != name:
        raise ValueError(f"{where}: {code} is named {name!r} here but {known!r} on an earlier line")
    names[code][language] = name


class Command(BaseCommand):
    help = "Write gcmhub/geo/data/m49_names.yaml from UNSD's French and Spanish M49 tables in SHARED_DATA_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="Default: settings.SHARED_DATA_DIR.")
        parser.add_argument("--out", type=Path, default=DATA_DIR, help="Default: gcmhub/geo/data/.")

    def handle(self, *args, data_dir=None, out=DATA_DIR, **options):
        folder = Path(data_dir or settings.SHARED_DATA_DIR) / FOLDER
        if not (folder / FILE.format(language="fr")).is_file():
            raise CommandError(f"The M49 tables are not in {folder}.")
        try:
            names, skipped = read_official_names(folder)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = out / "m49_names.yaml"
        path.write_text(render(names), encoding="utf-8")
        for note in skipped:
            self.stdout.write(self.style.WARNING(f"Left out (not in UNSD's table): {note}"))
        self.stdout.write(f"{path}: {len(names)} codes")


def render(names: dict[str, dict[str, str]]) -> str:
    data = {
        "version": 1,
        "source": (
            "UNSD M49 overview, French and Spanish tables, as kept by datahub "
            "(datasets/country-codes : tmp/UNSD-fr.csv, tmp/UNSD-es.csv @ caa72d1e0e; "
            "shared/data/country-codes/unsd_m49_overview_{fr,es}.csv), NFC; the row for 158 that copy adds is left out"
        ),
    }
    lines = [yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000).rstrip("\n"), "names:"]
    for code, entry in names.items():
        flow = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=True)
        lines.append(f"  '{code}': {flow.strip()}")
    return HEADER + "\n".join(lines) + "\n"
