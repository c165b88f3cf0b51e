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


def test_incident_details_refuse_the_rows_the_reader_refuses(tmp_path):
    """read_incident_details and read go through one loop over incidents: the
    same rows refused for the same reasons, the same rows counted; then a
    repeated id and bad coordinates are problems of their own."""
    import pytest

    from gcmhub.indicators.formats.records import FormatError, Problem, ReadStats

    path = FIXTURES / "missing_migrants_current.csv"
    _, problems, stats = collect(missing_migrants, path)
    detail_stats = ReadStats()
    details = list(missing_migrants.read_incident_details(path, stats=detail_stats))
    refused = [(item.line, item.column, item.reason) for item in details if isinstance(item, Problem)]
    assert refused == [(p.line, p.column, p.reason) for p in problems]
    assert detail_stats.rows == stats.rows == 6
    records = [item for item in details if not isinstance(item, Problem)]
    assert [(r.incident_id, r.year, r.grouping, r.total, r.latitude) for r in records] == [
        ("2015.MMP00001", 2015, "Eastern Africa", 1.0, 11.886603),
        ("2015.MMP00002", 2015, None, 1022.0, 33.1),
        ("2015.MMP00003", 2015, "Eastern Africa", 2.0, 11.96),
        ("2015.MMP00004", 2015, "Middle Africa", 3.0, 12.1),
    ]
    text = path.read_text(encoding="utf-8").splitlines()
    odd = tmp_path / "odd.csv"
    odd.write_text("\n".join([text[0], text[1], text[1], text[3].replace('"11.96, 43.28"', '"91, 43"')]) + "\n")
    assert [(item.line, item.column) for item in missing_migrants.read_incident_details(odd)
            if isinstance(item, Problem)] == [(3, "Incident ID"), (4, "Coordinates")]  # fmt: skip
    header_only = tmp_path / "header.csv"
    header_only.write_text(text[0] + "\n")
    with pytest.raises(FormatError, match="no data rows"):
        list(missing_migrants.read_incident_details(header_only))
