"""Editing, deactivating and reactivating accounts: the same scope rules as
creating them, on every interface, with conflict detection and history."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from gcmhub.actors import services
from gcmhub.actors.models import ApiToken, User
from gcmhub.errors import EditConflict, Forbidden, InvalidInput, NotFound

from .conftest import PASSWORD, make_user


def url(name, *args):
    return reverse(f"actors:{name}", args=args)


@pytest.fixture
def mex_member(people, orgs):
    return make_user("contributor-mex", User.Role.CONTRIBUTOR, organization=orgs.mex_pub)


# --- services ----------------------------------------------------------------


def test_focal_point_edits_a_kenyan_account_and_history_records_it(people, orgs):
    user = services.update_user(
        people.focal_ken,
        people.contributor_ken,
        {"email": " wanjiru@example.org ", "first_name": "Wanjiru", "organization": orgs.ken_draft.pk},
        1,
    )
    user.refresh_from_db()
    assert (user.email, user.first_name, user.organization, user.version) == (
        "wanjiru@example.org", "Wanjiru", orgs.ken_draft, 2,
    )
    latest = user.history.first()
    assert latest.history_user == people.focal_ken and latest.history_type == "~"


def test_focal_point_cannot_reach_a_mexican_account(people, mex_member):
    with pytest.raises(Forbidden):
        services.update_user(people.focal_ken, mex_member, {"first_name": "X"}, 1)
    with pytest.raises(Forbidden):
        services.set_user_active(people.focal_ken, mex_member, False)
    with pytest.raises(Forbidden):
        services.get_manageable_user(people.focal_ken, mex_member.pk)
    with pytest.raises(NotFound):
        services.get_manageable_user(people.focal_ken, 987654)
    mex_member.refresh_from_db()
    assert mex_member.first_name == "" and mex_member.is_active


@pytest.mark.parametrize(
    "data",
    [
        {"role": "admin", "organization": None},
        {"role": "reviewer", "organization": None},
        {"role": "focal-point", "area": "MEX", "organization": None},
        {"organization": "mex_pub"},
    ],
)
def test_focal_point_cannot_promote_to_admin_or_move_an_account_abroad(people, orgs, data):
    if data.get("organization") == "mex_pub":
        data = {"organization": orgs.mex_pub.pk}
    with pytest.raises(Forbidden):
        services.update_user(people.focal_ken, people.contributor_ken, data, 1)
    stored = User.objects.get(pk=people.contributor_ken.pk)
    assert (stored.role, stored.organization, stored.version) == ("contributor", orgs.ken_pub, 1)


def test_admin_changes_a_role_validated_by_check_role_scope(people, kenya):
    with pytest.raises(InvalidInput) as error:
        services.update_user(people.admin, people.reviewer, {"role": "focal-point"}, 1)
    assert error.value.field == "area"
    user = services.update_user(people.admin, people.reviewer, {"role": "focal-point", "area": "ken"}, 1)
    assert (user.role, user.area) == ("focal-point", kenya)


def test_unknown_fields_and_roles_are_invalid_input(people):
    with pytest.raises(InvalidInput):
        services.update_user(people.admin, people.reviewer, {"is_superuser": True}, 1)
    with pytest.raises(InvalidInput):
        services.update_user(people.admin, people.reviewer, {"role": "emperor"}, 1)


def test_nobody_changes_their_own_role_but_may_edit_their_name(people):
    with pytest.raises(Forbidden):
        services.update_user(people.admin, User.objects.get(pk=people.admin.pk), {"role": "reviewer"}, 1)
    user = services.update_user(people.admin, User.objects.get(pk=people.admin.pk), {"last_name": "Otieno"}, 1)
    assert user.last_name == "Otieno"


def test_stale_edit_is_a_conflict(people):
    services.update_user(people.admin, User.objects.get(pk=people.contributor_ken.pk), {"first_name": "A"}, 1)
    with pytest.raises(EditConflict):
        services.update_user(people.focal_ken, User.objects.get(pk=people.contributor_ken.pk), {"first_name": "B"}, 1)
    assert User.objects.get(pk=people.contributor_ken.pk).first_name == "A"


def test_deactivation_revokes_tokens_blocks_login_and_keeps_history(client, people, api):
    token, key = services.issue_token(None, people.contributor_ken, "script")
    services.set_user_active(people.focal_ken, people.contributor_ken, False)
    token.refresh_from_db()
    assert token.is_revoked
    assert services.authenticate_token(key) is None
    assert api.get("/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    refused = client.post(url("login"), {"username": "contributor-ken", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    stored = User.objects.get(pk=people.contributor_ken.pk)
    assert not stored.is_active and stored.version == 2
    assert stored.history.first().history_user == people.focal_ken
    # Reactivation restores sign-in but not the revoked tokens.
    services.set_user_active(people.focal_ken, stored, True)
    assert client.post(url("login"), {"username": "contributor-ken", "password": PASSWORD}).status_code == 302
    assert services.authenticate_token(key) is None


def test_a_deactivated_users_session_stops_working(client, people):
    client.force_login(people.focal_ken)
    assert client.get(url("users")).status_code == 200
    services.set_user_active(people.admin, people.focal_ken, False)
    assert client.get(url("users")).status_code == 302  # back to the login page


def test_nobody_deactivates_themselves(people):
    with pytest.raises(InvalidInput):
        services.set_user_active(people.focal_ken, people.focal_ken, False)
    with pytest.raises(InvalidInput):
        services.set_user_active(people.admin, people.admin, False)
    assert User.objects.get(pk=people.admin.pk).is_active


@pytest.mark.parametrize("actor", ["contributor_ken", "stakeholder_ken", "reviewer"])
def test_only_managers_edit_or_deactivate(people, actor):
    with pytest.raises(Forbidden):
        services.update_user(getattr(people, actor), people.focal_ken, {"first_name": "X"}, 1)
    with pytest.raises(Forbidden):
        services.set_user_active(getattr(people, actor), people.focal_ken, False)


# --- web ---------------------------------------------------------------------


def edit_form(**overrides):
    data = {"email": "", "first_name": "Wanjiru", "last_name": "", "role": "contributor", "area": "",
            "organization": "", "version": "1"}
    return {**data, **overrides}


def test_users_list_links_to_edit_and_toggle(client, people):
    client.force_login(people.focal_ken)
    content = client.get(url("users")).content.decode()
    assert url("user-edit", people.contributor_ken.pk) in content
    assert url("user-active", people.contributor_ken.pk) in content
    assert url("user-active", people.focal_ken.pk) not in content  # no self-deactivation button


def test_focal_point_edits_a_kenyan_account_on_the_web(client, people, orgs):
    client.force_login(people.focal_ken)
    page = client.get(url("user-edit", people.contributor_ken.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["version"] == 1
    response = client.post(
        url("user-edit", people.contributor_ken.pk), edit_form(organization=str(orgs.ken_pub.pk))
    )
    assert response.status_code == 302
    assert User.objects.get(pk=people.contributor_ken.pk).first_name == "Wanjiru"
    content = client.get(url("user-edit", people.contributor_ken.pk)).content.decode()
    assert "focal-ken" in content and '<th scope="col">Who</th>' in content


def test_web_edit_is_403_for_a_mexican_account_and_404_for_none(client, people, mex_member):
    client.force_login(people.focal_ken)
    assert client.get(url("user-edit", mex_member.pk)).status_code == 403
    assert client.post(url("user-edit", mex_member.pk), edit_form()).status_code == 403
    assert client.post(url("user-active", mex_member.pk), {"active": "0"}).status_code == 403
    assert client.get(url("user-edit", 987654)).status_code == 404
    assert User.objects.get(pk=mex_member.pk).is_active


def test_web_edit_is_403_without_the_right(client, people):
    client.force_login(people.contributor_ken)
    assert client.get(url("user-edit", people.stakeholder_ken.pk)).status_code == 403


def test_forged_admin_role_is_refused_keeping_the_input(client, people, orgs):
    client.force_login(people.focal_ken)
    response = client.post(url("user-edit", people.contributor_ken.pk), edit_form(role="admin"))
    assert response.status_code == 422
    assert response.context["form"].errors["role"]
    assert 'value="Wanjiru"' in response.content.decode()
    assert User.objects.get(pk=people.contributor_ken.pk).role == "contributor"


def test_stale_web_edit_shows_a_conflict_and_keeps_the_input(client, people, orgs):
    services.update_user(people.admin, User.objects.get(pk=people.contributor_ken.pk), {"last_name": "Kamau"}, 1)
    client.force_login(people.focal_ken)
    response = client.post(
        url("user-edit", people.contributor_ken.pk), edit_form(organization=str(orgs.ken_pub.pk))
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this account" in content and "admin" in content
    assert 'value="Wanjiru"' in content
    assert User.objects.get(pk=people.contributor_ken.pk).first_name == ""


def test_web_toggle_deactivates_and_reactivates(client, people):
    services.issue_token(None, people.stakeholder_ken, "script")
    client.force_login(people.focal_ken)
    assert client.get(url("user-active", people.stakeholder_ken.pk)).status_code == 405
    response = client.post(url("user-active", people.stakeholder_ken.pk), {"active": "0"})
    assert response.status_code == 302
    assert not User.objects.get(pk=people.stakeholder_ken.pk).is_active
    assert not ApiToken.objects.filter(user=people.stakeholder_ken, revoked_at__isnull=True).exists()
    client.post(url("user-active", people.stakeholder_ken.pk), {"active": "1"})
    assert User.objects.get(pk=people.stakeholder_ken.pk).is_active


def test_web_self_deactivation_is_refused_with_a_message(client, people):
    client.force_login(people.focal_ken)
    response = client.post(url("user-active", people.focal_ken.pk), {"active": "0"}, follow=True)
    assert "cannot deactivate your own account" in response.content.decode()
    assert User.objects.get(pk=people.focal_ken.pk).is_active


# --- API ---------------------------------------------------------------------


def test_api_lists_only_manageable_accounts(api, people, mex_member, bearer):
    response = api.get("/users", headers=bearer(people.focal_ken))
    assert response.status_code == 200
    names = {item["username"] for item in response.json()["items"]}
    assert names == {"focal-ken", "contributor-ken", "stakeholder-ken"}
    assert api.get("/users", headers=bearer(people.reviewer)).status_code == 403


def test_api_users_needs_someone(api, db):
    from django.contrib.auth.models import AnonymousUser

    assert api.get("/users", user=AnonymousUser()).status_code == 401


def test_api_patch_within_scope_and_conflict(api, people, orgs, bearer):
    headers = bearer(people.focal_ken)
    path = f"/users/{people.contributor_ken.pk}"
    response = api.patch(path, json={"version": 1, "email": "w@example.org"}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["version"], body["organization"]["id"]) == ("w@example.org", 2, orgs.ken_pub.pk)
    assert api.patch(path, json={"version": 1, "first_name": "Late"}, headers=headers).status_code == 409
    assert api.patch(path, json={"first_name": "No version"}, headers=headers).status_code == 422
    invalid = api.patch(path, json={"version": 2, "organization": None}, headers=headers)
    assert invalid.status_code == 422 and invalid.json()["field"] == "organization"


def test_api_focal_point_gets_403_for_mexico_and_for_admin_promotion(api, people, mex_member, bearer):
    headers = bearer(people.focal_ken)
    assert api.patch(f"/users/{mex_member.pk}", json={"version": 1}, headers=headers).status_code == 403
    assert api.post(f"/users/{mex_member.pk}/active", json={"active": False}, headers=headers).status_code == 403
    assert api.patch("/users/987654", json={"version": 1}, headers=headers).status_code == 404
    promote = {"version": 1, "role": "admin", "organization": None}
    assert api.patch(f"/users/{people.contributor_ken.pk}", json=promote, headers=headers).status_code == 403


def test_api_deactivation(api, people, bearer):
    victim_headers = bearer(people.contributor_ken)
    headers = bearer(people.focal_ken)
    response = api.post(f"/users/{people.contributor_ken.pk}/active", json={"active": False}, headers=headers)
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert api.get("/me", headers=victim_headers).status_code == 401
    own = api.post(f"/users/{people.focal_ken.pk}/active", json={"active": False}, headers=headers)
    assert own.status_code == 422


def test_api_writes_need_a_token(client, people):
    client.force_login(people.admin)
    response = client.patch(
        f"/api/v1/users/{people.reviewer.pk}", data={"version": 1}, content_type="application/json"
    )
    assert response.status_code == 401


# --- command line ------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_cli_deactivates_and_activates(people):
    _token, key = services.issue_token(None, people.reviewer, "script")
    assert "reviewer" in run("deactivate", "reviewer")
    stored = User.objects.get(username="reviewer")
    assert not stored.is_active and services.authenticate_token(key) is None
    assert stored.history.first().history_user is None  # the operator
    assert "(deactivated)" in run("list")
    run("activate", "reviewer")
    assert User.objects.get(username="reviewer").is_active


@pytest.mark.parametrize("action", ["deactivate", "activate"])
def test_cli_unknown_user_exits_2(db, action):
    with pytest.raises(CommandError) as error:
        run(action, "nobody-here")
    assert error.value.returncode == 2


def test_cli_missing_username_is_a_usage_error(db):
    with pytest.raises(CommandError):
        run("deactivate")
