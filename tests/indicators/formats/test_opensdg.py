import shutil

import pytest

from gcmhub.indicators.formats import FormatError, opensdg

from .helpers import FIXTURES, by_line, collect

REPO = FIXTURES / "opensdg"
DATA = REPO / "data"


def test_policy_domains_bom_quotes_and_metadata():
    observations, problems, stats = collect(opensdg, DATA / "indicator_10-7-2.csv", default_area="KEN")
    assert problems == []
    rows = by_line(observations)
    headline = rows[2]
    assert (headline.series, headline.indicator, headline.area, headline.area_scheme) == (
        "OSDG_10_7_2", "10.7.2", "KEN", "default",
    )  # fmt: skip
    assert (headline.period, headline.year, headline.value, headline.dimensions) == ("2019", 2019, 3.0, ())
    assert headline.unit == "Score (1-4)"
    assert headline.source == "Ministry of Interior"
    assert headline.series_name == "global_indicators.10-7-2-title"  # translation keys kept as written
    domains = [rows[line].dimensions for line in range(3, 9)]
    assert domains == [(("COMPOSITE_BREAKDOWN", f"PD_{n}"),) for n in range(1, 7)]
    assert rows[9].value is None  # NA
    assert stats.rows == 8 and stats.missing == 1


def test_series_units_selectors_and_attributes():
    observations, problems, _ = collect(opensdg, DATA / "indicator_8-8-1.csv", default_area="MLT")
    assert problems == []
    rows = by_line(observations)
    assert rows[2].series == "OSDG_8_8_1_FATAL_OCCUPATIONAL_INJURIES"
    assert rows[2].indicator == "8.8.1"  # from the SDMX-style YAML text
    assert rows[2].series_name == "Fatal occupational injuries"
    assert (rows[2].obs_status, rows[2].unit_mult, rows[2].unit) == ("A", 0, "Per 100000 workers")
    assert rows[3].dimensions == (("SEX", "F"),)
    assert rows[4].dimensions == (("COMPOSITE_BREAKDOWN", "MS_MIGRANT"), ("SEX", "M"))
    assert rows[4].value == 6.25 and rows[4].obs_status == "E"
    assert rows[5].dimensions == (("COMPOSITE_BREAKDOWN", "MS_NOMIGRANT"),)  # "Both sexes" is the total
    # one series in two units: the unit becomes part of the code
    assert rows[6].series == "OSDG_8_8_1_NON_FATAL_OCCUPATIONAL_INJURIES_NUMBER"
    assert rows[6].value == 1250.0 and rows[6].unit_mult == 3
    assert rows[7].series == "OSDG_8_8_1_NON_FATAL_OCCUPATIONAL_INJURIES_PER_100000_WORKERS"
    # every missing-value marker
    assert [rows[line].value for line in (8, 9, 10, 11)] == [None, None, None, None]
    assert rows[8].obs_status == "P"


def test_blank_header_geocode_and_duplicates():
    observations, problems, stats = collect(opensdg, DATA / "indicator_10-7-4.csv", default_area="MDA")
    rows = by_line(observations)
    assert stats.duplicates == 1  # line 4 repeats line 3 with the same value
    assert len(problems) == 1
    assert problems[0].line == 6 and "line 5" in problems[0].reason
    assert rows[7].dimensions == (("COLUMN_2", "Refugees"),)
    assert (rows[8].area, rows[8].area_scheme) == ("404", "m49")
    assert rows[2].indicator == "10.7.4"  # from the id: the metadata file beside it is broken
    assert any("10-7-4.md" in w and "ignored" in w for w in stats.warnings)


def test_periods_problem_and_translation_keys():
    observations, problems, _ = collect(opensdg, DATA / "indicator_10-c-1.csv", default_area="KOR")
    assert [(o.period, o.year, o.value) for o in observations] == [
        ("2013-Q1", 2013, 7.96), ("2000/2001", 2000, 1022.0), ("1980/1990", 1980, 3.0),
    ]  # fmt: skip
    assert observations[0].dimensions == (("data.Payment", "data.1_Yes"),)
    (problem,) = problems
    assert (problem.line, problem.column) == (3, "Value")
    assert str(problem).endswith("indicator_10-c-1.csv, line 3, column \"Value\": 'abc' is not a number")
    assert problem.raw_row == ("2013 Q2", "data.1_Yes", "abc")


def test_placeholder_rows_are_skipped():
    observations, problems, stats = collect(opensdg, DATA / "indicator_10-7-1.csv", default_area="GBR")
    assert observations == [] and problems == []
    assert stats.skipped == {"placeholder": 1}


def test_header_only_file_alone_is_an_error():
    with pytest.raises(FormatError) as error:
        collect(opensdg, DATA / "indicator_10-7-3.csv", default_area="ARM")
    assert "indicator_10-7-3.csv" in str(error.value) and "no data rows" in str(error.value)


def test_folder_reads_every_file_and_skips_header_only_ones():
    observations, problems, stats = collect(opensdg, REPO, default_area="KEN")
    assert {o.series.split("_")[1] for o in observations} == {"10", "8"}
    assert stats.skipped["empty_file"] == 1
    assert stats.skipped["placeholder"] == 1
    assert len(problems) == 2  # the duplicate in 10-7-4 and 'abc' in 10-c-1


def test_series_options(tmp_path):
    target = tmp_path / "indicator_10-7-2.csv"
    shutil.copy(DATA / "indicator_10-7-2.csv", target)
    observations, _, _ = collect(opensdg, target, default_area="KEN", options={"series": "SG_CPA_MIGRS"})
    assert {o.series for o in observations} == {"SG_CPA_MIGRS"}
    assert observations[0].indicator == "10.7.2"  # from the id: no metadata beside the copy


def test_area_is_required():
    with pytest.raises(FormatError, match="default area"):
        collect(opensdg, DATA / "indicator_10-7-2.csv")


def test_derived_series_codes_are_bounded():
    code = opensdg.derived_series("8-8-2", "Level of national compliance with labour rights " * 3)
    assert len(code) <= 64 and code.startswith("OSDG_8_8_2_LEVEL_OF_NATIONAL")
    assert opensdg.derived_series("10-7-4", None, "%") == "OSDG_10_7_4_PERCENT"
