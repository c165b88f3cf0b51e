from gcmhub.indicators.formats import desa_stock

from .helpers import FIXTURES, collect, write_xlsx


def test_flat_csv():
    observations, problems, stats = collect(desa_stock, FIXTURES / "desa_stock_flat.csv")
    found = {(o.area, o.period, o.dimensions): o.value for o in observations}
    assert found[("001", "1990", ())] == 152986157.0  # WORLD (900) is M49 001
    assert found[("404", "1990", ())] == 162999.0  # "162,999"
    assert ("404", "1990", (("SEX", "M"),)) not in found  # ..
    assert found[("404", "1990", (("SEX", "F"),))] == 80000.0
    assert found[("772", "2020", (("SEX", "M"),))] == 600.0
    assert ("772", "1990", (("SEX", "M"),)) not in found  # -
    assert all(o.area != "947" for o in observations)
    assert stats.skipped == {"aggregate": 1}
    kenya = next(o for o in observations if o.area == "404")
    assert (kenya.series, kenya.unit, kenya.footnote, kenya.series_name) == (
        "SM.POP.TOTL", "NUMBER", "type of data: B R", "International migrant stock at mid-year",
    )  # fmt: skip  (the series' description, not the area's name)
    (problem,) = problems
    assert problem.line == 6 and "999x" in problem.reason


def test_aggregates_by_name():
    observations, _, _ = collect(desa_stock, FIXTURES / "desa_stock_flat.csv", options={"aggregates": "name"})
    assert ("Sub-Saharan Africa", "name") in {(o.area, o.area_scheme) for o in observations}


def _workbook_2020(path):
    return write_xlsx(path, {
        "Table of contents": [["International Migrant Stock 2020: Destination"]],
        "Table 1": [
            [None, None, None, None, "International Migrant Stock 2020: Destination"],
            [None, None, None, None, "Table 1: International migrant stock at mid-year by sex and by region, "
                                     "country or area of destination, 1990-2020"],
            [],
            [None, None, None, None, None, "International migrant stock at mid-year, both sexes combined", None,
             "International migrant stock at mid-year, males", None,
             "International migrant stock at mid-year, females", None],
            [None, "Region, development group, country or area", "Notes", "Location code", "Type of data",
             1990, 2020, 1990, 2020, 1990, 2020],
            [1, "WORLD", None, 900, "", 152986157, 280598105, 77563467, 145655844, 75422690, 134942261],
            [2, "  Sub-Saharan Africa", None, 947, "", 1, 2, 3, 4, 5, 6],
            [3, "   Kenya", None, 404, "B R", 162999, 1050147, "..", 537200, 80000, 512947],
        ],
    })  # fmt: skip


def test_official_2020_layout(tmp_path):
    observations, problems, stats = collect(desa_stock, _workbook_2020(tmp_path / "ims2020.xlsx"))
    assert problems == []
    kenya = [(o.period, o.dimensions, o.value, o.line) for o in observations if o.area == "404"]
    assert kenya == [
        ("1990", (), 162999.0, "Table 1!8"),
        ("2020", (), 1050147.0, "Table 1!8"),
        ("2020", (("SEX", "M"),), 537200.0, "Table 1!8"),
        ("1990", (("SEX", "F"),), 80000.0, "Table 1!8"),
        ("2020", (("SEX", "F"),), 512947.0, "Table 1!8"),
    ]
    assert stats.skipped == {"aggregate": 1}


def test_official_2019_layout_with_two_header_rows(tmp_path):
    path = write_xlsx(tmp_path / "ims2019.xlsx", {
        "Table 3": [
            [None, None, None, None, "Table 3 -  International migrant stock as a percentage of the total "
                                     "population by sex and by major area, region, country or area, 1990-2019"],
            ["Sort\norder", "Major area, region, country or area of destination", "Notes", "Code",
             "Type of data (a)", "International migrant stock as a percentage of the total population (both sexes)",
             None, "International migrant stock as a percentage of the total population (male)", None],
            [None, None, None, None, None, 1990, 2019, 1990, 2019],
            [1, "WORLD", None, 900, None, 2.9, 3.5, 2.9, 3.6],
            [2, "UN development groups", None, None, None, "..", "..", "..", ".."],
            [3, "Kenya", None, 404, "B R", 0.7, 1.9, "..", 2.0],
        ],
    })  # fmt: skip
    observations, problems, stats = collect(desa_stock, path, options={"sheet": "Table 3"})
    assert problems == []
    assert {o.series for o in observations} == {"SM.POP.TOTL.ZS"}
    assert [(o.area, o.period, o.dimensions, o.value) for o in observations if o.area == "404"] == [
        ("404", "1990", (), 0.7), ("404", "2019", (), 1.9), ("404", "2019", (("SEX", "M"),), 2.0),
    ]  # fmt: skip
    assert stats.skipped == {"heading": 1}


def test_series_name_is_the_tables_label_not_an_area(tmp_path):
    observations, _, _ = collect(desa_stock, _workbook_2020(tmp_path / "ims2020.xlsx"))
    assert {o.series_name for o in observations} == {"International migrant stock at mid-year"}
    observations, _, _ = collect(
        desa_stock, _workbook_2020(tmp_path / "ims2020b.xlsx"), options={"series": "MY_STOCK"}
    )
    assert {o.series_name for o in observations} == {
        "International migrant stock at mid-year by sex and by region, country or area of destination, 1990-2020"
    }
