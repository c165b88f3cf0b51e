"""The shared pieces: code table, numbers, periods, the repeat index, the record."""

import dataclasses

import pytest

from gcmhub.indicators.formats import Observation, UnknownFormat, get_reader
from gcmhub.indicators.formats.codes import dimension_for, obs_status_code, unit_multiplier
from gcmhub.indicators.formats.duplicates import NEW, SAME, LineIndex
from gcmhub.indicators.formats.periods import parse_period
from gcmhub.indicators.formats.values import parse_number


@pytest.mark.parametrize(
    "column, label, expected",
    [
        ("Sex", "Female", ("SEX", "F")),
        ("Sex", "Both sexes", None),
        ("sex", "bothsex", None),
        ("Sex", "Femmes", ("SEX", "F")),
        ("Sex", "Intersex", ("Sex", "Intersex")),
        ("Age", "aged 18-44 years", ("AGE", "Y18T44")),
        ("Age", "65 and older", ("AGE", "Y_GE65")),
        ("Age", "Under 18", ("AGE", "Y_LT18")),
        ("Age", "Age not known", ("AGE", "_U")),  # UK 16.2.2: one AGE column on export, not AGE and "Age"
        ("age", "15_24", ("AGE", "Y15T24")),
        ("Migratory Status", "Non-Migrant", ("COMPOSITE_BREAKDOWN", "MS_NOMIGRANT")),
        ("migratory_status", "eumig", ("COMPOSITE_BREAKDOWN", "MS_EUMIGRANT")),
        ("Policy areas", "Safe, orderly and regular migration ", ("COMPOSITE_BREAKDOWN", "PD_6")),
        ("Policy Domains", "Whole-of-government/ Evidence-based policies (Domain 2)", ("COMPOSITE_BREAKDOWN", "PD_2")),
        ("Policy Domains", "All Domains", None),
        ("Location", "RURAL", ("URBANISATION", "R")),
        ("Fatal accidents, by sex", "Total", ("Fatal accidents, by sex", "Total")),
        ("SEX", "_T", None),
        ("Reporting Type", "N", None),
        ("data.Payment", "data.1_Yes", ("data.Payment", "data.1_Yes")),
    ],
)
def test_dimension_codes(column, label, expected):
    assert dimension_for(column, label) == expected


def test_attribute_codes():
    assert [unit_multiplier(x) for x in ("Units", "Thousands", "6", "", None)] == [0, 3, 6, None, None]
    with pytest.raises(ValueError):
        unit_multiplier("lots")
    assert [obs_status_code(x) for x in ("Normal Value", "Estimated value", "odd", "")] == ["A", "E", "odd", None]
    # CL_OBS_STATUS: "Missing value" is O; M is "missing value; data cannot exist".
    assert [obs_status_code(x) for x in ("Missing value", "Missing value; data cannot exist", "Not significant")] == [
        "O", "M", "N"]  # fmt: skip


def test_every_coded_attribute_reads_back_from_its_name():
    """Readers and pages share one code list: a file that writes a code's name gets the code."""
    from gcmhub.indicators.formats.codes import NATURE_NAMES, OBS_STATUS_NAMES, nature_code

    assert {code: obs_status_code(name) for code, name in OBS_STATUS_NAMES.items()} == {c: c for c in OBS_STATUS_NAMES}
    assert {code: nature_code(name) for code, name in NATURE_NAMES.items()} == {c: c for c in NATURE_NAMES}


@pytest.mark.parametrize(
    "text, expected",
    [("", None), ("NA", None), ("n/a", None), ("..", None), ("-", None), ("–", None), ("NaN", None),
     ("1,022", 1022.0), ('"1,022"', 1022.0), ("1 022", 1022.0), ("12,345,678.5", 12345678.5),
     (" 0.5117 ", 0.5117), ("-3e2", -300.0)],
)  # fmt: skip
def test_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,5", "<0.1", "inf", "1_000", "12%"])
def test_not_numbers(text):
    with pytest.raises(ValueError, match="not a"):
        parse_number(text)


@pytest.mark.parametrize(
    "text, expected",
    [("2019", ("2019", 2019)), ("2013 Q1", ("2013-Q1", 2013)), ("2011Q1 [YR2011Q1]", ("2011-Q1", 2011)),
     ("2015-16", ("2015/2016", 2015)), ("1999-00", ("1999/2000", 1999)), ("1980 to 1990", ("1980/1990", 1980)),
     ("2021/22 [Note 5]", ("2021/2022", 2021)), ("2019-07", ("2019-07", 2019)), (2019.0, ("2019", 2019))],
)  # fmt: skip
def test_periods(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["There is no data for this indicator yet", "2019-13", "20199", ""])
def test_not_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_line_index_grows_and_remembers():
    index = LineIndex()
    for line in range(1, 5000):
        assert index.add(hash(("S", str(line))), hash(1.0), line) == NEW
    assert index.add(hash(("S", "17")), hash(1.0), 9000) == SAME
    assert index.add(hash(("S", "17")), hash(2.0), 9001) == 17


def test_observation_is_a_frozen_dataclass():
    obs = Observation("S", None, "KEN", "iso3", "2019", 2019, 1.0, line=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        obs.value = 2.0
    assert dataclasses.replace(obs, value=2.0).value == 2.0
    assert obs.key == ("S", "KEN", "2019", ())
    assert type(obs) is Observation and obs == Observation("S", None, "KEN", "iso3", "2019", 2019, 1.0, line=3)


def test_get_reader():
    assert get_reader("Missing_Migrants").FORMAT == "missing-migrants"
    with pytest.raises(UnknownFormat, match="valid formats are: desa-matrix, desa-stock"):
        get_reader("xls")
