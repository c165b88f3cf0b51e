"""Referral pathways written through the API: POST and PUT go through the
pathway editor's functions (steps ordered, services active, readable and of
the country), the version read is checked, and only the country's focal
point (or an administrator) writes."""

import pytest

from gcmhub.protection.models import ReferralPathway

pytestmark = pytest.mark.django_db


def body(shelter, legal, **overrides):
    value = {
        "area": "KEN",
        "situation": "unaccompanied_child",
        "title": "Unaccompanied child at the border",
        "notes": "Stay with the child until the first service takes over.",
        "steps": [
            {"kind": "first_contact", "description": "Call the shelter.", "services": [shelter.pk]},
            {"kind": "specialised", "description": "Legal aid.", "services": [legal.pk]},
            {"kind": "follow_up", "description": "Check in after a week."},
        ],
    }
    value.update(overrides)
    return value


@pytest.fixture
def two(make_service):
    return make_service(), make_service(name="Kituo legal clinic", service_type="legal_aid")


def test_focal_point_creates_and_replaces_with_version(api, bearer, people, two):
    headers = bearer(people.focal_ken)
    created = api.post("/referral-pathways", json=body(*two), headers=headers)
    assert created.status_code == 201, created.json()
    pathway = created.json()
    assert [step["kind"] for step in pathway["steps"]] == ["first_contact", "specialised", "follow_up"]
    assert pathway["steps"][0]["services"] == [{"id": two[0].pk, "name": two[0].name}]
    assert api.get(f"/referral-pathways/{pathway['id']}").json()["title"] == "Unaccompanied child at the border"

    replacement = {
        "version": pathway["version"], "title": "Renamed", "notes": "",
        "steps": [{"kind": "first_contact", "description": "", "services": [two[1].pk]}],
    }  # fmt: skip
    replaced = api.put(f"/referral-pathways/{pathway['id']}", json=replacement, headers=headers)
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["title"] == "Renamed" and len(replaced.json()["steps"]) == 1
    # The same version again: someone saved since.
    stale = api.put(f"/referral-pathways/{pathway['id']}", json=replacement, headers=headers)
    assert stale.status_code == 409
    stored = ReferralPathway.objects.get()
    assert stored.history.count() == 2 and stored.history.first().history_user == people.focal_ken


def test_country_and_situation_stay_as_created(api, bearer, people, two):
    headers = bearer(people.focal_ken)
    pathway = api.post("/referral-pathways", json=body(*two), headers=headers).json()
    moved = api.put(
        f"/referral-pathways/{pathway['id']}",
        json={**body(*two), "version": pathway["version"], "area": "MEX"},
        headers=headers,
    )
    assert moved.status_code == 422 and moved.json()["field"] == "area"


@pytest.mark.parametrize("who", ["provider", "reviewer", "focal_mex", "mex_provider"])
def test_others_may_not_write(api, bearer, people, two, who):
    response = api.post("/referral-pathways", json=body(*two), headers=bearer(getattr(people, who)))
    assert response.status_code == 403
    assert not ReferralPathway.objects.exists()


def test_other_countrys_focal_point_cannot_replace(api, bearer, people, two):
    pathway = api.post("/referral-pathways", json=body(*two), headers=bearer(people.focal_ken)).json()
    replaced = api.put(
        f"/referral-pathways/{pathway['id']}",
        json={"version": pathway["version"], "title": "Mine now", "steps": [{"kind": "first_contact", "description": "x"}]},
        headers=bearer(people.focal_mex),
    )
    assert replaced.status_code == 403
    assert ReferralPathway.objects.get().title == "Unaccompanied child at the border"


def test_steps_are_checked(api, bearer, people, two, make_service, mexico, orgs):

    headers = bearer(people.focal_ken)
    shelter, legal = two

    def refused(steps):
        response = api.post("/referral-pathways", json=body(shelter, legal, steps=steps), headers=headers)
        assert response.status_code == 422, response.json()
        return response.json()["field"]

    assert refused([{"kind": "follow_up", "description": "a"}, {"kind": "first_contact", "description": "b"}]) == "steps[2].kind"
    assert refused([{"kind": "first_contact", "description": ""}]) == "steps[1].description"
    assert refused([]) == "steps"
    abroad = make_service(area=mexico, provider=orgs.mex_ngo, name="Casa")
    assert refused([{"kind": "first_contact", "services": [abroad.pk]}]) == "steps[1].services"
    suspended = make_service(name="Suspended shelter", state="suspended")
    assert refused([{"kind": "first_contact", "services": [suspended.pk]}]) == "steps[1].services"
    # A draft of another organisation the focal point may read is fine; one they may not read is unknown.
    assert refused([{"kind": "first_contact", "services": [10**9]}]) == "steps[1].services"
    assert refused([{"kind": "sideways", "description": "a"}]).startswith("steps")
    assert not ReferralPathway.objects.exists()


def test_unknown_situation_and_country(api, bearer, people, two):
    headers = bearer(people.focal_ken)
    assert api.post("/referral-pathways", json=body(*two, situation="lost_tourist"), headers=headers).json()["field"] == "situation"
    admin = bearer(people.admin)
    assert api.post("/referral-pathways", json=body(*two, area="XXX"), headers=admin).json()["field"] == "area"


@pytest.mark.parametrize(
    "override",
    [
        {"title": "Child\x00"},
        {"title": "x" * 100_000},
        {"notes": "\ud800"},
        {"unknown": 1},
        {"steps": [{"kind": "first_contact", "description": "a", "services": [2**70]}]},
        {"steps": [{"kind": "first_contact", "description": "a", "services": ["1"]}]},
        {"steps": [{"kind": "first_contact", "description": "a"}] * 50},
        {"area": "\u202eKEN"},
    ],
)
def test_hostile_bodies_are_4xx(api, bearer, people, two, override):
    response = api.post("/referral-pathways", json=body(*two, **override), headers=bearer(people.focal_ken))
    assert 400 <= response.status_code < 500
    assert not ReferralPathway.objects.exists()


def test_writes_need_a_token(api, two):
    assert api.post("/referral-pathways", json=body(*two)).status_code == 401
