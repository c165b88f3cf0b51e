"""The aggregates and the read services give the stored numbers, and tell no data from zero."""

import pytest

from gcmhub.explorer import services
from gcmhub.explorer.aggregates import rebuild
from gcmhub.explorer.models import AreaTotal, CorridorValue, SeriesSlice
from gcmhub.geo.models import Area
from gcmhub.indicators.incidents import import_incidents
from gcmhub.indicators.keys import parse_dimension_key
from gcmhub.indicators.loader import ImportRejected
from gcmhub.indicators.models import Incident, Observation

from .conftest import INCIDENTS, write

pytestmark = pytest.mark.django_db


def test_every_corridor_value_is_a_stored_observation(loaded):
    rows = list(CorridorValue.objects.select_related("origin", "destination"))
    assert rows
    for row in rows:
        obs = Observation.objects.select_related("series").get(pk=row.observation_id)
        assert obs.value == row.value
        assert obs.area_id == row.destination_id
        assert obs.period == row.period
        counterpart = dict(parse_dimension_key(obs.dimension_key))["COUNTERPART_AREA"]
        assert counterpart in (row.origin.iso3, row.origin.name_en, "Congo")


def test_corridor_mexico_united_states(loaded):
    data = services.corridor("MEX", "USA")
    stock = {f.period: f.value for f in data["figures"] if f.measure == "migrant_stock"}
    assert stock == {"2015": 12050031, "2019": 11489684}
    cost = [(f.period, f.value) for f in data["figures"] if f.measure == "remittance_cost"]
    assert cost == [("2019-Q1", 5.2), ("2019-Q2", 4.9)]  # USA → MEX money for MEX → USA migrants
    assert data["latest_remittance_cost"].value == 4.9
    assert data["meets_target"] is False
    assert data["reverse_has_data"] is True  # 762,290 people from the US live in Mexico


def test_stored_zero_is_zero_and_missing_is_absent(loaded):
    figures = services.corridor("MEX", "USA")["figures"]
    refugees = [f for f in figures if f.measure == "refugees"]
    assert [(f.period, f.value) for f in refugees] == [("2019", 0)]  # UNHCR's real zero
    # DESA's cleaned matrix writes missing as 0: not stored, so no corridor GTM → USA in 2019.
    gtm = services.corridor("GTM", "USA")["figures"]
    assert [(f.period, f.value) for f in gtm if f.measure == "migrant_stock"] == [("2015", 1000)]


def test_ambiguous_desa_congo_is_the_republic_of_the_congo(loaded):
    row = CorridorValue.objects.get(measure="migrant_stock", origin__iso3="COG")
    assert row.value == 5 and row.destination.iso3 == "USA"


def test_regions_are_not_corridor_ends(loaded):
    assert not CorridorValue.objects.exclude(origin__kind="country").exists()
    assert not CorridorValue.objects.exclude(destination__kind="country").exists()


def test_hosted_totals_include_unknown_origins_and_origin_totals_only_known(loaded):
    usa = Area.objects.get(iso3="USA")
    hosted = AreaTotal.objects.get(area=usa, measure="refugees:in", year=2019)
    stored = sum(Observation.objects.filter(series__code="UNHCR_POPULATION_REFUGEES", area=usa, year=2019)
                 .values_list("value", flat=True))  # fmt: skip
    assert hosted.value == stored == 50
    assert hosted.corridors == 2
    assert not AreaTotal.objects.filter(measure="refugees:out", area__iso3="UNK").exists()
    mex_out = AreaTotal.objects.get(area__iso3="MEX", measure="migrant_stock:out", year=2019)
    assert mex_out.value == 11489684


def test_profile_figures_equal_stored_observations(loaded):
    data = services.profile("MEX")
    sections = {s.key: s for s in data["sections"]}
    immigrants = {f.period: f.value for f in sections["immigrants"].figures if f.measure == "immigrants"}
    assert immigrants["2020"] == 1197624
    women = {f.period: f.value for f in sections["immigrants"].figures if f.measure == "immigrants_female"}
    assert women["2020"] == 596115
    for figure in sections["immigrants"].figures:
        assert Observation.objects.get(pk=figure.observation_id).value == figure.value
    origins = [(f.counterpart, f.value) for f in sections["top_origins"].figures]
    assert origins == [("USA", 762290), ("GTM", 42874)]
    destinations = [(f.area, f.value) for f in sections["top_destinations"].figures]
    assert destinations == [("USA", 11489684)]
    refugees = {(f.measure, f.year): f.value for f in sections["refugees"].figures}
    assert refugees[("refugees:in", 2019)] == 100 and refugees[("refugees:out", 2019)] == 0
    cost = {f.measure: f.value for f in sections["remittance_costs"].figures}
    assert cost == {"remittance_cost:to": 4.9}  # the latest quarter of 2019 of the one corridor into Mexico


def test_ranking_by_year_and_measure(loaded):
    data = services.corridors(measure="migrant_stock", year=2019, limit=2)
    assert [(i["counterpart"], i["area"], i["value"]) for i in data["items"]] == [
        ("MEX", "USA", 11489684), ("USA", "MEX", 762290)]  # fmt: skip
    assert data["years"] == [2015, 2019]
    cost = services.corridors(measure="remittance_cost", year=2019)
    assert [(i["counterpart"], i["period"], i["value"]) for i in cost["items"]] == [
        ("MEX", "2019-Q2", 4.9), ("GTM", "2019-Q1", 4.0)]  # the latest quarter of the year  # fmt: skip
    americas = services.corridors(measure="migrant_stock", year=2019, region="019")
    assert len(americas["items"]) == 4


