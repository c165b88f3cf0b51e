"""The inbox: what waits for each role, through the same rules as everything else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gcmhub.commitments import services
from gcmhub.commitments.inbox import inbox_items, inbox_sections
from gcmhub.commitments.models import Commitment

TODAY = timezone.localdate()


def backdate(commitment, months):
    moment = timezone.now() - datetime.timedelta(days=round(30.44 * months))
    Commitment.objects.filter(pk=commitment.pk).update(last_reported_at=moment, created_at=moment)
    commitment.refresh_from_db()
    return commitment


def kinds(user):
    return [(item.kind, item.commitment.pk) for item in inbox_items(user, TODAY)]


def test_reviewer_sees_submissions_and_updates_to_review_but_is_never_asked_to_report(make_commitment, people):
    submitted = make_commitment("submitted")
    published = backdate(make_commitment("published", title="Old one"), 14)
    update = services.post_update(None, published, reported_on=TODAY, status="in_progress", completion="limited")
    backdate(published, 14)
    items = inbox_items(people.reviewer, TODAY)
    assert ("approval", submitted.pk) in kinds(people.reviewer)
    review = [item for item in items if item.kind == "update_review"]
    assert [item.update.pk for item in review] == [update.pk] and "publish, verify" in review[0].detail
    assert not [item for item in items if item.kind in {"stale", "inactive", "overdue", "update_due"}]


def test_owner_and_partner_members_and_focal_point_see_stale_inactive_overdue_due(make_commitment, people):
    stale = backdate(make_commitment("published", title="Stale"), 14)
    inactive = backdate(make_commitment("published", title="Inactive"), 30)
    due = backdate(make_commitment("published", title="Due soon"), 11.5)
    overdue = make_commitment("published", title="Overdue", due_date=TODAY - datetime.timedelta(days=3),
                              start_date=datetime.date(2020, 1, 1))  # fmt: skip
    fresh = make_commitment("published", title="Fresh")
    expected = {("stale", stale.pk), ("inactive", inactive.pk), ("update_due", due.pk), ("overdue", overdue.pk)}
    for user in (people.contributor_ken, people.partner_ken, people.focal_ken, people.stakeholder_partner):
        found = set(kinds(user))
        assert expected <= found, user.username
        assert not any(pk == fresh.pk for _kind, pk in found)
    # Not theirs: another country's focal point, an organisation that is neither owner nor partner.
    assert kinds(people.focal_mex) == [] and kinds(people.outsider) == []


def test_closed_commitments_and_drafts_ask_for_no_report(make_commitment, people):
    achieved = backdate(make_commitment("published", title="Done", status="achieved", completion="complete"), 30)
    draft = backdate(make_commitment("draft", title="Draft"), 30)
    pks = {pk for _kind, pk in kinds(people.focal_ken)}
    assert achieved.pk not in pks and draft.pk not in pks


def test_a_rejected_draft_goes_back_to_those_who_may_change_it(make_commitment, people):
    commitment = make_commitment("submitted")
    services.reject_commitment(people.reviewer, commitment, commitment.version, "Add a baseline year.")
    (item,) = [i for i in inbox_items(people.contributor_ken, TODAY) if i.kind == "returned"]
    assert item.commitment.pk == commitment.pk and item.detail == "Add a baseline year."
    assert not [i for i in inbox_items(people.focal_mex, TODAY) if i.kind == "returned"]
    assert not [i for i in inbox_items(people.outsider, TODAY) if i.kind == "returned"]


def test_anonymous_and_inactive_users_have_an_empty_inbox(make_commitment, people):
    from django.contrib.auth.models import AnonymousUser

    make_commitment("submitted")
    assert inbox_sections(AnonymousUser(), TODAY) == []
    people.reviewer.is_active = False
    assert inbox_sections(people.reviewer, TODAY) == []


def test_inbox_page_needs_sign_in_and_lists_items(client, make_commitment, people):
    url = reverse("commitments_inbox:inbox")
    assert url == "/en/inbox/"
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    submitted = make_commitment("submitted", title="Waiting for approval")
    client.force_login(people.reviewer)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Waiting for approval" in page and "Commitments waiting for your approval" in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    client.force_login(people.outsider)
    page = client.get(url).content.decode()
    assert "Waiting for approval" not in page and "Nothing waits for you" in page
    assert submitted.title not in page


@pytest.mark.parametrize("language,text", [("fr", "Votre boîte de réception"), ("es", "Su bandeja de entrada")])
def test_inbox_page_is_translated(client, people, language, text):
    client.force_login(people.outsider)
    page = client.get(f"/{language}/inbox/").content.decode()
    assert text in page
