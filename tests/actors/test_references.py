"""A reference to an organisation obeys the same read rules as reading it
(issue 7 §4): no name, and no "exists" versus "does not exist", leaks
through a parent or an account's organisation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from gcmhub.actors import services
from gcmhub.actors.history import history_of
from gcmhub.actors.models import Organization, User
from gcmhub.errors import InvalidInput

from .conftest import PASSWORD

ANONYMOUS = {"user": AnonymousUser()}
MISSING_ID = 987654321


def new_org(parent):
    return {"name": "Kenya Diaspora Council", "kind": "migrant-diaspora", "area": "KEN", "parent": parent}


def test_a_parent_the_writer_cannot_see_is_refused_like_a_missing_one(api, people, orgs, bearer):
    headers = bearer(people.focal_ken)
    hidden = api.post("/organizations", json=new_org(orgs.mex_draft.pk), headers=headers)
    missing = api.post("/organizations", json=new_org(MISSING_ID), headers=headers)
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["field"] == missing.json()["field"] == "parent"
    # One message, whichever the case (only the id sent differs).
    assert hidden.json()["detail"].replace(str(orgs.mex_draft.pk), "ID") == missing.json()["detail"].replace(
        str(MISSING_ID), "ID"
    )
    assert "Tijuana" not in hidden.content.decode()
    assert not Organization.objects.filter(name="Kenya Diaspora Council").exists()


def test_patching_in_a_hidden_parent_is_refused(api, people, orgs, bearer):
    path = f"/organizations/{orgs.ken_draft.pk}"
    response = api.patch(path, json={"version": 1, "parent": orgs.mex_draft.pk}, headers=bearer(people.focal_ken))
    assert response.status_code == 422 and "Tijuana" not in response.content.decode()
    assert Organization.objects.get(pk=orgs.ken_draft.pk).parent_id is None


def test_published_parents_of_any_country_may_be_referred_to(people, orgs):
    organization = services.create_organization(people.focal_ken, {**new_org(orgs.mex_pub.pk)})
    assert organization.parent == orgs.mex_pub


def test_the_form_refuses_a_hidden_parent_too(client, people, orgs):
    client.force_login(people.focal_ken)
    data = {"name": "Kenya Diaspora Council", "acronym": "", "kind": "migrant-diaspora", "area": "KEN",
            "parent": str(orgs.mex_draft.pk), "website": "", "description": ""}  # fmt: skip
    response = client.post(reverse("actors:organization-create"), data)
    assert response.status_code == 422
    assert "Tijuana" not in response.content.decode()
    assert not Organization.objects.filter(name="Kenya Diaspora Council").exists()


def test_an_account_cannot_be_tied_to_an_organisation_the_manager_cannot_see(people, orgs):
    """Before: 403 for another country's existing organisation, 422 for a missing id."""
    for organization_id in (orgs.mex_draft.pk, MISSING_ID):
        with pytest.raises(InvalidInput) as error:
            services.create_user(
                people.focal_ken, "new-member", "contributor", organization_id=organization_id, password=PASSWORD
            )
        assert error.value.field == "organization"
    with pytest.raises(InvalidInput) as error:
        services.update_user(people.focal_ken, people.contributor_ken, {"organization": orgs.mex_draft.pk})
    assert error.value.field == "organization"
    assert User.objects.get(pk=people.contributor_ken.pk).organization == orgs.ken_pub


def test_the_operator_at_the_command_line_sees_every_organisation(orgs):
    user = services.create_user(None, "operator-made", "stakeholder", organization_id=orgs.mex_draft.pk,
                                password=PASSWORD)  # fmt: skip
    assert user.organization == orgs.mex_draft


# --- a published organisation whose parent is not --------------------------------


@pytest.fixture
def unit_of_draft(people, orgs):
    """A published Kenyan unit of the unpublished Nairobi Migrant Collective."""
    services.update_organization(people.admin, orgs.ken_pub, {"parent": orgs.ken_draft.pk}, orgs.ken_pub.version)
    return Organization.objects.get(pk=orgs.ken_pub.pk)


def test_the_public_api_does_not_name_an_unpublished_parent(api, unit_of_draft, people, bearer):
    public = api.get(f"/organizations/{unit_of_draft.pk}", **ANONYMOUS)
    assert public.status_code == 200 and public.json()["parent"] is None
    listed = api.get("/organizations", params={"area": "KEN"}, **ANONYMOUS).content.decode()
    assert "Nairobi Migrant Collective" not in listed
    history = api.get(f"/organizations/{unit_of_draft.pk}/history", **ANONYMOUS).content.decode()
    assert "Nairobi Migrant Collective" not in history
    staff = api.get(f"/organizations/{unit_of_draft.pk}", headers=bearer(people.focal_ken))
    assert staff.json()["parent"]["name"] == "Nairobi Migrant Collective"


def test_the_public_pages_do_not_name_an_unpublished_parent(client, unit_of_draft, people):
    detail = client.get(reverse("actors:organization", args=[unit_of_draft.pk])).content.decode()
    listed = client.get(reverse("actors:organizations")).content.decode()
    assert "Nairobi Migrant Collective" not in detail
    assert "Nairobi Migrant Collective" not in listed
    client.force_login(people.focal_ken)
    staff_page = client.get(reverse("actors:organization", args=[unit_of_draft.pk])).content.decode()
    assert "Nairobi Migrant Collective" in staff_page


def test_history_does_not_name_what_the_reader_cannot_see(unit_of_draft, people):
    public = history_of(unit_of_draft, reader=AnonymousUser())
    staff = history_of(unit_of_draft, reader=people.focal_ken, show_usernames=True)
    assert [c.new for c in public[0].changes] == ["a record you cannot see"]
    assert [c.new for c in staff[0].changes] == ["Nairobi Migrant Collective"]



def test_editing_keeps_a_parent_the_editor_cannot_see(client, people, orgs):
    """An administrator made a Kenyan draft part of a Mexican draft; the Kenyan
    focal point's form neither names that parent nor clears it on saving."""
    services.update_organization(people.admin, orgs.ken_draft, {"parent": orgs.mex_draft.pk}, 1)
    client.force_login(people.focal_ken)
    path = reverse("actors:organization-edit", args=[orgs.ken_draft.pk])
    page = client.get(path)
    assert "Tijuana" not in page.content.decode() and "parent" not in page.context["form"].fields
    data = {"name": "Nairobi Migrant Collective", "acronym": "NMC", "kind": "civil-society", "area": "KEN",
            "parent": "", "website": "", "description": "", "version": "2"}  # fmt: skip
    assert client.post(path, data).status_code == 302
    stored = Organization.objects.get(pk=orgs.ken_draft.pk)
    assert (stored.acronym, stored.parent_id) == ("NMC", orgs.mex_draft.pk)
