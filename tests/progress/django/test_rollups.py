"""Roll-ups: mean scores (never labels), always with coverage."""

import math

import pytest

from gcmhub.framework.models import Objective
from gcmhub.geo.models import Area
from gcmhub.progress import rollups
from gcmhub.progress.rollups import combine, leaf, missing, status_for_score
from gcmhub.progress.scorecards import country_scorecard, not_doing_well, objective_links, objective_scorecard, overview
from gcmhub.progress.services import recompute

from .conftest import add


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (5, "substantial_progress"),
        (2.5, "substantial_progress"),
        (2.49, "moderate_progress"),
        (0, "moderate_progress"),
        (-0.01, "limited_progress"),
        (-2.5, "limited_progress"),
        (-2.51, "deterioration"),
        (-5, "deterioration"),
        (None, "not_available"),
        (math.nan, "not_available"),
    ],
)
def test_open_sdg_bands(score, status):
    assert status_for_score(score) == status


def test_mean_score_not_labels():
    # One deteriorating series (-5) and one substantial (+5): the mean is 0,
    # "moderate progress" — not a vote between two labels.
    result = combine([leaf("deterioration", -5), leaf("substantial_progress", 5)])
    assert (result.score, result.status) == (0, "moderate_progress")


def test_coverage_adds_up_and_missing_counts_as_unknown():
    indicator = combine([leaf("moderate_progress", 1.0), missing(), missing()])
    assert (indicator.status, indicator.score) == ("moderate_progress", 1.0)
    assert (indicator.assessed, indicator.total, indicator.coverage) == (1, 3, pytest.approx(1 / 3))
    empty = combine([missing(4)])
    assert (empty.status, empty.score, empty.assessed, empty.total) == ("not_available", None, 0, 4)
    objective = combine([indicator, empty])
    # The unmeasured indicator lowers the coverage, never the score.
    assert (objective.score, objective.assessed, objective.total) == (1.0, 1, 7)
    assert (objective.parts_assessed, objective.parts_total) == (1, 2)
    assert leaf("not_available", None) == missing()


def test_each_child_weighs_the_same():
    five_series = combine([leaf("substantial_progress", 4)] * 5)
    one_series = combine([leaf("deterioration", -4)])
    assert combine([five_series, one_series]).score == 0


def test_target_achieved_only_when_every_assessed_series_met_it():
    assert combine([leaf("target_achieved", 5), leaf("target_achieved", 5)]).status == "target_achieved"
    assert combine([leaf("target_achieved", 5), leaf("substantial_progress", 4)]).status == "substantial_progress"
    assert combine([leaf("target_achieved", 5), missing()]).status == "target_achieved"
    assert combine([]).status == "not_available"
    with pytest.raises(ValueError):
        leaf("great", 1)


def test_bands_can_be_replaced():
    strict = (
        (3.0, "substantial_progress"),
        (1.0, "moderate_progress"),
        (-1.0, "limited_progress"),
        (-math.inf, "deterioration"),
    )
    assert rollups.status_for_score(2.6, bands=strict) == "moderate_progress"


# --- scorecards on stored assessments -------------------------------------------------------


@pytest.mark.django_db
def test_objective_links_follow_the_framework(world):
    links = objective_links()
    codes = {link.code: link for link in links[20] if link.relevance == "primary"}
    assert set(codes) == {"10.c.1", "17.3.2"}
    assert [link.code for link in links[20] if link.relevance == "contextual"] == ["8.10.2"]
    units = [unit.series_code for unit in codes["10.c.1"].units]
    assert units == ["SI_RMT_COST", "SI_RMT_COST_BC", "SI_RMT_COST_SC"]
    assert codes["10.c.1"].units[0].series_id == world.remittances.pk
    assert codes["10.c.1"].units[1].series_id is None  # never imported: linked, unmeasured
    # 10.7.2 by policy domain: the domain-score series with that key, not the
    # share of countries (a group-level series).
    domain = next(link for link in links[3] if link.code == "10.7.2")
    assert [(u.series_code, u.dimension_key) for u in domain.units] == [("SG_CPA_MIGRS", "COMPOSITE_BREAKDOWN=PD_6")]
    # An indicator without any series still counts once.
    disasters = next(link for link in links[2] if link.code == "1.5.1")
    assert len(disasters.units) == 1 and disasters.units[0].series_id is None


