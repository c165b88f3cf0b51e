from gcmhub.indicators.formats import unhcr

from .helpers import FIXTURES, collect


def test_population_table():
    observations, problems, stats = collect(unhcr, FIXTURES / "unhcr_population.csv")
    found = {(o.series, o.area, o.dimensions): o.value for o in observations}
    somalia = (("COUNTERPART_AREA", "SOM"),)
    assert found[("UNHCR_POPULATION_REFUGEES", "KEN", somalia)] == 256186.0
    assert found[("UNHCR_POPULATION_ASYLUM_SEEKERS", "KEN", somalia)] == 10000.0
    assert found[("UNHCR_POPULATION_HST", "KEN", somalia)] == 0.0  # zeros are real
    assert ("UNHCR_POPULATION_OIP", "KEN", somalia) not in found  # blank is not yielded
    assert found[("UNHCR_POPULATION_REFUGEES", "KEN", (("COUNTERPART_AREA", "UNK"),))] == 1200.0
    assert found[("UNHCR_POPULATION_STATELESS", "KEN", (("COUNTERPART_AREA", "STA"),))] == 18500.0
    assert stats.skipped == {"non_area": 1}  # asylum country unknown
    assert {o.area_scheme for o in observations} == {"iso3"}
    (problem,) = problems
    assert (problem.line, problem.column) == (6, "asylum_seekers")


def test_by_origin_and_data_finder_columns():
    observations, problems, _ = collect(unhcr, FIXTURES / "unhcr_datafinder.csv", options={"area": "origin"})
    assert problems == []
    refugees = next(o for o in observations if o.series == "UNHCR_POPULATION_REFUGEES")
    assert (refugees.area, refugees.dimensions, refugees.value, refugees.period) == (
        "SYR", (("COUNTERPART_AREA", "DEU"),), 576955.0, "2022",
    )  # fmt: skip


def test_flows_table_name(tmp_path):
    path = tmp_path / "unhcr_flows.csv"
    path.write_text("year,coo_iso,coa_iso,refugees\n2020,SYR,DEU,12\n", encoding="utf-8")
    observations, _, _ = collect(unhcr, path)
    assert observations[0].series == "UNHCR_FLOWS_REFUGEES"
