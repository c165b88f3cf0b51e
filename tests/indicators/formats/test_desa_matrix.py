from gcmhub.indicators.formats import desa_matrix

from .helpers import FIXTURES, collect, write_xlsx


def test_clean_matrix_csv():
    observations, problems, _ = collect(desa_matrix, FIXTURES / "desa_matrix_clean.csv")
    assert problems == []
    assert [(o.area, o.area_scheme, o.dimensions, o.period, o.value) for o in observations] == [
        ("Kenya", "m49name", (("COUNTERPART_AREA", "Uganda"),), "1990", 12500.0),
        ("Uganda", "m49name", (("COUNTERPART_AREA", "Kenya"),), "1990", 30000.0),
        ("Kenya", "m49name", (("COUNTERPART_AREA", "Afghanistan"),), "2019", 5.0),
    ]  # zeros and .. are missing in this file
    assert {o.series for o in observations} == {"SM.POP.TOTL"}


def test_official_wide_workbook(tmp_path):
    path = write_xlsx(tmp_path / "bilateral2019.xlsx", {
        "Table 2": [
            [None, None, None, None, "Table 2 - International migrant stock at mid-year by sex (males) and by "
                                     "major area, region, country or area of destination and origin, 1990-2019"],
            ["Year", "Sort\norder", "Major area, region, country or area of destination", "Notes", "Code",
             "Type of data (a)", "Total", "Other North", "Other South", "Kenya", "Uganda"],
            [1990, 1, "WORLD", None, 900, None, 77000000, 10, 20, 300, 400],
            [1990, 2, "Eastern Africa", None, 910, None, 5, 1, 1, 1, 1],
            [1990, 3, "Kenya", None, 404, "B R", 90000, "..", 5, None, 1200],
        ],
    })  # fmt: skip
    observations, problems, stats = collect(desa_matrix, path, options={"sheet": "Table 2"})
    assert problems == []
    kenya = [(o.area, o.area_scheme, o.dimensions, o.value) for o in observations if o.area == "Kenya"]
    assert kenya == [
        ("Kenya", "name", (("SEX", "M"),), 90000.0),  # Total: no counterpart
        ("Kenya", "name", (("COUNTERPART_AREA", "Other South"), ("SEX", "M")), 5.0),
        ("Kenya", "name", (("COUNTERPART_AREA", "Uganda"), ("SEX", "M")), 1200.0),
    ]
    assert ("001", "m49") in {(o.area, o.area_scheme) for o in observations}
    assert stats.skipped == {"aggregate": 1}


def test_official_long_workbook(tmp_path):
    path = write_xlsx(tmp_path / "bilateral2020.xlsx", {
        "Table 1": [
            [None, "Table 1: International migrant stock at mid-year by sex and by region, country or area of "
                   "destination and origin, 1990-2020"],
            [None, None, None, None, None, None, None, "Both sexes combined", None, "Males", None, "Females", None],
            [None, "Region, development group, country or area of destination", "Notes of destination",
             "Location code of destination", "Type of data of destination",
             "Region, development group, country or area of origin", "Location code of origin",
             1990, 2020, 1990, 2020, 1990, 2020],
            [1, "Kenya", None, 404, "B R", "WORLD", 900, 162999, 1050147, 80000, 537200, 82999, 512947],
            [2, "Kenya", None, 404, "B R", "Eastern Africa", 910, 1, 1, 1, 1, 1, 1],
            [3, "Kenya", None, 404, "B R", "Uganda", 800, 100, 200, None, None, 40, ".."],
        ],
    })  # fmt: skip
    observations, problems, stats = collect(desa_matrix, path)
    assert problems == []
    assert [(o.area, o.dimensions, o.period, o.value) for o in observations if o.line == "Table 1!6"] == [
        ("404", (("COUNTERPART_AREA", "800"),), "1990", 100.0),
        ("404", (("COUNTERPART_AREA", "800"),), "2020", 200.0),
        ("404", (("COUNTERPART_AREA", "800"), ("SEX", "F")), "1990", 40.0),
    ]
    headline = [o for o in observations if o.line == "Table 1!4"]
    assert headline[0].dimensions == () and headline[0].area_scheme == "m49"
    assert stats.skipped == {"aggregate_origin": 1}
