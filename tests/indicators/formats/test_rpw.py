from gcmhub.indicators.formats import rpw

from .helpers import FIXTURES, collect


def test_corridor_export():
    observations, problems, stats = collect(rpw, FIXTURES / "rpw_corridors.csv")
    assert [(o.area, o.dimensions, o.period, o.value) for o in observations] == [
        ("MLT", (("COUNTERPART_AREA", "KEN"),), "2019-Q2", 5.25),
        ("MLT", (("COUNTERPART_AREA", "KEN"),), "2019-Q3", -1.5),  # negative, read as written
        ("GBR", (("COUNTERPART_AREA", "KEN"),), "2019-Q1", 7.1),
    ]
    first = observations[0]
    assert (first.series, first.indicator, first.area_scheme, first.unit) == ("ATCR.CORR", "10.c.1", "iso3", "PERCENT")
    assert first.series_name == "Average Total Cost to remit in corridor"
    (problem,) = problems
    assert (problem.line, problem.column, problem.reason) == (3, "2019Q3 [YR2019Q3]", "'cheap' is not a number")
    assert stats.skipped == {"footer": 2} and stats.rows == 2
