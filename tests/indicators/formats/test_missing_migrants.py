from gcmhub.indicators.formats import missing_migrants

from .helpers import FIXTURES, collect


def test_current_layout_aggregated():
    observations, problems, stats = collect(missing_migrants, FIXTURES / "missing_migrants_current.csv")
    found = {(o.area, o.area_scheme, o.period): (o.value, o.line) for o in observations}
    assert found == {
        ("001", "m49", "2015"): (1 + 1022 + 2 + 3, 2),  # every incident, "1,022" included
        ("Eastern Africa", "name", "2015"): (3, 2),
        ("Middle Africa", "name", "2015"): (3, 5),  # MMP's "Central Africa"; total blank: dead + missing
    }
    assert {(o.series, o.indicator, o.dimensions) for o in observations} == {("SM_DTH_MIGR", "10.7.3", ())}
    assert [(p.line, p.column) for p in problems] == [(6, "Total Number of Dead and Missing"), (7, "Total Number of Dead and Missing")]
    assert "no number of dead or missing" in problems[0].reason
    assert "'many' is not a number" in problems[1].reason
    assert stats.rows == 6


def test_older_layout_incidents():
    observations, problems, _ = collect(
        missing_migrants, FIXTURES / "missing_migrants_old.csv", options={"mode": "incidents"}
    )
    assert problems == []
    assert [(o.area, o.period, o.value, o.dimensions) for o in observations] == [
        ("Central America", "2021-03-23", 1.0, (("INCIDENT", "54878"),)),
        ("001", "2021-03-21", 1.0, (("INCIDENT", "54875"),)),  # Uncategorized
        ("Southern Asia", "2019-06-02", 3.0, (("INCIDENT", "41000"),)),
    ]
    assert observations[0].footnote == "Playas de Tijuana, Mexico"


def test_older_layout_aggregated_years():
    observations, _, _ = collect(missing_migrants, FIXTURES / "missing_migrants_old.csv")
    assert [(o.area, o.period, o.value) for o in observations] == [
        ("001", "2019", 3.0), ("Southern Asia", "2019", 3.0), ("001", "2021", 2.0), ("Central America", "2021", 1.0),
    ]  # fmt: skip
