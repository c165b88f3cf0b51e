"""draft → submitted → published, rejection with a reason, and conflicts."""

import pytest
from django.core.exceptions import ValidationError

from gcmhub.commitments import services
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import Commitment
from gcmhub.errors import EditConflict

pytestmark = pytest.mark.django_db


def test_draft_submitted_published(people, make_commitment):
    commitment = make_commitment()
    assert (commitment.review_state, commitment.is_published) == ("draft", False)
    services.submit_commitment(people.contributor_ken, commitment, commitment.version)
    assert commitment.review_state == "submitted" and commitment.submitted_at is not None
    assert not commitment.is_published
    services.approve_commitment(people.reviewer, commitment, commitment.version)
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.review_state, stored.is_published) == ("published", True)
    assert stored.published_at is not None and stored.verifiability_exception == ""


def test_rejection_carries_the_reason_back_and_resubmission_clears_it(people, make_commitment):
    commitment = make_commitment("submitted")
    services.reject_commitment(people.reviewer, commitment, commitment.version, "Add a baseline year.")
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.review_state, stored.rejection_reason, stored.is_published) == ("draft", "Add a baseline year.", False)
    services.submit_commitment(people.contributor_ken, stored, stored.version)
    assert Commitment.objects.get(pk=commitment.pk).rejection_reason == ""


def test_rejection_needs_a_reason(people, make_commitment):
    commitment = make_commitment("submitted")
    with pytest.raises(ValidationError) as caught:
        services.reject_commitment(people.reviewer, commitment, commitment.version, "   ")
    assert caught.value.field == "reason"
    assert Commitment.objects.get(pk=commitment.pk).review_state == "submitted"


def test_only_a_draft_is_submitted_and_only_a_submission_is_approved(people, make_commitment):
    draft = make_commitment()
    with pytest.raises(ValidationError):
        services.approve_commitment(people.reviewer, draft, draft.version, "reason")
    with pytest.raises(ValidationError):
        services.reject_commitment(people.reviewer, draft, draft.version, "reason")
    submitted = make_commitment("submitted")
    with pytest.raises(ValidationError):
        services.submit_commitment(people.contributor_ken, submitted, submitted.version)
    published = make_commitment("published")
    with pytest.raises(ValidationError):
        services.approve_commitment(people.reviewer, published, published.version)


def test_unverifiable_needs_a_written_reason_shown_publicly(people, make_commitment):
    commitment = make_commitment("submitted", due_date=None, metric="")
    with pytest.raises(ValidationError) as caught:
        services.approve_commitment(people.reviewer, commitment, commitment.version)
    assert caught.value.field == "exception_reason"
    assert "deadline" in caught.value.message and "metric" in caught.value.message
    assert Commitment.objects.get(pk=commitment.pk).review_state == "submitted"
    services.approve_commitment(people.reviewer, commitment, commitment.version, "A law: its passing is the measure.")
    stored = Commitment.objects.get(pk=commitment.pk)
    assert stored.is_published and stored.verifiability_exception == "A law: its passing is the measure."


def test_verifiable_commitment_keeps_no_exception_reason(people, make_commitment):
    commitment = make_commitment("submitted")
    services.approve_commitment(people.reviewer, commitment, commitment.version, "not needed")
    assert Commitment.objects.get(pk=commitment.pk).verifiability_exception == ""


def test_reviewer_approves_only_the_version_read(people, make_commitment):
    commitment = make_commitment("submitted")
    read_version = commitment.version
    data = CommitmentInput.from_commitment(commitment)
    data.title = "Changed while the reviewer was reading"
    services.update_commitment(people.contributor_ken, commitment, data, read_version)
    stale = Commitment.objects.get(pk=commitment.pk)
    with pytest.raises(EditConflict):
        services.approve_commitment(people.reviewer, stale, read_version)
    with pytest.raises(EditConflict):
        services.reject_commitment(people.reviewer, stale, read_version, "reason")
    with pytest.raises(EditConflict):
        services.submit_commitment(people.contributor_ken, make_commitment(), 99)
    assert Commitment.objects.get(pk=commitment.pk).review_state == "submitted"


def test_a_stale_edit_loses_nothing(people, make_commitment):
    commitment = make_commitment()
    version = commitment.version
    mine, theirs = Commitment.objects.get(pk=commitment.pk), Commitment.objects.get(pk=commitment.pk)
    first = CommitmentInput.from_commitment(theirs)
    first.description = "Their description"
    services.update_commitment(people.focal_ken, theirs, first, version)
    second = CommitmentInput.from_commitment(mine)
    second.title = "My title"
    with pytest.raises(EditConflict):
        services.update_commitment(people.contributor_ken, mine, second, version)
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.title, stored.description) == ("Free legal aid desks at every border post", "Their description")


def test_history_records_every_step(people, make_commitment):
    commitment = make_commitment()
    services.submit_commitment(people.contributor_ken, commitment, commitment.version)
    services.reject_commitment(people.reviewer, commitment, commitment.version, "Why?")
    services.submit_commitment(people.contributor_ken, commitment, commitment.version)
    services.approve_commitment(people.reviewer, commitment, commitment.version)
    states = [h.review_state for h in commitment.history.order_by("history_date", "history_id")]
    assert states == ["draft", "submitted", "draft", "submitted", "published"]
    entries = services.commitment_history(people.focal_ken, commitment)
    assert entries[0].who == "reviewer"


def test_public_history_hides_unreviewed_reports_and_rejection_reasons(people, make_commitment):
    from django.contrib.auth.models import AnonymousUser

    commitment = make_commitment("submitted")
    services.reject_commitment(people.reviewer, commitment, commitment.version, "Private advice to the author.")
    services.submit_commitment(people.contributor_ken, commitment, commitment.version)
    services.approve_commitment(people.reviewer, commitment, commitment.version)
    services.post_update(
        people.contributor_ken, commitment, reported_on=__import__("datetime").date(2025, 1, 1),
        status="in_progress", completion="limited",
    )
    public = services.commitment_history(AnonymousUser(), commitment)
    fields = {change.field for entry in public for change in entry.changes}
    assert not fields & {"last_reported_at", "rejection_reason", "submitted_at"}
    staff = services.commitment_history(people.focal_ken, commitment)
    assert "rejection_reason" in {change.field for entry in staff for change in entry.changes}