def test_map_gives_every_country_null_for_no_data(loaded):
    data = services.map_values("SM.POP.TOTL", 2020, "SEX:F")
    by_iso = {item["iso3"]: item for item in data["items"]}
    assert len(by_iso) == Area.objects.countries().count()
    mexico = Observation.objects.get(series__code="SM.POP.TOTL", area__iso3="MEX", period="2020", dimension_key="SEX=F")
    assert by_iso["MEX"]["value"] == mexico.value and by_iso["MEX"]["observation_id"] == mexico.pk
    assert data["dimensions"] == ["", "SEX=F", "SEX=M"]
    assert 2020 in data["years"]
    no_data = [item for item in data["items"] if item["value"] is None]
    assert no_data and all(item["period"] is None for item in no_data)


def test_map_names_countries_in_the_readers_language(loaded):
    from django.utils import translation

    germany = Area.objects.get(iso3="DEU")
    names = {}
    for language in ("en", "fr", "es"):
        with translation.override(language):
            items = services.map_values("SM.POP.TOTL", 2020, None)["items"]
            names[language] = next(item["name"] for item in items if item["iso3"] == "DEU")
    assert names == {"en": germany.name_en, "fr": germany.name_fr, "es": germany.name_es}
    assert germany.name_fr != germany.name_en


def test_map_shows_a_stored_zero_as_zero(loaded):
    # UNHCR refugees are a corridor series; its headline map is empty, but a zero headline value counts.
    from gcmhub.indicators.formats.records import Observation as Record
    from gcmhub.indicators.loader import load

    load([Record("SM.POP.TOTL", None, "KEN", "iso3", "2021", 2021, 0.0, (), "NUMBER", None, None, None, None,
                 "test", 2, None)], format="tidy", file_name="zero.csv", sha256="1" * 64)  # fmt: skip
    rebuild()
    data = services.map_values("SM.POP.TOTL", 2021, None)
    by_iso = {item["iso3"]: item["value"] for item in data["items"]}
    assert by_iso["KEN"] == 0 and by_iso["MEX"] is None
    # The map: "no data" is a legend entry of its own (the grey land); the zero is a value, coloured.
    from gcmhub.explorer import charts
    from gcmhub.indicators.charts import NO_DATA_FILL

    land, values = charts.map_chart({"series": "SM.POP.TOTL", "year": "2021"}, data).spec["layer"]
    no_data = land["encoding"]["color"]
    assert (no_data["datum"], no_data["scale"]["range"], no_data["legend"] is not None) == ("No data", [NO_DATA_FILL], True)
    coloured = {row["m49"]: (row["value"], row["class"]) for row in values["transform"][0]["from"]["data"]["values"]}
    assert coloured == {"404": (0, "0")}  # Kenya's zero is drawn in a value class; Mexico is not
    classes = values["encoding"]["color"]["scale"]
    assert classes["domain"] == ["0"] and NO_DATA_FILL not in classes["range"]  # no class is grey


def test_map_classes_name_their_ranges_and_keep_equal_values_together():
    from gcmhub.explorer.charts import value_classes

    rows = [{"value": v} for v in (0, 0, 0, 5, 1200, 1500, 2_000_000, 48_000_000, 9, 10)]
    names = value_classes(rows)
    assert names == ["0 – 5", "9 – 10", "1.2k – 1.5k", "2M – 48M"]  # the quantiles 0 and 0 are one limit
    assert {row["class"] for row in rows if row["value"] == 0} == {"0 – 5"}  # all the zeros in one class
    assert value_classes([{"value": 7.25}]) == ["7.25"]
    assert value_classes([]) == []


def test_rebuild_redoes_only_what_changed(loaded):
    from gcmhub import dataversion
    from gcmhub.explorer.models import BuildState

    before, built_at = dataversion.read(), BuildState.objects.get().built_at
    again = rebuild()
    assert again["measures"] == [] and again["corridor_values_written"] == 0 and again["series_sliced"] == 0
    assert SeriesSlice.objects.exists()
    # Nothing changed: nothing written, and every cached page and answer stays valid.
    assert dataversion.read() == before and BuildState.objects.get().built_at == built_at
    assert rebuild(force=True)["corridor_values_written"] > 0 and dataversion.read().counter > before.counter


def test_incidents_keep_their_place_and_filter(loaded):
    first = Incident.objects.get(incident_id="2019.1")
    assert (first.latitude, first.longitude, first.total, first.cause) == (29.5, -104.1, 2, "Drowning")
    assert first.area.m49 == "013"  # Central America
    assert services.incidents(year=2019)["total_dead_and_missing"] == 6
    assert [i["incident_id"] for i in services.incidents(region="013")["items"]] == ["2019.1", "2020.1"]
    assert [i["incident_id"] for i in services.incidents(bbox="-10,30,10,40")["items"]] == ["2019.2"]
    zero = services.incidents(year=2020)["items"][0]
    assert zero["total"] == 0  # a recorded incident with no dead is a zero, not missing


def test_incident_import_is_all_or_nothing_and_names_the_problem(loaded, tmp_path):
    bad = INCIDENTS.replace('"31.0, -110.0"', '"north of here"').replace("2019.1,2019.1", "2019.9,2019.9")
    path = write(tmp_path, "bad.csv", bad)
    with pytest.raises(ImportRejected) as error:
        import_incidents(None, [path])
    problem = error.value.problems[0]
    assert (problem.line, problem.column) == (4, "Coordinates") and "latitude, longitude" in problem.reason
    assert not Incident.objects.filter(incident_id="2019.9").exists()


def test_incident_reimport_changes_nothing(loaded, tmp_path):
    result = import_incidents(None, [write(tmp_path, "incidents.csv", INCIDENTS)])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
