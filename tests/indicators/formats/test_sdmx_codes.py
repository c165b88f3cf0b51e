"""Stored units, natures and areas → the SDG DSD's codes (CL_UNIT_MEASURE, CL_NATURE, CL_AREA)."""

import pytest

from gcmhub.indicators.formats.codes import nature_code, sdmx_area_code, unit_measure_code


@pytest.mark.parametrize(
    ("unit", "code"),
    [("PERCENT", "PT"), ("Percentage (%)", "PT"), ("%", "PT"), ("PT", "PT"), ("Number", "NUMBER"),
     ("NUMBER", "NUMBER"), ("per 100,000 population", "PER_100000_POP"), ("USD", "USD"),
     ("Score (1-4)", "Score (1-4)"), ("", "")],
)  # fmt: skip
def test_units(unit, code):
    assert unit_measure_code(unit) == code


@pytest.mark.parametrize(
    ("nature", "code"),
    [("C", "C"), ("ca", "CA"), ("Country data", "C"), ("Modelled", "M"), ("NOTSPEC", "_X"), ("odd", "odd"),
     ("Country Adjusted", "CA"), ("Country data, adjusted", "CA"), ("Modeled", "M"), ("Non-relevant", "N")],
)
def test_natures(nature, code):
    assert nature_code(nature) == code


def test_areas_lose_their_leading_zeros():
    assert [sdmx_area_code(m49) for m49 in ("001", "004", "404", "X01")] == ["1", "4", "404", "X01"]
