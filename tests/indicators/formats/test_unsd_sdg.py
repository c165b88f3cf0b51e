from gcmhub.indicators.formats import unsd_sdg

from .helpers import FIXTURES, by_line, collect


def test_api_csv():
    observations, problems, stats = collect(unsd_sdg, FIXTURES / "unsd_api.csv")
    rows = by_line(observations)
    total = rows[2]
    assert (total.series, total.indicator, total.area, total.area_scheme) == ("SL_EMP_FTLINJUR", "8.8.1", "470", "m49")
    assert (total.period, total.value, total.dimensions) == ("2018", 3.91, ())
    assert (total.unit, total.nature, total.source) == ("PER_100000_EMP", "C", "Eurostat")
    assert total.series_name == "Fatal occupational injuries among employees"
    assert rows[3].dimensions == (("AGE", "Y_GE15"), ("COMPOSITE_BREAKDOWN", "MS_MIGRANT"))
    assert rows[3].footnote == "Provisional"
    assert rows[4].dimensions == (("COMPOSITE_BREAKDOWN", "MS_NOMIGRANT"), ("SEX", "F"))
    assert rows[4].value == 0.0
    assert rows[5].value is None  # NaN
    assert rows[6].value is None and rows[6].area == "4"  # UNSD's N; area as written
    assert rows[6].dimensions == (("SEX", "M"),)  # Reporting Type N is ordinary
    (problem,) = problems
    assert (problem.line, problem.column) == (7, "Value")
    assert "censored" in problem.reason
    assert stats.rows == 6


def test_api_policy_domains_in_brackets():
    observations, problems, _ = collect(unsd_sdg, FIXTURES / "unsd_api_policy.csv")
    assert problems == []
    assert [o.dimensions for o in observations] == [
        (), (("COMPOSITE_BREAKDOWN", "PD_1"),), (("COMPOSITE_BREAKDOWN", "PD_6"),),
    ]  # fmt: skip
    assert {o.indicator for o in observations} == {"10.7.2"}


def test_ddf_layout():
    path = FIXTURES / "ddf--datapoints--sg_cpa_migrs--by--geo_area--nature--policy_domains--units--year.csv"
    observations, problems, stats = collect(unsd_sdg, path)
    assert problems == []
    first = observations[0]
    assert (first.series, first.indicator, first.area, first.unit, first.nature) == (
        "SG_CPA_MIGRS", "10.7.2", "8", "NUMBER", "C",
    )  # fmt: skip
    assert first.series_name.startswith("Countries with migration policies")
    assert first.dimensions == ()
    assert observations[1].dimensions == (("COMPOSITE_BREAKDOWN", "PD_1"),)
    assert [o.value for o in observations[3:]] == [None, None]  # N and ..
    assert stats.missing == 2
