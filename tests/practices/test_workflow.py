"""The review workflow: draft → submitted → published, rejection with a
reason, edits of a published practice held for review, history kept."""

import pytest

from gcmhub.errors import EditConflict, Forbidden, InvalidInput
from gcmhub.practices import services
from gcmhub.practices.models import Practice, ReviewState

from .conftest import practice_data


def stored(practice):
    return Practice.objects.get(pk=practice.pk)


def test_a_new_practice_is_a_private_draft_with_its_objectives_in_order(draft, people):
    assert (draft.review_state, draft.is_published, draft.created_by) == ("draft", False, people.contributor)
    assert [link.objective.number for link in draft.objective_links.all()] == [6, 3]
    assert list(draft.areas.values_list("iso3", flat=True)) == ["KEN"]
    assert draft.sources.get().page == 4


def test_submit_then_publish(draft, people):
    services.submit_practice(people.contributor, draft, 1)
    assert stored(draft).review_state == ReviewState.SUBMITTED and stored(draft).submitted_at
    services.publish_practice(people.reviewer, stored(draft), 2)
    published = stored(draft)
    assert (published.review_state, published.is_published, published.version) == ("published", True, 3)


def test_a_draft_cannot_be_published_before_it_is_submitted(draft, people):
    with pytest.raises(InvalidInput):
        services.publish_practice(people.reviewer, draft, 1)


def test_rejection_needs_a_reason_and_returns_the_draft(draft, people):
    services.submit_practice(people.contributor, draft, 1)
    with pytest.raises(InvalidInput) as error:
        services.reject_practice(people.reviewer, stored(draft), 2, "  ")
    assert error.value.field == "reason"
    services.reject_practice(people.reviewer, stored(draft), 2, "No source page for the results.")
    rejected = stored(draft)
    assert (rejected.review_state, rejected.rejection_reason) == ("draft", "No source page for the results.")
    # Resubmitting clears the old reason, as for commitments (publishing.mark_submitted).
    services.submit_practice(people.contributor, rejected, 3)
    assert stored(draft).rejection_reason == ""
    services.publish_practice(people.reviewer, stored(draft), 4)
    assert stored(draft).review_state == "published"


def test_submission_needs_an_objective_a_country_and_a_source(people):
    practice = services.create_practice(people.contributor, practice_data(objectives=[], sources=[]))
    with pytest.raises(InvalidInput) as error:
        services.submit_practice(people.contributor, practice, 1)
    assert error.value.field == "objectives"
    services.update_practice(people.contributor, practice, {"objectives": [6]}, 1)
    with pytest.raises(InvalidInput) as error:
        services.submit_practice(people.contributor, stored(practice), 2)
    assert error.value.field == "sources"


def test_contributors_and_stakeholders_cannot_publish(draft, people):
    services.submit_practice(people.contributor, draft, 1)
    for user in (people.contributor, people.stakeholder, people.focal_ken):
        with pytest.raises(Forbidden):
            services.publish_practice(user, stored(draft), 2)


def test_a_stale_version_is_a_conflict(draft, people):
    services.update_practice(people.contributor, draft, {"title": "Recruitment desk"}, 1)
    with pytest.raises(EditConflict):
        services.update_practice(people.contributor, stored(draft), {"title": "Other"}, 1)


def test_an_edit_of_a_published_practice_by_its_contributor_waits_for_review(draft, people):
    services.submit_practice(people.contributor, draft, 1)
    services.publish_practice(people.reviewer, stored(draft), 2)
    live = services.update_practice(people.contributor, stored(draft), {"title": "A new title"}, 3)
    held = stored(draft)
    assert live is False
    assert held.title == "Pre-departure checks of recruitment contracts"
    assert held.pending_changes == {"title": "A new title"}
    with pytest.raises(InvalidInput):
        services.update_practice(people.contributor, held, {"objectives": [1]}, held.version)
    services.publish_practice(people.reviewer, held, held.version)
    assert stored(draft).title == "A new title"


def test_the_history_keeps_every_step(draft, people):
    services.submit_practice(people.contributor, draft, 1)
    services.reject_practice(people.reviewer, stored(draft), 2, "Too vague.")
    states = list(stored(draft).history.order_by("history_date").values_list("review_state", flat=True))
    assert states == ["draft", "submitted", "draft"]
    users = list(stored(draft).history.order_by("history_date").values_list("history_user__username", flat=True))
    assert users == ["contributor-ken", "contributor-ken", "reviewer"]


def test_unknown_codes_and_objectives_are_refused_naming_the_field(people):
    for data, field in (
        (practice_data(objectives=[24]), "objectives"),
        (practice_data(areas=["XXX"]), "areas"),
        (practice_data(population_groups=["martians"]), "population_groups"),
        (practice_data(period_start=2020, period_end=2010), "period_end"),
        (practice_data(level="planetary"), "level"),
        (practice_data(sources=[{"page": 3}]), "sources"),
    ):
        with pytest.raises(InvalidInput) as error:
            services.create_practice(people.contributor, data)
        assert error.value.field == field, data
