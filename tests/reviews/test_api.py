"""The reviews API: issue field names, permissions, versions (409), the
self-assessment all or nothing."""

import pytest

pytestmark = pytest.mark.django_db

BODY = {
    "area": "KEN",
    "kind": "national",
    "title": "Kenya voluntary GCM review",
    "forum": "IMRF 2026",
    "period_start": "2022-01-01",
    "period_end": "2025-12-31",
    "deadline": "2026-03-31",
    "status": "preparing",
}


def test_create_get_and_list_with_issue_field_names(api, people, bearer):
    response = api.post("/reviews", json=BODY, headers=bearer(people.focal_ken))
    assert response.status_code == 201, response.json()
    data = response.json()
    for name in ("area", "kind", "title", "forum", "period_start", "period_end", "deadline", "status"):
        assert data[name] == BODY[name]
    review_id = data["id"]
    assert api.get(f"/reviews/{review_id}", headers=bearer(people.focal_ken)).json()["title"] == BODY["title"]
    # The public does not see a review that is not published.
    assert api.get(f"/reviews/{review_id}").status_code == 404
    assert api.get("/reviews").json()["count"] == 0
    assert api.get("/reviews?area=KEN", headers=bearer(people.admin)).json()["count"] == 1


def test_another_countrys_focal_point_cannot_create_or_patch(api, people, bearer):
    assert api.post("/reviews", json=BODY, headers=bearer(people.focal_mex)).status_code == 403
    review_id = api.post("/reviews", json=BODY, headers=bearer(people.focal_ken)).json()["id"]
    response = api.patch(f"/reviews/{review_id}", json={"version": 1, "title": "x"}, headers=bearer(people.focal_mex))
    assert response.status_code == 404


def test_patch_with_a_stale_version_is_409(api, people, bearer):
    headers = bearer(people.focal_ken)
    review_id = api.post("/reviews", json=BODY, headers=headers).json()["id"]
    first = api.patch(f"/reviews/{review_id}", json={"version": 1, "status": "consulting"}, headers=headers)
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.patch(f"/reviews/{review_id}", json={"version": 1, "status": "drafting"}, headers=headers)
    assert stale.status_code == 409
    assert api.get(f"/reviews/{review_id}", headers=headers).json()["status"] == "consulting"


def test_region_code_for_regional_reviews(api, people, bearer):
    body = {**BODY, "area": "002", "kind": "regional", "title": "Africa regional review"}
    response = api.post("/reviews", json=body, headers=bearer(people.reviewer))
    assert response.status_code == 201, response.json()
    assert response.json()["area"] == "002"


def test_bad_input_is_422_naming_the_field(api, people, bearer):
    headers = bearer(people.focal_ken)
    assert api.post("/reviews", json={**BODY, "colour": "red"}, headers=headers).json()["field"] == "colour"
    response = api.post("/reviews", json={**BODY, "area": "XXX"}, headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "area"
    response = api.post("/reviews", json={**BODY, "kind": "galactic"}, headers=headers)
    assert response.status_code == 422


def test_self_assessment_get_and_put(api, people, bearer):
    headers = bearer(people.focal_ken)
    review_id = api.post("/reviews", json=BODY, headers=headers).json()["id"]
    url = f"/reviews/{review_id}/self-assessment"
    data = api.get(url, headers=headers).json()
    assert data["instrument"] == "gcm-objectives" and data["completion"] == {"answered": 0, "total": 23, "percent": 0}
    assert [a["question_key"] for a in data["answers"]][:3] == ["objective-1", "objective-2", "objective-3"]
    versions = {a["question_key"]: a["version"] for a in data["answers"]}
    body = {
        "answers": [
            {"question_key": "objective-7", "version": versions["objective-7"], "rating": "developing",
             "narrative": "Protection desks at two of ten border posts.", "challenges": "Funding"},
            {"question_key": "objective-1", "version": versions["objective-1"], "rating": "well_developed"},
        ]
    }  # fmt: skip
    response = api.put(url, json=body, headers=headers)
    assert response.status_code == 200, response.json()
    saved = {a["question_key"]: a for a in response.json()["answers"]}
    assert saved["objective-7"]["rating"] == "developing" and saved["objective-7"]["challenges"] == "Funding"
    assert response.json()["completion"]["answered"] == 2
    # The same versions again are stale now: 409, and nothing is saved.
    body["answers"][1]["rating"] = "developing"
    body["answers"][0]["version"] = saved["objective-7"]["version"]
    body["answers"][0]["rating"] = "room_to_develop"
    response = api.put(url, json=body, headers=headers)
    assert response.status_code == 409
    assert response.json()["field"] == "answers[1].version"
    after = {a["question_key"]: a for a in api.get(url, headers=headers).json()["answers"]}
    assert after["objective-7"]["rating"] == "developing"  # the first answer was rolled back too
    assert after["objective-1"]["rating"] == "well_developed"


def test_self_assessment_is_private_until_published(api, people, bearer):
    review_id = api.post("/reviews", json=BODY, headers=bearer(people.focal_ken)).json()["id"]
    url = f"/reviews/{review_id}/self-assessment"
    assert api.get(url, headers=bearer(people.stakeholder_ken)).status_code == 404
    assert api.get(url, headers=bearer(people.contributor_ken)).status_code == 200
    response = api.put(url, json={"answers": [{"question_key": "objective-1", "version": 1, "rating": "developing"}]},
                       headers=bearer(people.contributor_ken))  # fmt: skip
    assert response.status_code == 403  # not assigned to them


def test_10_7_2_self_assessment_scores(api, people, bearer):
    headers = bearer(people.focal_ken)
    review_id = api.post("/reviews", json=BODY, headers=headers).json()["id"]
    url = f"/reviews/{review_id}/self-assessment"
    answers = [{"question_key": f"1{letter}", "version": 1, "rating": "yes" if letter != "e" else "no"}
               for letter in "abcde"]  # fmt: skip
    response = api.put(url, json={"instrument": "sdg-10.7.2", "answers": answers}, headers=headers)
    assert response.status_code == 200, response.json()
    scores = {s["domain"]: s for s in response.json()["scores"]}
    assert scores["PD_1"]["value"] == 80 and scores["PD_1"]["level"] == "meets" and scores["PD_1"]["level_score"] == 3
    assert scores["PD_2"]["value"] is None
    assert api.get(url + "?instrument=sdg-10.7.2", headers=headers).json()["completion"]["answered"] == 5
    bad = api.put(url, json={"instrument": "sdg-10.7.2", "answers": [{"question_key": "1a", "version": 2, "rating": "maybe"}]},
                  headers=headers)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "answers[0].rating"
