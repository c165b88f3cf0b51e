"""The API: bearer tokens for writes, sessions or nobody for reads, and the
same rules and conflict detection as everywhere else."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.actors import services
from gcmhub.actors.models import Organization

ANONYMOUS = {"user": AnonymousUser()}


def test_me_with_a_token(api, people, bearer):
    response = api.get("/me", headers=bearer(people.focal_ken))
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["area"]) == ("focal-ken", "focal-point", "KEN")
    assert body["can_add_organization"] is True and body["can_manage_users"] is True


def test_me_needs_someone(api, db):
    assert api.get("/me", **ANONYMOUS).status_code == 401


@pytest.mark.parametrize("header", ["Bearer gcm_not-a-real-key", "Basic Zm9vOmJhcg==", "Bearer "])
def test_wrong_tokens_are_401_even_on_public_reads(api, orgs, header):
    response = api.get("/organizations", headers={"Authorization": header}, **ANONYMOUS)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_revoked_token_is_refused(api, people):
    token, key = services.issue_token(None, people.admin, "old")
    services.revoke_token(people.admin, token)
    headers = {"Authorization": f"Bearer {key}"}
    response = api.post("/organizations", json={"name": "X", "kind": "academia"}, headers=headers)
    assert response.status_code == 401


def test_anonymous_lists_only_published(api, orgs):
    response = api.get("/organizations", **ANONYMOUS)
    assert response.status_code == 200
    names = {item["name"] for item in response.json()["items"]}
    assert names == {"Kenya Ministry of Labour", "Mexico Migration Institute", "International Example Organisation"}


def test_unpublished_organisation_is_404_for_the_public_and_visible_to_its_focal_point(api, orgs, people, bearer):
    path = f"/organizations/{orgs.ken_draft.pk}"
    assert api.get(path, **ANONYMOUS).status_code == 404
    response = api.get(path, headers=bearer(people.focal_ken))
    assert response.status_code == 200
    assert response.json()["is_published"] is False


def test_list_filters(api, orgs):
    response = api.get("/organizations?area=MEX&kind=ministry-agency", **ANONYMOUS)
    assert [item["name"] for item in response.json()["items"]] == ["Mexico Migration Institute"]
    assert response.json()["items"][0]["area"] == "MEX"
    assert api.get("/organizations?area=QQQ", **ANONYMOUS).status_code == 422
    assert api.get("/organizations?kind=guild", **ANONYMOUS).status_code == 422


def test_create_needs_a_token(api, kenya):
    response = api.post("/organizations", json={"name": "X", "kind": "academia", "area": "KEN"}, **ANONYMOUS)
    assert response.status_code == 401
    assert not Organization.objects.filter(name="X").exists()


def test_focal_point_creates_through_the_api(api, people, bearer):
    payload = {"name": "University of Nairobi", "kind": "academia", "area": "KEN", "website": "https://uonbi.ac.ke"}
    response = api.post("/organizations", json=payload, headers=bearer(people.focal_ken))
    assert response.status_code == 201
    body = response.json()
    assert (body["area"], body["kind_label"], body["version"]) == ("KEN", "Academia", 1)
    created = Organization.objects.get(pk=body["id"])
    assert created.history.first().history_user == people.focal_ken


def test_focal_point_of_kenya_gets_403_on_a_mexican_organisation(api, people, orgs, bearer):
    response = api.patch(
        f"/organizations/{orgs.mex_pub.pk}", json={"version": 1, "name": "Hijacked"}, headers=bearer(people.focal_ken)
    )
    assert response.status_code == 403
    assert Organization.objects.get(pk=orgs.mex_pub.pk).name == "Mexico Migration Institute"


def test_focal_point_cannot_create_in_another_country(api, people, bearer, mexico):
    payload = {"name": "Elsewhere", "kind": "academia", "area": "MEX"}
    assert api.post("/organizations", json=payload, headers=bearer(people.focal_ken)).status_code == 403


def test_contributor_gets_403_on_create(api, people, bearer):
    payload = {"name": "Elsewhere", "kind": "academia", "area": "KEN"}
    assert api.post("/organizations", json=payload, headers=bearer(people.contributor_ken)).status_code == 403


def test_invalid_input_is_422_naming_the_field(api, people, bearer):
    headers = bearer(people.admin)
    bad_area = api.post("/organizations", json={"name": "X", "kind": "academia", "area": "ZZZ"}, headers=headers)
    assert bad_area.status_code == 422
    assert bad_area.json()["field"] == "area"
    bad_kind = api.post("/organizations", json={"name": "X", "kind": "guild"}, headers=headers)
    assert bad_kind.status_code == 422


def test_patch_changes_only_what_is_sent_and_detects_conflicts(api, people, orgs, bearer):
    headers = bearer(people.focal_ken)
    path = f"/organizations/{orgs.ken_draft.pk}"
    first = api.patch(path, json={"version": 1, "acronym": "MOL"}, headers=headers)
    assert first.status_code == 200
    body = first.json()
    assert (body["acronym"], body["name"], body["version"]) == ("MOL", "Nairobi Migrant Collective", 2)
    stale = api.patch(path, json={"version": 1, "acronym": "LAB"}, headers=headers)
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    assert Organization.objects.get(pk=orgs.ken_draft.pk).acronym == "MOL"


def test_patch_without_version_is_422(api, people, orgs, bearer):
    response = api.patch(f"/organizations/{orgs.ken_pub.pk}", json={"acronym": "MOL"}, headers=bearer(people.admin))
    assert response.status_code == 422


def test_reviewer_publishes(api, people, orgs, bearer):
    path = f"/organizations/{orgs.ken_draft.pk}/publication"
    assert api.post(path, json={"version": 1}, headers=bearer(people.focal_ken)).status_code == 403
    response = api.post(path, json={"version": 1}, headers=bearer(people.reviewer))
    assert response.status_code == 200 and response.json()["is_published"] is True


def test_history_endpoint(api, people, orgs, bearer):
    new_name = "Ministry of Labour and Social Protection"
    services.update_organization(people.admin, orgs.ken_pub, {"name": new_name}, 1)
    response = api.get(f"/organizations/{orgs.ken_pub.pk}/history", **ANONYMOUS)
    assert response.status_code == 200
    latest = response.json()[0]
    # The public is told the editor's role, staff in scope their username.
    assert (latest["who"], latest["action"]) == ("Administrator", "changed")
    staff = api.get(f"/organizations/{orgs.ken_pub.pk}/history", headers=bearer(people.focal_ken)).json()[0]
    assert staff["who"] == "admin"
    assert latest["changes"] == [
        {"field": "name", "label": "Name", "old": "Kenya Ministry of Labour", "new": new_name}
    ]
    assert api.get(f"/organizations/{orgs.ken_draft.pk}/history", **ANONYMOUS).status_code == 404


def test_session_is_accepted_for_reads_through_the_real_urls(client, people, orgs):
    client.force_login(people.stakeholder_ken)
    response = client.get(f"/api/v1/organizations/{orgs.ken_draft.pk}")
    assert response.status_code == 200
    assert client.get("/api/v1/me").json()["username"] == "stakeholder-ken"


def test_session_alone_cannot_write(client, people, kenya):
    """Writes take a token only: a browser session would need CSRF protection."""
    client.force_login(people.admin)
    response = client.post("/api/v1/organizations", {"name": "X", "kind": "academia"}, content_type="application/json")
    assert response.status_code == 401