@pytest.mark.django_db
def test_country_scorecard_with_coverage(world):
    recompute()
    card = country_scorecard(world.kenya, "opensdg")
    assert len(card.objectives) == 23
    by_number = {row.objective.number: row for row in card.objectives}
    remittances = by_number[20].rollup
    assert remittances.status == "limited_progress"
    assert remittances.score == pytest.approx(-0.566, abs=1e-3)
    assert (remittances.assessed, remittances.total) == (1, 4)  # 3 series of 10.c.1 + 1 of 17.3.2
    assert by_number[8].rollup.status == "deterioration"
    assert (by_number[8].rollup.assessed, by_number[8].rollup.total) == (1, 1)
    assert by_number[4].rollup.status == "moderate_progress"  # 16.9.1
    migrants = by_number[4].links[0].units[0].disaggregations
    assert {d.dimension_key for d in migrants} == {"COMPOSITE_BREAKDOWN=MS_MIGRANT", "COMPOSITE_BREAKDOWN=MS_NOMIGRANT"}
    # 16.9.1 is only contextual for objective 14: shown there, not counted.
    assert by_number[14].context and by_number[14].rollup.status == "not_available"
    assert by_number[1].rollup.status == "not_available" and by_number[1].rollup.assessed == 0
    assert card.rollup.parts_assessed == 3 and card.rollup.parts_total == 23
    assert card.rollup.score == pytest.approx((-0.566 - 5 + 1.152) / 3, abs=1e-3)
    assert 0 < card.series_assessed < card.series_total


@pytest.mark.django_db
def test_objective_scorecard_and_regions(world):
    recompute()
    objective = Objective.objects.get(number=20)
    card = objective_scorecard(objective, "opensdg")
    rows = {row.area.iso3: row for row in card.rows}
    assert len(rows) == Area.objects.countries().count()
    assert rows["KEN"].rollup.status == "limited_progress"
    assert rows["MEX"].rollup.status == "target_achieved"
    assert rows["FRA"].rollup.status == "not_available" and rows["FRA"].rollup.total == 4
    assert (card.rollup.parts_assessed, card.rollup.parts_total) == (2, len(rows))
    regions = {row.region.m49: row.rollup for row in card.regions}
    assert regions["002"].status == "limited_progress"  # Africa: Kenya only
    assert (regions["002"].parts_assessed, regions["002"].parts_total) == (
        1,
        Area.objects.countries().within("002").count(),
    )
    assert regions["019"].status == "target_achieved"  # Americas: Mexico
    assert regions["150"].status == "not_available"
    africa = objective_scorecard(objective, "opensdg", region=Area.objects.get(m49="002"))
    assert {row.area.iso3 for row in africa.rows} >= {"KEN"} and "MEX" not in {row.area.iso3 for row in africa.rows}
    assert africa.rollup.status == "limited_progress"


@pytest.mark.django_db
def test_overview_rolls_objectives_over_all_countries(world):
    recompute()
    rows = {row.objective.number: row for row in overview("opensdg")}
    assert len(rows) == 23
    # Kenya -0.566 and Mexico +5 (target achieved, but not every country): mean 2.2.
    assert rows[20].rollup.score == pytest.approx((-0.566 + 5) / 2, abs=1e-3)
    assert rows[20].rollup.status == "moderate_progress"
    assert rows[20].rollup.parts_assessed == 2


@pytest.mark.django_db
def test_not_doing_well_sorted_by_severity(world):
    from gcmhub.indicators.models import Target

    recompute()
    Target.objects.create(
        series=world.deaths, area=world.kenya, target_value=4000, target_year=2022, baseline_year=2015
    )
    Target.objects.create(series=world.births, area=world.kenya, target_value=99, target_year=2026, baseline_year=2015)
    recompute()
    report = not_doing_well(world.kenya, "opensdg")
    kinds = [(c.kind, c.status, c.series_code) for c in report.concerns]
    # Overdue target first, then deterioration, then off-track target, then limited progress.
    assert kinds[0] == ("timeline", "overdue", "SM_DTH_MIGR")
    assert kinds[1] == ("assessment", "deterioration", "SM_DTH_MIGR")
    statuses = [c.status for c in report.concerns]
    assert statuses.index("deterioration") < statuses.index("limited_progress")
    assert ("timeline", "off_track", "SG_REG_BRTH") in kinds
    assert all(
        c.status not in {"moderate_progress", "substantial_progress", "target_achieved"} for c in report.concerns
    )
    deaths = report.concerns[1]
    assert 8 in deaths.objectives
    # Objectives with linked indicators and nothing assessed are listed as unknown, not bad.
    assert 1 in {row.objective.number for row in report.no_data}
    assert 20 not in {row.objective.number for row in report.no_data}


@pytest.mark.django_db
def test_national_indicators_linked_directly_count(kenya):
    from gcmhub.indicators.models import Indicator, Series

    national = Indicator.objects.create(code="KEN.1", name_en="Labour migration agreements", direction="positive")
    national.objectives.add(Objective.objects.get(number=5))
    series = Series.objects.create(code="KEN_BLA", indicator=national, description="Bilateral labour agreements")
    add(series, kenya, {2015: 2, 2023: 6})
    recompute()
    card = country_scorecard(kenya, "opensdg")
    five = next(row for row in card.objectives if row.objective.number == 5)
    assert "KEN.1" in [link.link.code for link in five.links]
    assert five.rollup.status == "substantial_progress"
