"""Every change to a target's timeline is in its history (issue 7 §4): the
PUT of the API used to leave no trace."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.indicators.models import Target
from gcmhub.progress.models import TargetTimeline
from gcmhub.progress.services import recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(world, django_capture_on_commit_callbacks):
    recompute()
    with django_capture_on_commit_callbacks(execute=True):
        return Target.objects.create(
            series=world.remittances, area=world.kenya, target_value=4.8, target_year=2030, baseline_year=2015
        )


def test_an_api_edit_of_a_timeline_is_in_its_history(
    api, target, people, token_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(
            f"/progress/timelines/{target.pk}",
            json={"trajectory": "linear", "start_date": "2020-01-01"},
            headers=token_for(people.focal_ken),
        )
    assert response.status_code == 200
    timeline = TargetTimeline.objects.get(target=target)
    latest = timeline.history.first()
    assert latest.history_user == people.focal_ken
    assert (latest.trajectory, str(latest.start_date)) == ("linear", "2020-01-01")

    public = api.get(f"/progress/timelines/{target.pk}/history", user=AnonymousUser())
    assert public.status_code == 200
    entry = public.json()[0]
    assert entry["who"] == "National focal point, Kenya"
    assert {change["field"]: (change["old"], change["new"]) for change in entry["changes"]} == {
        "trajectory": ("Constant growth rate (CAGR)", "Straight line"),
        "start_date": ("", "2020-01-01"),
    }
    staff = api.get(f"/progress/timelines/{target.pk}/history", headers=token_for(people.focal_ken)).json()
    assert staff[0]["who"] == "focal-ken"


def test_recomputed_values_write_no_history(target, people, django_capture_on_commit_callbacks):
    """The refreshed status and values are derived data, not edits."""
    before = TargetTimeline.history.count()
    recompute()
    assert TargetTimeline.history.count() == before


def test_history_of_an_unknown_target_is_404(api, db):
    assert api.get("/progress/timelines/987654/history", user=AnonymousUser()).status_code == 404
