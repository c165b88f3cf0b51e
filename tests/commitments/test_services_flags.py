"""Flags, the traffic light, the verifiability checklist and linked outcomes."""

import datetime

import pytest
from django.utils import timezone

from gcmhub.commitments import flags, outcomes, verifiability
from gcmhub.commitments.models import Commitment
from tests.commitments.conftest import objective

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 1)


def _reported(commitment, day: datetime.date):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Commitment.objects.filter(pk=commitment.pk).update(last_reported_at=moment)
    commitment.refresh_from_db()
    return commitment


def _flagged(queryset, flag):
    return set(flags.filter_by_flag(queryset, flag, TODAY))


def test_flags_and_lights(make_commitment):
    fresh = _reported(make_commitment(due_date=datetime.date(2028, 1, 1)), TODAY - datetime.timedelta(days=30))
    overdue = _reported(make_commitment(due_date=datetime.date(2027, 1, 1)), TODAY - datetime.timedelta(days=30))
    achieved_late = _reported(
        make_commitment(due_date=datetime.date(2027, 1, 1), status="achieved"), datetime.date(2024, 1, 1)
    )
    stale = _reported(make_commitment(due_date=datetime.date(2030, 1, 1)), datetime.date(2026, 5, 1))
    inactive = _reported(make_commitment(due_date=datetime.date(2030, 1, 1)), datetime.date(2025, 5, 1))
    discontinued = _reported(make_commitment(due_date=datetime.date(2030, 1, 1), status="discontinued"), TODAY)
    expected = {
        fresh: ([], "green"),
        overdue: (["overdue"], "red"),
        achieved_late: ([], "green"),
        stale: (["stale"], "yellow"),
        inactive: (["inactive"], "red"),
        discontinued: ([], "grey"),
    }
    for commitment, (commitment_flags, light) in expected.items():
        assert flags.commitment_flags(commitment, TODAY) == commitment_flags, commitment.pk
        assert flags.commitment_light(commitment, TODAY) == light, commitment.pk
    everything = Commitment.objects.all()
    for flag in flags.FLAGS:
        assert _flagged(everything, flag) == {c for c in expected if flag in flags.commitment_flags(c, TODAY)}, flag


def test_boundaries_of_twelve_and_twenty_four_months(make_commitment):
    just_in = _reported(make_commitment(), datetime.date(2026, 6, 1))
    just_out = _reported(make_commitment(), datetime.date(2026, 5, 31))
    assert flags.commitment_flags(just_in, TODAY) == []
    assert flags.commitment_flags(just_out, TODAY) == ["stale"]
    two_years = _reported(make_commitment(), datetime.date(2025, 5, 31))
    assert flags.commitment_flags(two_years, TODAY) == ["inactive"]


def test_horizon_counts_from_the_start_date(make_commitment):
    commitment = make_commitment(due_date=None, horizon_years=2, start_date=datetime.date(2024, 2, 29))
    assert commitment.due_by == datetime.date(2026, 2, 28)
    assert "overdue" in flags.commitment_flags(commitment, TODAY)
    assert commitment in _flagged(Commitment.objects.all(), "overdue")


def test_traffic_light_precedence():
    assert flags.traffic_light(["overdue", "stale"]) == "red"
    assert flags.traffic_light(["stale"]) == "yellow"
    assert flags.traffic_light([]) == "green"
    assert flags.traffic_light([], closed=True) == "grey"
    with pytest.raises(ValueError):
        flags.filter_by_flag(Commitment.objects.all(), "late")


def test_checklist_items(make_commitment, orgs):
    complete = make_commitment()
    assert verifiability.is_verifiable(complete)
    assert [item.key for item in verifiability.checklist(complete)] == ["metric", "baseline", "target", "deadline", "lead"]
    bare = make_commitment(
        metric="", metric_baseline=None, metric_target=None, due_date=None,
        partners=[(orgs.ken_gov, "support"), (orgs.ken_ngo, "funder")],
    )
    assert verifiability.missing(bare) == ["metric", "baseline", "target", "deadline", "lead"]
    alone = make_commitment(partners=[])
    assert verifiability.has_lead(alone)


def test_budget_is_checked_only_for_financial_support(make_commitment):
    financial = make_commitment(form_of_support="financial")
    assert verifiability.missing(financial) == ["budget"]
    funded = make_commitment(
        form_of_support="financial",
        amounts=[{"stage": "pledged", "amount": 5000, "currency": "USD", "date": datetime.date(2025, 1, 1)}],
    )
    assert verifiability.is_verifiable(funded)


def test_a_linked_series_with_baseline_and_target_makes_it_measurable(make_commitment):
    from gcmhub.indicators.models import Series

    series = Series.objects.create(code="TEST_SERIES_1", description="Test series")
    commitment = make_commitment(
        metric="", metric_baseline=None, metric_target=None,
        indicators=[{"series": series, "baseline_value": 10.0, "baseline_year": 2020, "target_value": 5.0, "target_year": 2030}],
    )
    assert verifiability.is_verifiable(commitment)


def test_linked_assessments_are_those_of_its_series_in_its_area(make_commitment, kenya, mexico):
    from gcmhub.indicators.models import Series
    from gcmhub.progress.models import Assessment

    linked, other = Series.objects.create(code="TEST_LINKED"), Series.objects.create(code="TEST_OTHER")

    def assess(series, area):
        return Assessment.objects.create(
            series=series, area=area, method="opensdg", status="deterioration", method_status="x",
            requested_base_year=2015, direction="up", method_version="1", fingerprint="f",
        )

    wanted = assess(linked, kenya)
    assess(linked, mexico)
    assess(other, kenya)
    commitment = make_commitment(
        objectives=[objective(1)],
        indicators=[{"series": linked, "baseline_value": None, "baseline_year": None, "target_value": None, "target_year": None}],
    )
    assert list(outcomes.linked_assessments(commitment)) == [wanted]


def test_outcomes_endpoint(api, make_commitment, kenya):
    from gcmhub.indicators.models import Series
    from gcmhub.progress.models import Assessment

    series = Series.objects.create(code="TEST_API_LINKED", description="Linked series")
    Assessment.objects.create(
        series=series, area=kenya, method="opensdg", status="deterioration", method_status="x",
        requested_base_year=2015, direction="up", method_version="1", fingerprint="f", current_year=2023,
    )
    commitment = make_commitment(
        "published",
        indicators=[{"series": series, "baseline_value": 1.0, "baseline_year": 2020, "target_value": 2.0, "target_year": 2030}],
    )
    response = api.get(f"/commitments/{commitment.pk}/outcomes")
    assert response.status_code == 200
    assert [(row["series"], row["status"], row["current_year"]) for row in response.json()] == [
        ("TEST_API_LINKED", "deterioration", 2023)
    ]
    assert api.get(f"/commitments/{commitment.pk}/outcomes", query_params={"method": "nope"}).status_code == 422
