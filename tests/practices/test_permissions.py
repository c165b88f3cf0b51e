"""Who sees and does what: contributors see their own drafts only; the
queryset of visible practices agrees with the ``view_practice`` rule; the
same rules hold in the API."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.errors import Forbidden, NotFound
from gcmhub.practices import services
from gcmhub.practices.models import Practice

from .conftest import practice_data


def everyone(people):
    return [AnonymousUser(), *vars(people).values()]


@pytest.fixture
def practices(people, draft):
    published = services.create_practice(people.other_contributor, practice_data(title="Consular ID cards", areas=["MEX"]))
    services.submit_practice(people.other_contributor, published, 1)
    services.publish_practice(people.reviewer, Practice.objects.get(pk=published.pk), 2)
    other_draft = services.create_practice(people.other_contributor, practice_data(title="Mexican draft", areas=["MEX"]))
    published.refresh_from_db()
    return {"draft": draft, "published": published, "other_draft": other_draft}


def test_contributors_see_their_own_drafts_only(people, practices):
    assert set(services.visible_practices(people.contributor)) == {practices["draft"], practices["published"]}
    assert set(services.visible_practices(people.other_contributor)) == {practices["published"], practices["other_draft"]}
    assert set(services.visible_practices(people.stakeholder)) == {practices["published"]}
    assert set(services.visible_practices(AnonymousUser())) == {practices["published"]}
    # The focal point of a practice's country follows its drafts; reviewers see all.
    assert practices["other_draft"] in services.visible_practices(people.focal_mex)
    assert practices["draft"] not in services.visible_practices(people.focal_mex)
    assert set(services.visible_practices(people.reviewer)) == set(practices.values())


def test_the_queryset_agrees_with_the_rule(people, practices):
    for user in everyone(people):
        visible = set(services.visible_practices(user))
        for practice in practices.values():
            assert (practice in visible) == user.has_perm("practices.view_practice", practice), (user, practice)


def test_a_draft_is_missing_to_those_who_may_not_read_it(people, practices):
    with pytest.raises(NotFound):
        services.get_practice(people.other_contributor, practices["draft"].pk)


def test_only_editors_change_and_only_reviewers_publish(people, practices):
    draft = practices["draft"]
    with pytest.raises(Forbidden):
        services.update_practice(people.other_contributor, draft, {"title": "Taken over"}, 1)
    with pytest.raises(Forbidden):
        services.submit_practice(people.stakeholder, draft, 1)
    assert people.focal_ken.has_perm("practices.change_practice", draft)
    assert not people.focal_mex.has_perm("practices.change_practice", draft)
    for user in (people.admin, people.reviewer):
        assert user.has_perm("practices.publish_practice", draft)
    for user in (people.contributor, people.focal_ken, people.stakeholder, AnonymousUser()):
        assert not user.has_perm("practices.publish_practice", draft)


def test_an_account_without_a_role_cannot_contribute(people):
    with pytest.raises(Forbidden):
        services.create_practice(people.nobody, practice_data())


def test_api_list_and_detail_follow_the_rules(api, bearer, people, practices):
    anonymous = api.get("/practices", user=AnonymousUser()).json()
    assert [item["title"] for item in anonymous["items"]] == ["Consular ID cards"]
    own = api.get("/practices", headers=bearer(people.contributor)).json()
    assert {item["title"] for item in own["items"]} == {"Consular ID cards", practices["draft"].title}
    assert api.get(f"/practices/{practices['draft'].pk}", user=AnonymousUser()).status_code == 404
    assert api.get(f"/practices/{practices['draft'].pk}", headers=bearer(people.contributor)).status_code == 200


def test_api_workflow(api, bearer, people):
    body = practice_data()
    created = api.post("/practices", json=body, headers=bearer(people.contributor))
    assert created.status_code == 201, created.json()
    practice = created.json()
    assert (practice["review_state"], practice["objectives"], practice["areas"]) == ("draft", [6, 3], ["KEN"])
    url = f"/practices/{practice['id']}"
    submitted = api.post(f"{url}/submission", json={"version": 1}, headers=bearer(people.contributor))
    assert submitted.json()["review_state"] == "submitted"
    refused = api.post(f"{url}/publication", json={"version": 2}, headers=bearer(people.contributor))
    assert refused.status_code == 403
    rejected = api.post(f"{url}/rejection", json={"version": 2, "reason": "Say what changed."}, headers=bearer(people.reviewer))
    assert rejected.json()["rejection_reason"] == "Say what changed."
    # The reason is for the practice's editors and reviewers only.
    assert api.post(f"{url}/submission", json={"version": 3}, headers=bearer(people.contributor)).status_code == 200
    published = api.post(f"{url}/publication", json={"version": 4}, headers=bearer(people.reviewer))
    assert published.json()["is_published"] is True
    assert api.get(url, user=AnonymousUser()).json()["review_state"] == "published"
    stale = api.patch(url, json={"version": 1, "title": "Late"}, headers=bearer(people.contributor))
    assert stale.status_code == 409
    held = api.patch(url, json={"version": 5, "title": "Proposed"}, headers=bearer(people.contributor))
    assert held.status_code == 202 and held.json()["title"] == body["title"]


def test_api_filters(api, people, practices):
    found = api.get("/practices?area=MEX&objective=6&stage=pre_departure", user=AnonymousUser()).json()
    assert [item["title"] for item in found["items"]] == ["Consular ID cards"]
    assert api.get("/practices?objective=5", user=AnonymousUser()).json()["items"] == []
    assert api.get("/practices?q=consular", user=AnonymousUser()).json()["count"] == 1
    assert api.get("/practices?area=ZZZ", user=AnonymousUser()).status_code == 422
