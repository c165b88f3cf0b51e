from gcmhub.indicators.formats import sdmx

from .helpers import FIXTURES, by_line, collect


def test_sdmx_csv_1():
    observations, problems, _ = collect(sdmx, FIXTURES / "sdmx_v1.csv")
    rows = by_line(observations)
    assert (rows[2].series, rows[2].indicator, rows[2].area, rows[2].area_scheme) == (
        "SL_EMP_FTLINJUR", "8.8.1", "470", "m49",
    )  # fmt: skip
    assert rows[2].dimensions == ()  # _T everywhere, REPORTING_TYPE N, FREQ dropped
    assert (rows[2].unit, rows[2].unit_mult, rows[2].obs_status, rows[2].nature) == ("PER_100000_EMP", 0, "A", "C")
    assert rows[3].dimensions == (("COMPOSITE_BREAKDOWN", "MS_MIGRANT"), ("SEX", "F"))
    assert rows[3].footnote == "small sample"
    assert (rows[4].period, rows[4].value) == ("2019-Q3", None)
    (problem,) = problems
    assert (problem.line, problem.column, problem.reason) == (5, "OBS_VALUE", "'x1' is not a number")


def test_sdmx_csv_2_with_labels_and_delete_action():
    observations, problems, _ = collect(sdmx, FIXTURES / "sdmx_v2.csv")
    assert [(o.area, o.area_scheme, o.dimensions, o.value, o.unit) for o in observations] == [
        ("KEN", "iso3", (), 8.5, "PT"),
        ("KEN", "iso3", (("SEX", "F"),), 8.9, "PT"),
    ]
    (problem,) = problems
    assert problem.line == 4 and problem.column == "ACTION"


def test_sdmx_ml_generic():
    observations, problems, _ = collect(sdmx, FIXTURES / "sdmx_generic.xml")
    assert problems == []
    first, second = observations
    assert (first.series, first.area, first.period, first.value, first.unit, first.obs_status) == (
        "SI_RMT_COST", "404", "2019", 8.5, "PT", "A",
    )  # fmt: skip
    assert first.line == "obs 1"
    assert second.value is None  # NaN


def test_sdmx_ml_structure_specific():
    observations, problems, _ = collect(sdmx, FIXTURES / "sdmx_structure_specific.xml")
    assert problems == []
    assert observations[0].dimensions == (("COMPOSITE_BREAKDOWN", "MS_MIGRANT"), ("SEX", "F"))
    assert observations[0].unit == "PER_100000_EMP"  # a series attribute, known from the SDG DSD
    assert [o.value for o in observations] == [3.1, 2.9]
