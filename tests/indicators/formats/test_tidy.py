import shutil

import pytest

from gcmhub.indicators.formats import FormatError, tidy

from .helpers import FIXTURES, by_line, collect, write_xlsx


def test_mapping_beside_the_file():
    observations, problems, stats = collect(tidy, FIXTURES / "tidy.csv")
    rows = by_line(observations)
    assert (rows[2].series, rows[2].indicator, rows[2].area, rows[2].area_scheme, rows[2].unit) == (
        "SL_EMP_FTLINJUR", "8.8.1", "KEN", "iso3", "PER_100000_EMP",
    )  # fmt: skip
    assert rows[2].dimensions == (("AGE", "Y15T24"), ("SEX", "F"))
    assert rows[3].dimensions == (("SEX", "M"),) and rows[3].footnote == "estimate"
    assert rows[4].value == 1234.5 and rows[4].dimensions == ()
    assert rows[5].value is None and rows[6].value is None and rows[7].value is None  # NA, .., -
    assert rows[6].period == "2020-Q3" and rows[6].dimensions == ()  # _T is the total
    assert rows[9].value == 7.0
    assert stats.duplicates == 1  # line 10 repeats line 9
    reasons = {(p.line, p.column): p.reason for p in problems}
    assert reasons[(8, "value")] == "'abc' is not a number"
    assert "line 9" in reasons[(11, None)]  # 8 after 7 for the same key
    assert reasons[(12, "country")] == "the area is blank"
    assert reasons[(13, "year")] == "'twenty' is not a year or period"
    assert stats.rows == 12


def test_mapping_as_dict_with_default_area_and_constant_series(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("Année;Valeur;Sexe\n2019;1,5;Femmes\n2020;2,5;\n", encoding="utf-8")
    mapping = {"period": "Année", "value": "Valeur", "series": "SI_RMT_COST", "decimal": ",",
               "dimensions": {"SEX": "Sexe"}}  # fmt: skip
    observations, problems, _ = collect(tidy, path, default_area="KEN", options={"mapping": mapping})
    assert problems == []
    assert [(o.area, o.area_scheme, o.series, o.value, o.dimensions) for o in observations] == [
        ("KEN", "default", "SI_RMT_COST", 1.5, (("SEX", "F"),)),
        ("KEN", "default", "SI_RMT_COST", 2.5, ()),
    ]


def test_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", {
        "Notes": [["read me"]],
        "Data": [["Country", "Year", "Value", "Sex"], [404, 2019, 3.5, "Female"], [404, 2020, "n/a", None],
                 [404, 2021, "oops", None]],
    })  # fmt: skip
    mapping = {"area": "Country", "area_scheme": "m49", "period": "Year", "value": "Value", "series": "X",
               "dimensions": {"SEX": "Sex"}, "sheet": "Data"}  # fmt: skip
    observations, problems, _ = collect(tidy, path, options={"mapping": mapping})
    assert [(o.area, o.period, o.value, o.dimensions, o.line) for o in observations] == [
        ("404", "2019", 3.5, (("SEX", "F"),), "Data!2"), ("404", "2020", None, (), "Data!3"),
    ]
    (problem,) = problems
    assert (problem.line, problem.column) == ("Data!4", "Value")


def test_mapping_errors(tmp_path):
    shutil.copy(FIXTURES / "tidy.csv", tmp_path / "t.csv")
    with pytest.raises(FormatError, match="needs a mapping"):
        collect(tidy, tmp_path / "t.csv")
    with pytest.raises(FormatError, match="unknown mapping key"):
        collect(tidy, tmp_path / "t.csv", options={"mapping": {"period": "year", "value": "value",
                                                                 "series": "S", "colour": "red"}})  # fmt: skip
    with pytest.raises(FormatError) as error:
        collect(tidy, tmp_path / "t.csv", options={"mapping": {"area": "land", "period": "year", "value": "value",
                                                                 "series": "S"}})  # fmt: skip
    assert error.value.column == "land" and "required column 'land' is missing" in str(error.value)
    bad = tmp_path / "bad.yml"
    bad.write_text("period: [year\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not valid YAML"):
        collect(tidy, tmp_path / "t.csv", options={"mapping": str(bad)})


def test_no_duplicate_check_option():
    _, problems, stats = collect(tidy, FIXTURES / "tidy.csv", options={"check_duplicates": False})
    assert stats.duplicates == 0
    assert not any("repeats" in p.reason for p in problems)
