"""Every dataset in ../shared/data read by its reader, checked against PROVENANCE.md.

Pure: no Django and no database (run with ``-p no:django``). The data folder
is ``$GCMHUB_SHARED_DATA`` or ``<repo>/../shared/data``; without it these
tests are skipped.

How the expected numbers follow from PROVENANCE.md: its tables give, per
file, the number of data **rows** (header, WDI preamble and footer lines
excluded) and the **years** that have a value ("rows whose Value is blank,
NA or .. are not counted"; "n/a" = no dated values). The tests read those
two columns from PROVENANCE.md itself and check that

* the reader saw exactly that many rows (``stats.rows``), and every row is
  accounted for: one-observation-per-row formats (Open SDG, UNSD) give
  observations + identical repeats + placeholders + problems = rows;
* the first and last year among observations *with a value* are the
  PROVENANCE years (for ranges such as ``1980 to 1990`` or ``2000/01`` the
  last year of the range), and a file whose years are "n/a" yields no
  value at all;
* for wide tables (WDI, RPW, DESA, UNHCR: one row, many cells) the number
  of observations equals the number of cells holding a value, counted here
  directly with the csv module as a second opinion.

Where PROVENANCE names a quirk the test checks it too (Moldova's 169 empty
10.7.1 rows, Korea's 8 ``NA`` rows, the 0-row Armenian 10.7.3, UNSD's ``N``,
the ``"1,022"`` in the Missing Migrants 2015 file, Abel's zeros).
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from gcmhub.indicators.formats import FormatError, Observation, Problem, ReadStats, get_reader

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("GCMHUB_SHARED_DATA", REPO.parent / "shared" / "data"))

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(not (DATA / "PROVENANCE.md").exists(), reason=f"{DATA} is not available"),
]

# Open SDG repositories and the country each one reports for
COUNTRIES = {"sdg-uk": "GBR", "sdg-korea": "KOR", "sdg-moldova": "MDA", "sdg-armenia": "ARM",
             "sdg-canada": "CAN", "sdg-malta": "MLT"}  # fmt: skip


def provenance() -> dict[str, tuple[int | None, tuple[int, int] | None]]:
    """``file → (rows, (first year, last year) or None)`` from PROVENANCE.md's tables."""
    found = {}
    if not (DATA / "PROVENANCE.md").exists():
        return found
    for line in (DATA / "PROVENANCE.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if len(cells) < 5:  # a shorter table (sdg-translations: file, what, source, rows)
            continue
        name = cells[0].strip("`")
        rows = int(cells[4].replace(",", "")) if re.fullmatch(r"[\d,]+", cells[4]) else None
        years = re.fullmatch(r"(\d{4})–(\d{4})", cells[-1])
        found[name] = (rows, (int(years.group(1)), int(years.group(2))) if years else None)
    return found


PROVENANCE = provenance()


def read(fmt: str, path: Path, **kwargs):
    stats = ReadStats()
    observations, problems = [], []
    for record in get_reader(fmt).read(path, stats=stats, **kwargs):
        (observations if isinstance(record, Observation) else problems).append(record)
        assert isinstance(record, (Observation, Problem))
    return observations, problems, stats


def year_span(observations) -> tuple[int, int] | None:
    valued = [o for o in observations if o.value is not None]
    if not valued:
        return None
    last = max(int(re.findall(r"\d{4}", o.period)[-1]) for o in valued)
    return min(o.year for o in valued), last


def expected(relative: str):
    if relative not in PROVENANCE:
        pytest.skip(f"{relative} is not listed in PROVENANCE.md")
    return PROVENANCE[relative]


def files(pattern: str) -> list[str]:
    return sorted(name for name in PROVENANCE if re.fullmatch(pattern, name))


# --- Open SDG ---------------------------------------------------------------

# Rows that are not observations, by file, and why (PROVENANCE's descriptions):
OPEN_SDG_EXTRA = {
    # "There is no data for this indicator yet," placeholder rows (one each)
    "sdg-uk/indicator_10-7-1.csv": {"placeholder": 1},
    "sdg-uk/indicator_10-7-2.csv": {"placeholder": 1},
    "sdg-korea/indicator_10-7-2.csv": {"placeholder": 1},
    "sdg-korea/indicator_16-2-2.csv": {"placeholder": 1},
    "sdg-korea/indicator_17-18-1.csv": {"placeholder": 1},
    # 169 rows "with no values at all": 52 of them repeat another row's key
    # (identical: both missing), the other 117 are missing observations
    "sdg-moldova/indicator_10-7-1.csv": {"duplicates": 52, "missing": 117},
    # the column with a blank header is blank in every row, so the three rows
    # of each year share one key: 183 identical repeats are skipped and 116
    # repeats with a different value are problems naming the earlier line
    "sdg-moldova/indicator_10-7-4.csv": {"duplicates": 183, "problems": 116},
    # "only NA values (8 rows)"
    "sdg-korea/indicator_10-7-3.csv": {"missing": 8},
    # PROVENANCE counts the four-digit years written in the cell: "2021/22 [Note 5]"
    # gives it 2021, while the period read is the interval 2021/2022
    "sdg-uk/indicator_8-8-1.csv": {"last_year": 2022},
}


@pytest.mark.parametrize("relative", files(r"sdg-[a-z]+/indicator_.*\.csv"))
def test_open_sdg_file(relative):
    rows, years = expected(relative)
    path = DATA / relative
    area = COUNTRIES[relative.split("/")[0]]
    if rows == 0:  # Armenia's 10.7.3 is header-only: alone it is an error, in a folder it is skipped
        with pytest.raises(FormatError, match="no data rows"):
            read("opensdg", path, default_area=area)
        return
    observations, problems, stats = read("opensdg", path, default_area=area)
    extra = OPEN_SDG_EXTRA.get(relative, {})
    assert stats.rows == rows
    assert stats.skipped.get("placeholder", 0) == extra.get("placeholder", 0)
    assert stats.duplicates == extra.get("duplicates", 0)
    assert len(problems) == extra.get("problems", 0)
    assert len(observations) + stats.duplicates + len(problems) + stats.skipped.get("placeholder", 0) == rows
    if "missing" in extra:
        assert stats.missing == extra["missing"]
    if "last_year" in extra:
        years = (years[0], extra["last_year"])
    assert year_span(observations) == years
    assert {o.area for o in observations} <= {area}


@pytest.mark.parametrize("folder", sorted(COUNTRIES))
def test_open_sdg_folder(folder):
    if not (DATA / folder).is_dir():
        pytest.skip(f"{folder} is not available")
    observations, _, stats = read("opensdg", DATA / folder, default_area=COUNTRIES[folder])
    relatives = files(rf"{folder}/indicator_.*\.csv")
    assert stats.rows == sum(PROVENANCE[r][0] for r in relatives)
    # the header-only Armenian file is skipped, not an error, in a folder
    assert stats.skipped.get("empty_file", 0) == sum(1 for r in relatives if PROVENANCE[r][0] == 0)
    assert all(o.indicator and re.fullmatch(r"\d+\.[0-9a-z]+\.\d+", o.indicator) for o in observations)


def test_open_sdg_policy_domains_are_coded():
    """10.7.2 domain labels of four countries map to PD_1 … PD_6 in the same order."""
    for folder in ("sdg-armenia", "sdg-canada", "sdg-malta"):
        observations, _, _ = read("opensdg", DATA / folder / "indicator_10-7-2.csv", default_area="X")
        codes = {dict(o.dimensions).get("COMPOSITE_BREAKDOWN") for o in observations}
        assert codes - {None} == {f"PD_{n}" for n in range(1, 7)}, folder
    observations, _, _ = read("opensdg", DATA / "sdg-moldova" / "indicator_10-7-2-1.csv", default_area="MDA")
    assert {dict(o.dimensions)["COMPOSITE_BREAKDOWN"] for o in observations} == {f"PD_{n}" for n in range(1, 7)}


def test_malta_migratory_status():
    observations, _, _ = read("opensdg", DATA / "sdg-malta" / "indicator_8-8-1.csv", default_area="MLT")
    assert {dict(o.dimensions).get("COMPOSITE_BREAKDOWN") for o in observations} == {
        None, "MS_MIGRANT", "MS_NOMIGRANT",
    }  # fmt: skip


# --- UNSD SDG extract (DDF) ----------------------------------------------------


@pytest.mark.parametrize("relative", files(r"unsd-sdg-global/ddf--datapoints--.*\.csv"))
def test_unsd_datapoints(relative):
    rows, years = expected(relative)
    observations, problems, stats = read("unsd-sdg", DATA / relative)
    assert problems == [] and stats.duplicates == 0
    assert stats.rows == rows == len(observations)
    assert year_span(observations) == years
    series = re.search(r"ddf--datapoints--(.+?)--by--", relative).group(1).upper()
    assert {o.series for o in observations} == {series}
    assert all(o.indicator for o in observations)
    if series == "SG_CPA_MIGRS":
        assert stats.missing == 350  # UNSD's "N": 50 countries without scores, 7 domains each


# --- World Bank --------------------------------------------------------------------


def _wide_cells(path: Path, first_value_column: int, *, skip_until: str, zero_is_missing=False) -> int:
    """Cells with a value, counted with the csv module alone."""
    count, started = 0, False
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            if not started:
                started = bool(row) and row[0] == skip_until
                continue
            for cell in row[first_value_column:]:
                if cell.strip() not in ("", "..", "-") and not (zero_is_missing and float(cell) == 0):
                    count += 1
    return count


@pytest.mark.parametrize(
    "relative", files(r"worldbank/API_.*\.(csv|xls)") + ["worldbank/knomad_migrant_remittance_inflows_1970-2017.csv"]
)
def test_world_bank_tables(relative):
    rows, years = expected(relative)
    observations, problems, stats = read("wdi", DATA / relative, options={"aggregates": "keep"})
    assert problems == []
    if rows is not None:  # the .xls rows are described in words; their CSV twins carry the count
        assert stats.rows == rows
    if years:
        assert year_span(observations) == years
    if relative.endswith(".csv"):
        knomad = "knomad" in relative
        cells = _wide_cells(DATA / relative, 1 if knomad else 4, zero_is_missing=knomad,
                            skip_until="Migrant remittance inflows (US$ million)" if knomad else "Country Name")  # fmt: skip
        assert len(observations) == cells


def test_world_bank_aggregates_are_left_out():
    path = DATA / "worldbank" / "API_SM.POP.NETM_DS2_en_csv_v2_3401672.csv"
    observations, _, stats = read("wdi", path)
    assert {o.area for o in observations if o.area_scheme == "m49"} == {"001"}  # WLD
    # Metadata_Country has 265 codes, 48 with a blank Region (the aggregates, WLD
    # among them, which becomes 001); the data file has one more, INX "Not classified"
    assert stats.skipped["aggregate"] == 48
    assert stats.rows == 266


def test_xls_and_its_csv_twin_agree():
    xls, _, _ = read("wdi", DATA / "worldbank" / "API_SM.POP.REFG.OR_DS2_en_excel_v2_5997665.xls")
    twin, _, _ = read("wdi", DATA / "worldbank" / "API_SM.POP.REFG.OR_DS2_en_csv_from_excel_v2_5997665.csv")
    assert [(o.area, o.period, o.value) for o in xls] == [(o.area, o.period, o.value) for o in twin]


def test_rpw_corridors():
    relative = "worldbank/rpw_corridors_databank_export_2011Q1-2020Q3.csv"
    rows, years = expected(relative)
    observations, problems, stats = read("rpw", DATA / relative)
    assert problems == [] and stats.rows == rows
    assert year_span(observations) == years
    assert len(observations) == _wide_cells(DATA / relative, 6, skip_until="Sending Countries Name")
    assert stats.skipped == {"footer": 2}  # + 3 blank lines: the "5 trailing footer lines"


# --- UN DESA -----------------------------------------------------------------------


def test_desa_stock_csv():
    relative = "undesa-ims/ims2020_table1_stock_by_sex_and_destination.csv"
    rows, years = expected(relative)
    observations, problems, stats = read("desa-stock", DATA / relative, options={"aggregates": "name"})
    assert problems == [] and stats.rows == rows
    assert year_span(observations) == years
    # 283 rows × 21 year columns, less the cells written ".."; the duplicates are
    # aggregates listed twice under one name (e.g. a region in two groupings)
    cells = _wide_cells(DATA / relative, 5, skip_until="index")
    assert len(observations) + stats.duplicates == cells


@pytest.mark.parametrize(
    "relative, header_rows, headings",
    [
        # Table 1 of the 2020 workbook: 294 rows, header on row 11 → 283 data rows
        ("undesa-ims/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx", 11, 0),
        # Table 1 of the 2019 workbook: 299 rows, header on rows 15–16 → 283 rows,
        # 4 of them group headings without a code ("UN development groups", …)
        ("undesa-ims/undesa_pd_2019_migrant_stock_total_dataset.xlsx", 16, 4),
    ],
)
def test_desa_stock_workbooks(relative, header_rows, headings):
    expected(relative)
    observations, problems, stats = read("desa-stock", DATA / relative)
    assert problems == []
    assert stats.rows == 283 - headings
    assert stats.skipped.get("heading", 0) == headings
    assert {o.series for o in observations} == {"SM.POP.TOTL"}
    assert year_span(observations)[0] == 1990
    csv_twin, _, _ = read("desa-stock", DATA / "undesa-ims" / "ims2020_table1_stock_by_sex_and_destination.csv")
    if "2020" in relative:
        assert [(o.area, o.period, o.dimensions, o.value) for o in observations] == [
            (o.area, o.period, o.dimensions, o.value) for o in csv_twin
        ]


def test_desa_matrix():
    relative = "undesa-ims/UN_MigrantStockByOriginAndDestination_2019_clean.csv"
    rows, years = expected(relative)
    observations, problems, stats = read("desa-matrix", DATA / relative)
    assert problems == [] and stats.rows == rows
    assert year_span(observations) == years
    # Abel wrote missing as 0: only the non-zero cells are observations
    assert len(observations) == _wide_cells(DATA / relative, 2, skip_until="Year", zero_is_missing=True)


# --- UNHCR -------------------------------------------------------------------------


@pytest.mark.parametrize("relative", ["unhcr/unhcr_population.csv", "unhcr/unhcr_flows.csv", "unhcr/unhcr_solutions.csv"])
def test_unhcr(relative):
    rows, years = expected(relative)
    observations, problems, stats = read("unhcr", DATA / relative)
    assert problems == [] and stats.rows == rows
    assert year_span(observations) == years
    cells = 0
    skipped = 0
    with open(DATA / relative, encoding="utf-8", newline="") as fh:
        for record in csv.DictReader(fh):
            if record["coa_iso"] in ("UNK", "UKN"):  # asylum country unknown: not an area
                skipped += 1
                continue
            cells += sum(1 for key, value in list(record.items())[7:] if value != "")
    assert stats.skipped == {"non_area": skipped}
    assert len(observations) == cells


# --- IOM Missing Migrants ------------------------------------------------------------


@pytest.mark.parametrize("relative", files(r"iom-missing-migrants/.*\.csv"))
def test_missing_migrants(relative):
    rows, years = expected(relative)
    incidents, problems, stats = read("missing-migrants", DATA / relative, options={"mode": "incidents"})
    assert problems == [] and stats.rows == rows == len(incidents)  # every incident has a total
    assert year_span(incidents) == years
    totals, problems, _ = read("missing-migrants", DATA / relative)
    world = [o for o in totals if o.area == "001"]
    assert [o.year for o in world] == list(range(years[0], years[1] + 1))  # one World total a year
    assert sum(o.value for o in world) == sum(o.value for o in incidents)
    if relative.endswith("2015.csv"):
        assert any(o.value == 1022 for o in incidents)  # the "1,022" of PROVENANCE
