"""services.recompute: observations → stored assessments, idempotent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gcmhub.errors import InvalidInput
from gcmhub.geo.models import Area
from gcmhub.indicators.models import DataSource, Indicator, Series, Target
from gcmhub.progress import defaults
from gcmhub.progress.engine import assess_records
from gcmhub.progress.models import Assessment, TargetTimeline
from gcmhub.progress.services import recompute

from .conftest import add, catalogue

pytestmark = pytest.mark.django_db


def stored(series, area, key="", method="opensdg") -> Assessment:
    return Assessment.objects.get(series=series, area=area, dimension_key=key, method=method)


def test_statuses_match_the_engine(world):
    result = recompute()
    assert result.methods == defaults.STORED_METHODS
    # 2 + 2 + 3 (headline, migrants, non-migrants) groups; AGE is not an assessed disaggregation.
    assert result.series == 7
    assert result.created == 7 * len(defaults.STORED_METHODS)
    assert Assessment.objects.filter(dimension_key="AGE=Y0T1").count() == 0

    assert stored(world.remittances, world.kenya).status == "limited_progress"
    assert stored(world.remittances, world.kenya).score == pytest.approx(-0.566, abs=1e-3)
    assert stored(world.remittances, world.mexico).status == "target_achieved"
    assert stored(world.deaths, world.kenya).status == "deterioration"
    assert stored(world.births, world.kenya).status == "moderate_progress"
    assert stored(world.births, world.kenya).score == pytest.approx(1.152, abs=1e-3)
    assert stored(world.remittances, world.kenya, method="escap").method_status == "accelerate_progress"

    # The same inputs through the pure engine give the same results, for every method.
    for assessment in Assessment.objects.all():
        record = {
            "id": assessment.pk,
            "data": [{"year": y, "value": v} for y, v in zip(assessment.years, assessment.values)],
            "base_year": assessment.requested_base_year,
            "target": assessment.target_value,
            "target_year": assessment.target_year or 2030,
            "direction": assessment.direction,
            "limit": assessment.limit,
        }
        expected = assess_records([record], assessment.method)[0]
        assert assessment.status == expected["status"]
        assert assessment.method_status == expected["method_status"]
        assert (
            assessment.score == pytest.approx(expected["score"])
            if expected["score"] is not None
            else assessment.score is None
        )
        assert assessment.current_year == expected["current_year"]


def test_inputs_and_provenance_are_recorded(world):
    recompute()
    kenya = stored(world.remittances, world.kenya)
    assert kenya.years == [2015, 2023] and kenya.values == [7.5, 6.0]
    assert kenya.requested_base_year == 2015 and kenya.direction == "negative"
    assert (kenya.target_value, kenya.target_year, kenya.target_source) == (3.0, 2030, "global")
    assert kenya.method_version.startswith("1.1 (open-sdg/sdg-build")
    assert kenya.parameters["thresholds_target"] == [0.95, 0.6, 0.0]
    assert kenya.cagr_actual == pytest.approx(-0.02751, abs=1e-5)
    assert kenya.cagr_required == pytest.approx(-0.05926, abs=1e-5)
    assert kenya.details["threshold_high"] == 0.95
    assert len(kenya.fingerprint) == 64
    deaths = stored(world.deaths, world.kenya)
    assert deaths.target_value is None and deaths.target_source == ""
    migrants = stored(world.births, world.kenya, "COMPOSITE_BREAKDOWN=MS_MIGRANT")
    assert migrants.status in {"limited_progress", "deterioration", "moderate_progress"}


def test_a_second_recompute_writes_nothing(world):
    first = recompute()
    before = {a.pk: (a.fingerprint, a.computed_at) for a in Assessment.objects.all()}
    with CaptureQueriesContext(connection) as queries:
        second = recompute()
    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.created
    assert {a.pk: (a.fingerprint, a.computed_at) for a in Assessment.objects.all()} == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_a_changed_value_rewrites_only_its_assessments(world):
    recompute()
    untouched = stored(world.deaths, world.kenya).computed_at
    world.remittances.observations.filter(area=world.kenya, year=2023).update(value=2.5)
    result = recompute()
    assert result.updated == len(defaults.STORED_METHODS) and result.created == 0
    assert stored(world.remittances, world.kenya).status == "target_achieved"
    assert stored(world.deaths, world.kenya).computed_at == untouched


def test_assessments_whose_data_are_gone_are_deleted(world):
    recompute()
    world.deaths.observations.filter(area=world.mexico).delete()
    result = recompute()
    assert result.deleted == len(defaults.STORED_METHODS)
    assert not Assessment.objects.filter(series=world.deaths, area=world.mexico).exists()


def test_scope_by_area_and_indicator(world):
    recompute(area="MEX")
    assert set(Assessment.objects.values_list("area__iso3", flat=True)) == {"MEX"}
    recompute(indicator="10.7.3", method="opensdg")
    assert Assessment.objects.filter(area=world.kenya).count() == 1  # only 10.7.3, only opensdg
    # A scoped run never deletes what lies outside its scope.
    recompute(area="KEN", indicator="10.c.1")
    assert Assessment.objects.filter(area=world.mexico).count() == 2 * len(defaults.STORED_METHODS)
    with pytest.raises(InvalidInput):
        recompute(area="XXX")
    with pytest.raises(InvalidInput):
        recompute(indicator="99.9.9")
    with pytest.raises(InvalidInput):
        recompute(method="guesswork")


def test_a_national_target_replaces_the_global_one(world):
    Target.objects.create(
        series=world.remittances, area=world.kenya, target_value=5.0, target_year=2025, baseline_year=2016
    )
    Target.objects.create(series=world.remittances, area=world.kenya, target_value=4.0, target_year=2030)
    add(world.remittances, world.kenya, {2016: 7.0})
    recompute()
    kenya = stored(world.remittances, world.kenya)
    # The latest target year is the one assessed; the other gets its own timeline.
    assert (kenya.target_value, kenya.target_year, kenya.target_source) == (4.0, 2030, "national")
    assert kenya.target_id is not None
    assert stored(world.remittances, world.mexico).target_source == "global"
    assert TargetTimeline.objects.filter(target__area=world.kenya).count() == 2


def test_a_headline_target_applies_to_disaggregations_and_sets_the_base_year(world):
    Target.objects.create(series=world.births, area=world.kenya, target_value=95, target_year=2028, baseline_year=2015)
    recompute()
    migrants = stored(world.births, world.kenya, "COMPOSITE_BREAKDOWN=MS_MIGRANT")
    assert (migrants.target_value, migrants.target_source) == (95, "national-headline")
    exact = Target.objects.create(
        series=world.births, area=world.kenya, dimension_key="COMPOSITE_BREAKDOWN=MS_MIGRANT",
        target_value=90, target_year=2030, direction="positive",
    )  # fmt: skip
    recompute()
    migrants.refresh_from_db()
    assert (migrants.target_value, migrants.target_source, migrants.target_id) == (90, "national", exact.pk)


def test_direction_comes_from_the_indicator(world):
    recompute()
    assert stored(world.deaths, world.kenya).status == "deterioration"
    Indicator.objects.filter(code="10.7.3").update(direction="positive")
    result = recompute(indicator="10.7.3")
    assert result.updated == 2 * len(defaults.STORED_METHODS)
    assert stored(world.deaths, world.kenya).status == "substantial_progress"
    assert stored(world.deaths, world.kenya).direction == "positive"


def test_sub_annual_values_are_averaged_per_year(kenya, remittances):
    add(remittances, kenya, {"2015-Q1": 8.0, "2015-Q3": 7.0, "2020-Q2": 6.0, "2020-Q4": 6.5})
    recompute()
    assessment = stored(remittances, kenya)
    assert assessment.years == [2015, 2020] and assessment.values == [7.5, 6.25]
    assert "yearly_mean" in assessment.flags


def test_sources_and_batches_are_recorded(kenya, remittances):
    from gcmhub.indicators.models import ImportBatch

    source = DataSource.objects.create(name="World Bank Remittance Prices Worldwide")
    batch = ImportBatch.objects.create(format="tidy", file_name="rpw.csv", status="running")
    add(remittances, kenya, {2015: 7.5, 2021: 6.5}, source=source, batch=batch)
    recompute()
    assessment = stored(remittances, kenya)
    assert assessment.sources == ["World Bank Remittance Prices Worldwide"]
    assert assessment.last_batch_id == batch.pk


def test_series_without_an_indicator_are_not_assessed(kenya):
    context = Series.objects.create(code="SM_POP_TOTL_CONTEXT", description="Migrant stock")
    add(context, kenya, {2015: 1.0, 2020: 2.0})
    result = recompute()
    assert result.series == 0 and not Assessment.objects.exists()


def test_an_empty_database_is_fine(db):
    result = recompute()
    assert (result.series, result.created, result.observations) == (0, 0, 0)


def test_single_points_and_gaps_are_stored_as_not_available(kenya, deaths):
    add(deaths, kenya, {2014: 10})  # before the base year only
    recompute()
    assessment = stored(deaths, kenya)
    assert assessment.status == "not_available"
    assert "only one data point" in assessment.reason or "after the latest year" in assessment.reason
    assert assessment.reason_code > 0


def test_deaths_that_stay_at_zero_reach_their_aim_instead_of_scoring_progress(kenya, deaths):
    # Åland Islands in the UN SDG database: 0 deaths every year was scored
    # "substantial progress 5.00" (0 replaced by 0.001, then a 100 % fall).
    aland = Area.objects.get(iso3="ALA")
    add(deaths, aland, {2015: 0, 2018: 0, 2022: 0})
    add(deaths, kenya, {2015: 12, 2022: 4})
    recompute()
    flat = stored(deaths, aland)
    assert flat.status == "target_achieved" and flat.limit == 0
    assert "zero_base_and_latest" in flat.flags and "zero_base_replaced" not in flat.flags
    assert stored(deaths, kenya).status == "substantial_progress"  # a real fall is still progress


def test_a_flat_zero_without_an_aim_of_zero_is_not_assessed(kenya):
    migration_policy = catalogue("SG_CPA_MIGR", "positive")  # yes/no, natural limit 1
    add(migration_policy, kenya, {2015: 0, 2021: 0})
    recompute()
    assessment = stored(migration_policy, kenya)
    assert assessment.status == "not_available" and assessment.score is None
    assert "both 0" in assessment.reason
