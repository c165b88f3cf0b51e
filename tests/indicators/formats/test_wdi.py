import pytest

from gcmhub.indicators.formats import FormatError, wdi

from .helpers import FIXTURES, collect, write_xlsx


def test_api_csv_with_preamble_bom_and_trailing_commas():
    observations, problems, stats = collect(wdi, FIXTURES / "wdi_api.csv")
    found = {(o.area, o.area_scheme, o.period): o.value for o in observations}
    assert found == {
        ("ABW", "iso3", "1960"): 0.0,
        ("ABW", "iso3", "1961"): -569.0,
        ("KEN", "iso3", "1960"): 1500.0,  # "1,500"
        ("KEN", "iso3", "1963"): -2000.5,  # the dash and NA between them are missing
        ("001", "m49", "1960"): 0.0,  # WLD is the World
        ("001", "m49", "1961"): 0.0,
        ("TCD", "iso3", "1960"): 12.0,
    }
    assert {o.series for o in observations} == {"SM.POP.NETM"}
    assert observations[0].series_name == "Net migration"
    assert stats.skipped == {"aggregate": 1}
    (problem,) = problems
    assert (problem.line, problem.column, problem.reason) == (10, "1961", "'lots' is not a number")


def test_keep_aggregates_and_missing():
    observations, _, _ = collect(wdi, FIXTURES / "wdi_api.csv", options={"aggregates": "keep", "keep_missing": True})
    assert ("SSF", "1960") in {(o.area, o.period) for o in observations}
    assert any(o.value is None for o in observations)


def test_databank_export_with_footer():
    observations, problems, stats = collect(wdi, FIXTURES / "wdi_databank.csv")
    assert problems == []
    assert [(o.area, o.period, o.value) for o in observations] == [
        ("KEN", "2019", 2835000000.0), ("KEN", "2020", 3094000000.0), ("MLT", "2020", 249000000.0),
    ]  # fmt: skip
    assert stats.skipped == {"footer": 2}


def test_knomad_table():
    observations, problems, _ = collect(wdi, FIXTURES / "knomad.csv")
    assert problems == []
    assert [(o.area, o.area_scheme, o.period, o.value, o.obs_status) for o in observations] == [
        ("Kenya", "name", "2015", 1569.5, None),
        ("Kenya", "name", "2016", 1573.7, None),
        ("Kenya", "name", "2017", 1800.0, "F"),  # 2017p is a projection
        ("001", "m49", "2015", 582000.0, None),
        ("001", "m49", "2016", 573000.0, None),
        ("001", "m49", "2017", 613000.0, "F"),
    ]  # Tuvalu's zeros stand for "no data"
    assert {(o.series, o.unit, o.unit_mult) for o in observations} == {("KNOMAD_REMIT_INFLOWS", "USD", 6)}


def test_excel_download(tmp_path):
    path = write_xlsx(tmp_path / "API_X.xlsx", {
        "Data": [
            ["Data Source", "World Development Indicators"],
            ["Last Updated Date", "2023-10-26"],
            [],
            ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "1990", "1991"],
            ["Kenya", "KEN", "Refugee population by country or territory of origin", "SM.POP.REFG.OR", 5000, None],
            ["Uganda", "UGA", "Refugee population by country or territory of origin", "SM.POP.REFG.OR", "x", 12],
        ],
        "Metadata - Countries": [["Country Code", "Region"]],
    })  # fmt: skip
    observations, problems, _ = collect(wdi, path)
    assert [(o.area, o.period, o.value, o.line) for o in observations] == [
        ("KEN", "1990", 5000.0, "Data!5"), ("UGA", "1991", 12.0, "Data!6"),
    ]  # fmt: skip
    (problem,) = problems
    assert (problem.line, problem.column) == ("Data!6", "1990")
    assert 'API_X.xlsx, row Data!6, column "1990"' in str(problem)


def test_no_header():
    with pytest.raises(FormatError, match="Country Code"):
        collect(wdi, FIXTURES / "tidy.csv")
