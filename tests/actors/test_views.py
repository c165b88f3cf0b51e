"""Web pages: the same rules as the services, a 403 page when they say no,
forms that keep the input and report concurrent edits."""

import pytest
from django.test import override_settings
from django.urls import reverse

from gcmhub.actors import services
from gcmhub.actors.models import ApiToken, Organization, User

from .conftest import PASSWORD


def url(name, *args):
    return reverse(f"actors:{name}", args=args)


def org_form(**overrides):
    data = {"name": "Kenya Red Cross", "acronym": "", "kind": "civil-society", "area": "KEN", "parent": "",
            "website": "", "description": "", "version": "1"}
    return {**data, **overrides}


# --- organisations -----------------------------------------------------------


def test_public_list_shows_only_published_and_labels_demo_records(client, orgs):
    Organization.objects.filter(pk=orgs.mex_pub.pk).update(is_demo=True)
    response = client.get(url("organizations"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kenya Ministry of Labour" in content
    assert "Nairobi Migrant Collective" not in content
    assert content.count("Invented demo record") == 1


def test_list_filters_by_country_and_type(client, orgs):
    response = client.get(url("organizations"), {"area": "MEX", "kind": "ministry-agency"})
    assert [o.name for o in response.context["page"].object_list] == ["Mexico Migration Institute"]
    unknown = client.get(url("organizations"), {"area": "QQQ"})
    assert list(unknown.context["page"].object_list) == []
    assert "QQQ" in unknown.context["filter_error"]


def test_unpublished_detail_is_404_for_the_public(client, orgs):
    assert client.get(url("organization", orgs.ken_draft.pk)).status_code == 404
    assert client.get(url("organization", orgs.ken_pub.pk)).status_code == 200


def test_detail_shows_history_with_who_and_what(client, people, orgs):
    services.update_organization(people.focal_ken, orgs.ken_draft, {"acronym": "MOL"}, 1)
    client.force_login(people.focal_ken)
    response = client.get(url("organization", orgs.ken_draft.pk))
    content = response.content.decode()
    assert "focal-ken" in content and "MOL" in content
    assert '<th scope="col">Who</th>' in content


def test_focal_point_of_kenya_gets_403_editing_a_mexican_organisation(client, people, orgs):
    client.force_login(people.focal_ken)
    assert client.get(url("organization-edit", orgs.mex_pub.pk)).status_code == 403
    response = client.post(url("organization-edit", orgs.mex_pub.pk), org_form(name="Hijacked", area="MEX"))
    assert response.status_code == 403
    assert Organization.objects.get(pk=orgs.mex_pub.pk).name == "Mexico Migration Institute"


def test_edit_needs_a_login(client, orgs):
    response = client.get(url("organization-edit", orgs.ken_pub.pk))
    assert response.status_code == 302 and url("login") in response["Location"]


def test_focal_point_creates_an_organisation_in_their_country(client, people, kenya):
    client.force_login(people.focal_ken)
    form = client.get(url("organization-create")).context["form"]
    assert [code for code, _name in form.fields["area"].choices] == ["KEN"]
    response = client.post(url("organization-create"), org_form())
    created = Organization.objects.get(name="Kenya Red Cross")
    assert response.status_code == 302 and response["Location"] == url("organization", created.pk)
    assert created.history.first().history_user == people.focal_ken


def test_forged_country_is_refused_by_the_form_and_keeps_the_input(client, people, mexico):
    client.force_login(people.focal_ken)
    response = client.post(url("organization-create"), org_form(area="MEX", description="Typed with care"))
    assert response.status_code == 422
    assert "Typed with care" in response.content.decode()
    assert not Organization.objects.filter(name="Kenya Red Cross").exists()


@pytest.mark.parametrize("actor", ["contributor_ken", "stakeholder_ken", "reviewer"])
def test_members_and_reviewers_get_403_on_create(client, people, actor):
    client.force_login(getattr(people, actor))
    assert client.get(url("organization-create")).status_code == 403


def test_stakeholder_sees_own_unpublished_organisation_without_an_edit_button(client, people, orgs):
    client.force_login(people.stakeholder_ken)
    response = client.get(url("organization", orgs.ken_draft.pk))
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert url("organization-edit", orgs.ken_draft.pk) not in response.content.decode()


def test_edit_form_keeps_input_and_explains_a_conflict(client, people, orgs):
    client.force_login(people.focal_ken)
    # Someone else saves while this user has the form open at version 1.
    services.update_organization(people.admin, orgs.ken_pub, {"acronym": "MOL"}, 1)
    response = client.post(url("organization-edit", orgs.ken_pub.pk), org_form(name="My careful rename", version="1"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed by someone else" in content
    assert "admin saved a new version" in content
    assert 'value="My careful rename"' in content
    stored = Organization.objects.get(pk=orgs.ken_pub.pk)
    assert (stored.name, stored.version) == ("Kenya Ministry of Labour", 2)


def test_edit_saves_with_the_current_version(client, people, orgs):
    client.force_login(people.focal_ken)
    form = client.get(url("organization-edit", orgs.ken_draft.pk)).context["form"]
    assert form.initial["version"] == 1
    data = org_form(name="Renamed collective")
    response = client.post(url("organization-edit", orgs.ken_draft.pk), data)
    assert response.status_code == 302
    assert Organization.objects.get(pk=orgs.ken_draft.pk).name == "Renamed collective"


def test_reviewer_publishes_from_the_detail_page(client, people, orgs):
    client.force_login(people.reviewer)
    page = client.get(url("organization", orgs.ken_draft.pk))
    assert "Approve and publish" in page.content.decode()
    client.post(url("organization-publish", orgs.ken_draft.pk), {"version": "1", "published": "1"})
    assert Organization.objects.get(pk=orgs.ken_draft.pk).is_published


def test_focal_point_cannot_publish(client, people, orgs):
    client.force_login(people.focal_ken)
    response = client.post(url("organization-publish", orgs.ken_draft.pk), {"version": "1", "published": "1"})
    assert response.status_code == 403
    assert not Organization.objects.get(pk=orgs.ken_draft.pk).is_published


# --- accounts ----------------------------------------------------------------


def test_focal_point_lists_only_their_countrys_accounts(client, people):
    client.force_login(people.focal_ken)
    response = client.get(url("users"))
    assert {u.username for u in response.context["users"]} == {"focal-ken", "contributor-ken", "stakeholder-ken"}


@pytest.mark.parametrize("actor", ["contributor_ken", "stakeholder_ken", "reviewer"])
def test_users_page_is_403_without_the_right(client, people, actor):
    client.force_login(getattr(people, actor))
    assert client.get(url("users")).status_code == 403
    assert client.get(url("user-create")).status_code == 403


def user_form(**overrides):
    data = {"username": "amina", "email": "", "role": "contributor", "area": "", "organization": "",
            "password1": "a fresh passphrase", "password2": "a fresh passphrase"}
    return {**data, **overrides}


def test_focal_point_creates_a_contributor(client, people, orgs):
    client.force_login(people.focal_ken)
    form = client.get(url("user-create")).context["form"]
    assert "admin" not in dict(form.fields["role"].choices)
    assert set(form.fields["organization"].queryset) == {orgs.ken_pub, orgs.ken_draft}
    response = client.post(url("user-create"), user_form(organization=str(orgs.ken_pub.pk)))
    assert response.status_code == 302
    assert User.objects.get(username="amina").organization == orgs.ken_pub


def test_focal_point_forging_a_mexican_account_is_refused(client, people, orgs):
    """The form offers only Kenya; a forged value never reaches the service."""
    client.force_login(people.focal_ken)
    response = client.post(url("user-create"), user_form(role="focal-point", area="MEX"))
    assert response.status_code == 422
    assert response.context["form"].errors["area"]
    assert not User.objects.filter(username="amina").exists()


def test_weak_password_is_rejected_on_the_form_keeping_the_username(client, people, orgs):
    client.force_login(people.admin)
    response = client.post(
        url("user-create"),
        user_form(organization=str(orgs.ken_pub.pk), password1="12345678901", password2="12345678901"),
    )
    assert response.status_code == 422
    assert "entirely numeric" in response.content.decode()
    assert 'value="amina"' in response.content.decode()
    assert "12345678901" not in response.content.decode()
    assert not User.objects.filter(username="amina").exists()


def test_missing_scope_is_shown_on_the_scope_field(client, people):
    client.force_login(people.admin)
    response = client.post(url("user-create"), user_form(role="focal-point"))
    assert response.status_code == 422
    assert response.context["form"].errors["area"]


# --- own page and tokens -----------------------------------------------------


def test_me_shows_role_and_scope(client, people):
    client.force_login(people.focal_ken)
    content = client.get(url("me")).content.decode()
    assert "National focal point" in content and "Kenya (KEN)" in content


def test_token_key_is_shown_once(client, people):
    client.force_login(people.reviewer)
    response = client.post(url("token-create"), {"name": "nightly import"})
    assert response.status_code == 201
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert services.authenticate_token(key) == people.reviewer
    assert key not in client.get(url("me")).content.decode()


def test_revoking_a_token(client, people):
    token, key = services.issue_token(None, people.reviewer, "old script")
    client.force_login(people.reviewer)
    response = client.post(url("token-revoke", token.pk))
    assert response.status_code == 302
    assert services.authenticate_token(key) is None


def test_cannot_revoke_someone_elses_token(client, people):
    token, _key = services.issue_token(None, people.reviewer, "theirs")
    client.force_login(people.focal_ken)
    # Reported like a missing token: ids do not tell who has tokens.
    assert client.post(url("token-revoke", token.pk)).status_code == 404
    assert client.post(url("token-revoke", 987654)).status_code == 404
    assert not ApiToken.objects.get(pk=token.pk).is_revoked


# --- login -------------------------------------------------------------------


def test_login_and_logout(client, people):
    response = client.post(url("login"), {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url("me")
    assert client.get(url("me")).status_code == 200
    client.post(url("logout"))
    assert client.get(url("me")).status_code == 302


def test_login_is_throttled_after_the_failure_limit(client, people, settings):
    assert settings.AXES_FAILURE_LIMIT == 3
    for _attempt in range(3):
        client.post(url("login"), {"username": "reviewer", "password": "wrong guess"})
    locked = client.post(url("login"), {"username": "reviewer", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert client.get(url("me")).status_code == 302  # the right password did not get in


def test_demo_credentials_are_hidden_outside_demo_mode(client, db):
    content = client.get(url("login")).content.decode()
    assert "demo-admin" not in content and "Demo accounts" not in content


@override_settings(DEMO_MODE=True)
def test_demo_credentials_are_shown_in_demo_mode(client, db):
    content = client.get(url("login")).content.decode()
    assert "Demo accounts" in content
    assert "demo-focal-ken" in content and "marrakech-kenya-2018" in content
