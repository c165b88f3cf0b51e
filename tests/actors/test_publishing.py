"""Edits of a published organisation by its focal point wait for a reviewer
(gcmhub.publishing, issue 7 §4): the public keeps seeing the published
version on pages and in the API until the change is approved."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from gcmhub.actors import services
from gcmhub.actors.history import history_of
from gcmhub.actors.models import Organization
from gcmhub.errors import EditConflict, NotFound

ANONYMOUS = {"user": AnonymousUser()}
NEW_NAME = "Ministry of Labour and Social Protection"


def stored(organization):
    return Organization.objects.get(pk=organization.pk)


@pytest.fixture
def proposed(people, orgs):
    """The Kenyan focal point renamed the published ministry."""
    services.update_organization(people.focal_ken, orgs.ken_pub, {"name": NEW_NAME}, 1)
    return stored(orgs.ken_pub)


def test_an_edit_of_a_published_record_is_held_not_published(proposed):
    assert proposed.name == "Kenya Ministry of Labour"
    assert proposed.pending_changes == {"name": NEW_NAME}
    assert proposed.version == 2


def test_the_public_sees_the_published_version_everywhere(api, client, proposed):
    assert api.get(f"/organizations/{proposed.pk}", **ANONYMOUS).json()["name"] == "Kenya Ministry of Labour"
    assert NEW_NAME not in api.get("/organizations", **ANONYMOUS).content.decode()
    assert NEW_NAME not in api.get(f"/organizations/{proposed.pk}/history", **ANONYMOUS).content.decode()
    assert api.get(f"/organizations/{proposed.pk}/pending-change", **ANONYMOUS).status_code == 404
    page = client.get(reverse("actors:organization", args=[proposed.pk])).content.decode()
    assert NEW_NAME not in page and "Kenya Ministry of Labour" in page


def test_the_api_answers_202_and_staff_read_the_proposal(api, people, orgs, bearer):
    response = api.patch(
        f"/organizations/{orgs.ken_pub.pk}", json={"version": 1, "acronym": "MOL"}, headers=bearer(people.focal_ken)
    )
    assert response.status_code == 202
    assert (response.json()["acronym"], response.json()["version"]) == ("", 2)
    for reader in (people.focal_ken, people.reviewer):
        pending = api.get(f"/organizations/{orgs.ken_pub.pk}/pending-change", headers=bearer(reader))
        assert pending.status_code == 200
        body = pending.json()
        assert (body["proposed_by"], body["version"]) == ("focal-ken", 2)
        assert body["changes"] == [{"field": "acronym", "label": "Acronym", "old": "", "new": "MOL"}]
    other = api.get(f"/organizations/{orgs.ken_pub.pk}/pending-change", headers=bearer(people.focal_mex))
    assert other.status_code == 404


def test_a_reviewer_approves_the_version_they_read(api, people, proposed, bearer):
    path = f"/organizations/{proposed.pk}/publication"
    assert api.post(path, json={"version": 1}, headers=bearer(people.reviewer)).status_code == 409
    assert api.post(path, json={"version": 2}, headers=bearer(people.focal_ken)).status_code == 403
    response = api.post(path, json={"version": 2}, headers=bearer(people.reviewer))
    assert response.status_code == 200 and response.json()["name"] == NEW_NAME
    assert api.get(f"/organizations/{proposed.pk}", **ANONYMOUS).json()["name"] == NEW_NAME
    after = stored(proposed)
    assert after.pending_changes is None and after.is_published
    latest = history_of(after, reader=AnonymousUser())[0]
    assert latest.who == "Reviewer"
    assert [(c.field, c.old, c.new) for c in latest.changes if c.field == "name"] == [
        ("name", "Kenya Ministry of Labour", NEW_NAME)
    ]


def test_successive_edits_refine_one_proposal(people, proposed):
    services.update_organization(people.focal_ken, proposed, {"acronym": "MOLSP"}, 2)
    assert stored(proposed).pending_changes == {"name": NEW_NAME, "acronym": "MOLSP"}
    # Putting every field back withdraws the proposal.
    services.update_organization(
        people.focal_ken, stored(proposed), {"name": "Kenya Ministry of Labour", "acronym": ""}, 3
    )
    assert stored(proposed).pending_changes is None


def test_two_editors_cannot_overwrite_each_others_proposal(people, proposed):
    with pytest.raises(EditConflict):
        services.update_organization(people.focal_ken, proposed, {"acronym": "X"}, 1)


def test_an_administrators_edit_goes_live_and_the_proposal_keeps_only_its_own_fields(people, proposed):
    services.update_organization(people.admin, proposed, {"website": "https://labour.go.ke"}, 2)
    services.publish_organization(people.reviewer, stored(proposed), True, 3)
    after = stored(proposed)
    assert (after.name, after.website) == (NEW_NAME, "https://labour.go.ke")


def test_discarding_keeps_the_published_version(api, people, proposed, bearer):
    path = f"/organizations/{proposed.pk}/pending-change?version=2"
    assert api.delete(path, headers=bearer(people.focal_mex)).status_code == 404
    with pytest.raises(NotFound):
        services.discard_proposed_change(people.contributor_ken, proposed, 2)
    response = api.delete(path, headers=bearer(people.reviewer))
    assert response.status_code == 200
    after = stored(proposed)
    assert (after.name, after.pending_changes) == ("Kenya Ministry of Labour", None)
    entries = history_of(after, reader=people.focal_ken, show_usernames=True)
    assert [entry.action for entry in entries[:2]] == ["discarded", "proposed"]
    assert [entry.action for entry in history_of(after, reader=AnonymousUser())] == ["created"]


def test_withdrawing_makes_the_proposal_part_of_the_draft(people, proposed):
    services.publish_organization(people.reviewer, proposed, False, 2)
    after = stored(proposed)
    assert (after.is_published, after.name, after.pending_changes) == (False, NEW_NAME, None)
    # A draft is edited directly by its focal point.
    services.update_organization(people.focal_ken, after, {"acronym": "MOL"}, after.version)
    assert stored(proposed).acronym == "MOL"


def test_drafts_and_reviewers_edits_go_live_at_once(people, orgs):
    services.update_organization(people.focal_ken, orgs.ken_draft, {"acronym": "NMC"}, 1)
    services.update_organization(people.admin, orgs.ken_pub, {"acronym": "MOL"}, 1)
    assert (stored(orgs.ken_draft).acronym, stored(orgs.ken_pub).acronym) == ("NMC", "MOL")


# --- pages --------------------------------------------------------------------------


def form_data(organization, **changes):
    data = {"name": organization.name, "acronym": organization.acronym, "kind": organization.kind, "area": "KEN",
            "parent": "", "website": "", "description": "", "version": str(organization.version)}  # fmt: skip
    return {**data, **changes}


def test_the_edit_page_says_the_change_will_be_reviewed_and_starts_from_the_proposal(client, people, proposed):
    client.force_login(people.focal_ken)
    page = client.get(reverse("actors:organization-edit", args=[proposed.pk]))
    assert "Your changes will wait for a reviewer" in page.content.decode()
    assert page.context["form"].initial["name"] == NEW_NAME
    response = client.post(
        reverse("actors:organization-edit", args=[proposed.pk]), form_data(proposed, name=NEW_NAME, acronym="MOL"),
        follow=True,
    )  # fmt: skip
    assert "waiting for review" in response.content.decode()
    assert stored(proposed).name == "Kenya Ministry of Labour"


def test_a_reviewer_approves_from_the_page(client, people, proposed):
    client.force_login(people.reviewer)
    page = client.get(reverse("actors:organization", args=[proposed.pk])).content.decode()
    assert "Change waiting for review" in page and NEW_NAME in page
    client.post(reverse("actors:organization-publish", args=[proposed.pk]), {"version": "2", "published": "1"})
    assert stored(proposed).name == NEW_NAME


def test_an_editor_discards_from_the_page(client, people, proposed):
    client.force_login(people.focal_ken)
    client.post(reverse("actors:organization-discard-change", args=[proposed.pk]), {"version": "2"})
    assert stored(proposed).pending_changes is None
