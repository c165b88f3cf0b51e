"""Every national Open SDG file in ../shared/data, imported, exported and read as Open SDG would.

For each ``indicator_*.csv`` of the six national repositories: import it
(allowing new series: national proxies are not SDG series), export it as
``opensdg``, and check with sdg-build's default rule (see
tests/indicators/test_export_round_trips.py, ``opensdg_headline``) that the
export has the original's disaggregations (those with any value; SDMX codes
such as ``SEX`` for ``Sex``) and its headline — except where the original
writes its totals out ("Both Sexes", "All Domains"): sdg-build then finds no
headline in the original, and the export, whose totals are blank, has one.
Importing the export again changes nothing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from gcmhub.indicators import services
from gcmhub.indicators.formats.codes import dimension_for

from ..indicators.test_export_round_trips import empty_catalogue, opensdg_headline

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("GCMHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
COUNTRIES = {"sdg-uk": "GBR", "sdg-armenia": "ARM", "sdg-canada": "CAN", "sdg-malta": "MLT", "sdg-korea": "KOR",
             "sdg-moldova": "MDA"}  # fmt: skip
# Files that cannot be imported as published (PROVENANCE.md): no data rows; the same key with two values.
UNREADABLE = {"sdg-armenia/indicator_10-7-3.csv", "sdg-moldova/indicator_10-7-4.csv"}
FILES = sorted(
    f"{folder}/{path.name}"
    for folder in COUNTRIES
    for path in (DATA / folder).glob("indicator_*.csv")
    if f"{folder}/{path.name}" not in UNREADABLE
) if DATA.exists() else []  # fmt: skip

pytestmark = [
    pytest.mark.real,
    pytest.mark.django_db,
    pytest.mark.skipif(not (DATA / "PROVENANCE.md").exists(), reason=f"{DATA} is not available"),
]


def _disaggregations_with_values(path: Path, columns: list[str]) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {column for column in columns if any((row[column] or "").strip() for row in rows)}


def _writes_totals_out(path: Path, columns: list[str]) -> bool:
    """Whether a disaggregation column spells its total ("Both Sexes") instead of leaving it blank."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return any(
            (row[column] or "").strip() and dimension_for(column, row[column]) is None
            for row in csv.DictReader(fh)
            for column in columns
        )


@pytest.mark.parametrize("name", FILES)
def test_open_sdg_sees_the_same_data_after_a_round_trip(name, tmp_path):
    folder, file = name.split("/")
    original = DATA / folder / file
    area = COUNTRIES[folder]
    empty_catalogue()
    imported = services.run_import(None, "opensdg", original, area=area, create_series=True)
    if imported.created == 0:
        pytest.skip("no values in the file (placeholders or blanks only)")
    exported = tmp_path / file
    services.export_observations("opensdg", exported, area=area)

    columns_in, headline_in = opensdg_headline(original)
    columns_out, headline_out = opensdg_headline(exported)
    assert len(_disaggregations_with_values(original, columns_in)) == len(columns_out)
    if _writes_totals_out(original, columns_in):
        assert headline_out and len(headline_out) >= len(headline_in)
    else:
        assert headline_out == headline_in

    again = services.run_import(None, "opensdg", exported, area=area)
    assert (again.created, again.updated, again.unchanged) == (0, 0, imported.created)
