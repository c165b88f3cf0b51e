"""The service layer: creating, editing, deleting and following up commitments."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gcmhub.commitments import services
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import Commitment, CommitmentUpdate
from gcmhub.errors import EditConflict, InvalidInput
from tests.commitments.conftest import commitment_input, objective

pytestmark = pytest.mark.django_db


def test_create_saves_fields_and_relations_in_order(people, orgs, kenya):
    data = commitment_input(
        kenya,
        orgs.ken_gov,
        objectives=[objective(12), objective(7)],
        partners=[(orgs.ken_gov, "lead"), (orgs.ken_ngo, "support")],
    )
    commitment = services.create_commitment(people.contributor_ken, data)
    assert commitment.review_state == "draft" and not commitment.is_published
    assert [link.objective.number for link in commitment.objective_links.all()] == [12, 7]
    assert {(p.organization_id, p.role) for p in commitment.partners.all()} == {
        (orgs.ken_gov.pk, "lead"),
        (orgs.ken_ngo.pk, "support"),
    }
    assert commitment.created_by == people.contributor_ken
    assert commitment.due_by == datetime.date(2028, 12, 31)
    assert commitment.last_reported_at is not None


def test_input_round_trips(make_commitment):
    commitment = make_commitment()
    again = CommitmentInput.from_commitment(commitment)
    assert again.title == commitment.title
    assert [o.number for o in again.objectives] == [7, 12]
    assert len(again.partners) == 2


def test_at_least_one_objective(people, orgs, kenya):
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(people.focal_ken, commitment_input(kenya, orgs.ken_gov, objectives=[]))
    assert "objectives" in caught.value.message_dict
    assert caught.value.field == "objectives"
    assert isinstance(caught.value, InvalidInput)


def test_model_errors_are_field_keyed(people, orgs, kenya):
    data = commitment_input(kenya, orgs.ken_gov, start_date=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(people.focal_ken, data)
    assert caught.value.field == "due_date"


def test_matching_pledge_needs_what_it_matches(people, orgs, kenya, make_commitment):
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(people.focal_ken, commitment_input(kenya, orgs.ken_gov, kind="matching_pledge"))
    assert caught.value.field == "matches"
    request = make_commitment(kind="request")
    offer = services.create_commitment(
        people.focal_ken, commitment_input(kenya, orgs.ken_gov, kind="matching_pledge", matches=request)
    )
    assert offer.matches == request


def test_amounts_only_for_financial_support_with_a_currency(people, orgs, kenya):
    row = {"stage": "pledged", "amount": 1000, "currency": "usd", "date": datetime.date(2025, 3, 1)}
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(people.focal_ken, commitment_input(kenya, orgs.ken_gov, amounts=[row]))
    assert caught.value.field == "amounts"
    commitment = services.create_commitment(
        people.focal_ken, commitment_input(kenya, orgs.ken_gov, amounts=[row], form_of_support="financial")
    )
    assert commitment.amounts.get().currency == "USD"
    bad = {**row, "currency": "DOLLARS"}
    with pytest.raises(ValidationError):
        services.create_commitment(
            people.focal_ken, commitment_input(kenya, orgs.ken_gov, amounts=[bad], form_of_support="financial")
        )


def test_due_date_or_horizon_not_both(people, orgs, kenya):
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(people.focal_ken, commitment_input(kenya, orgs.ken_gov, horizon_years=5))
    assert caught.value.field == "horizon_years"
    commitment = services.create_commitment(
        people.focal_ken, commitment_input(kenya, orgs.ken_gov, horizon_years=5, due_date=None)
    )
    assert commitment.due_by == datetime.date(2030, 1, 1)


def test_joint_pledge_needs_partners(people, orgs, kenya):
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(people.focal_ken, commitment_input(kenya, orgs.ken_gov, kind="joint_pledge"))
    assert caught.value.field == "partners"


def test_update_replaces_content_and_relations(people, orgs, make_commitment):
    commitment = make_commitment()
    data = CommitmentInput.from_commitment(commitment)
    data.title = "Legal aid at twelve posts"
    data.objectives = [objective(3)]
    data.partners = []
    assert services.update_commitment(people.contributor_ken, commitment, data, commitment.version) is True
    commitment.refresh_from_db()
    assert commitment.title == "Legal aid at twelve posts"
    assert [link.objective.number for link in commitment.objective_links.all()] == [3]
    assert not commitment.partners.exists()


def test_stale_version_conflicts_and_keeps_the_stored_record(people, make_commitment):
    commitment = make_commitment()
    first = CommitmentInput.from_commitment(commitment)
    first.title = "First edit"
    stale_version = commitment.version
    services.update_commitment(people.contributor_ken, commitment, first, stale_version)
    again = Commitment.objects.get(pk=commitment.pk)
    second = CommitmentInput.from_commitment(again)
    second.title = "Second edit"
    with pytest.raises(EditConflict):
        services.update_commitment(people.focal_ken, again, second, stale_version)
    assert Commitment.objects.get(pk=commitment.pk).title == "First edit"


def test_edit_of_published_by_owner_is_held_until_approved(people, make_commitment):
    commitment = make_commitment("published")
    data = CommitmentInput.from_commitment(commitment)
    data.title = "A proposed new title"
    data.objectives = [objective(1)]
    live = services.update_commitment(people.contributor_ken, commitment, data, commitment.version)
    assert live is False
    stored = Commitment.objects.get(pk=commitment.pk)
    assert stored.title == "Free legal aid desks at every border post"
    assert [link.objective.number for link in stored.objective_links.all()] == [7, 12]
    assert stored.pending_changes["title"] == "A proposed new title"
    services.approve_commitment(people.reviewer, stored, stored.version, exception_reason="")
    stored = Commitment.objects.get(pk=commitment.pk)
    assert stored.title == "A proposed new title"
    assert [link.objective.number for link in stored.objective_links.all()] == [1]
    assert not stored.has_pending_changes


def test_rejecting_a_held_edit_keeps_the_published_version(people, make_commitment):
    commitment = make_commitment("published")
    data = CommitmentInput.from_commitment(commitment)
    data.title = "Rejected title"
    services.update_commitment(people.contributor_ken, commitment, data, commitment.version)
    stored = Commitment.objects.get(pk=commitment.pk)
    services.reject_commitment(people.reviewer, stored, stored.version, "Keep the original wording.")
    stored = Commitment.objects.get(pk=commitment.pk)
    assert stored.title == "Free legal aid desks at every border post"
    assert stored.is_published and not stored.has_pending_changes
    assert stored.rejection_reason == "Keep the original wording."


def test_admin_edit_of_published_goes_live(people, make_commitment):
    commitment = make_commitment("published")
    data = CommitmentInput.from_commitment(commitment)
    data.title = "Corrected by the administrator"
    assert services.update_commitment(people.admin, commitment, data, commitment.version) is True
    assert Commitment.objects.get(pk=commitment.pk).title == "Corrected by the administrator"


def test_delete_draft_and_conflict(people, make_commitment):
    commitment = make_commitment()
    with pytest.raises(EditConflict):
        services.delete_commitment(people.contributor_ken, commitment, commitment.version + 1)
    services.delete_commitment(people.contributor_ken, commitment, commitment.version)
    assert not Commitment.objects.filter(pk=commitment.pk).exists()


def test_published_commitment_is_not_deleted_by_its_editors(people, make_commitment):
    commitment = make_commitment("published")
    with pytest.raises(PermissionDenied):
        services.delete_commitment(people.focal_ken, commitment, commitment.version)
    services.delete_commitment(people.admin, commitment, commitment.version)


def test_post_update_by_partner_sets_state_of_a_draft(people, orgs, make_commitment):
    commitment = make_commitment()
    version = commitment.version
    update = services.post_update(
        people.partner_ken,
        commitment,
        reported_on=datetime.date(2025, 6, 1),
        status="in_progress",
        completion="limited",
        narrative="Three desks open.",
        metric_value=3,
        links=["https://example.org/report", {"url": "https://example.org/photo", "title": "Photo"}],
    )
    assert update.organization == orgs.ken_ngo
    assert update.evidence.count() == 2
    commitment.refresh_from_db()
    assert (commitment.status, commitment.completion) == ("in_progress", "limited")
    assert commitment.version == version + 1


def test_update_of_published_commitment_applies_when_published(people, make_commitment):
    commitment = make_commitment("published")
    update = services.post_update(
        people.contributor_ken,
        commitment,
        reported_on=datetime.date(2025, 6, 1),
        status="achieved",
        completion="complete",
    )
    commitment.refresh_from_db()
    assert commitment.status == "planned"
    services.publish_update(people.reviewer, update, update.version)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.completion) == ("achieved", "complete")


def test_update_date_cannot_be_in_the_future(people, make_commitment):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as caught:
        services.post_update(
            people.contributor_ken,
            commitment,
            reported_on=datetime.date.today() + datetime.timedelta(days=3),
            status="in_progress",
            completion="limited",
        )
    assert caught.value.field == "reported_on"


def test_member_reports_for_their_own_organisation_only(people, orgs, make_commitment):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as caught:
        services.post_update(
            people.partner_ken,
            commitment,
            reported_on=datetime.date(2025, 6, 1),
            status="in_progress",
            completion="limited",
            organization=orgs.ken_gov,
        )
    assert caught.value.field == "organization"


def test_verification_is_kept_apart_from_the_report(people, make_commitment):
    commitment = make_commitment("published")
    update = services.post_update(
        people.contributor_ken, commitment, reported_on=datetime.date(2025, 6, 1), status="achieved", completion="complete"
    )
    services.verify_update(people.reviewer, update, "partly_verified", "Only 6 of 10 desks seen.", update.version)
    update.refresh_from_db()
    assert (update.status, update.completion) == ("achieved", "complete")
    assert (update.verification, update.verification_note) == ("partly_verified", "Only 6 of 10 desks seen.")
    assert update.verified_by == people.reviewer
    with pytest.raises(ValidationError):
        services.verify_update(people.reviewer, update, "sort_of", "", update.version)
    with pytest.raises(EditConflict):
        services.verify_update(people.reviewer, update, "verified", "", update.version - 1)


def test_visible_updates_public_sees_published_only(people, make_commitment):
    from django.contrib.auth.models import AnonymousUser

    commitment = make_commitment("published")
    hidden = services.post_update(
        people.contributor_ken, commitment, reported_on=datetime.date(2025, 6, 1), status="in_progress", completion="limited"
    )
    shown = services.post_update(
        people.contributor_ken, commitment, reported_on=datetime.date(2025, 7, 1), status="in_progress", completion="limited"
    )
    services.publish_update(people.reviewer, shown, shown.version)
    assert list(services.visible_updates(AnonymousUser(), commitment)) == [shown]
    assert set(services.visible_updates(people.partner_ken, commitment)) == {hidden, shown}
    assert CommitmentUpdate.objects.count() == 2
