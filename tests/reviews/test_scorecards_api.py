"""API: /reviews/{id}/scorecards, /comparison (JSON, CSV, XLSX) and /comments."""

import csv
import io

import openpyxl
import pytest

from gcmhub.reviews import scorecards
from tests.reviews.scorecard_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _publish_review(review):
    review.status = "published"
    review.save()


def test_stakeholder_creates_fills_and_publishes_through_the_api(sc_api, review, sc_people, sc_orgs):
    base = f"/reviews/{review.pk}/scorecards"
    response = sc_api.post(base, json={"share_before_publication": False}, user=sc_people.ngo)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organization"]["id"] == sc_orgs.ken_ngo.pk
    assert body["state"] == "draft" and body["total"] == 23 and body["answered"] == 0
    scorecard_id = body["id"]
    answer = f"{base}/{scorecard_id}/answers/objective-4"
    saved = sc_api.put(answer, json={"version": 1, "rating": "room_to_develop", "justification": "No ID for all."},
                       user=sc_people.ngo)  # fmt: skip
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 2
    stale = sc_api.put(answer, json={"version": 1, "rating": "developing", "justification": "x"}, user=sc_people.ngo)
    assert stale.status_code == 409
    bad = sc_api.put(answer, json={"version": 2, "rating": "great", "justification": ""}, user=sc_people.ngo)
    assert bad.status_code == 422 and bad.json()["field"] == "rating"
    other = sc_api.put(answer, json={"version": 2, "rating": "developing", "justification": ""}, user=sc_people.union)
    assert other.status_code == 404  # a draft of another organisation is not even visible
    version = sc_api.get(f"{base}/{scorecard_id}", user=sc_people.ngo).json()["version"]
    published = sc_api.patch(f"{base}/{scorecard_id}", json={"version": version, "state": "published"},
                             user=sc_people.ngo)  # fmt: skip
    assert published.status_code == 200, published.json()
    assert published.json()["state"] == "published"
    # Visible now to the focal point (the review is not public yet).
    listed = sc_api.get(base, user=sc_people.focal_ken).json()
    assert [item["id"] for item in listed["items"]] == [scorecard_id]


def test_unknown_fields_and_wrong_roles(sc_api, review, sc_people):
    base = f"/reviews/{review.pk}/scorecards"
    assert sc_api.post(base, json={"colour": "red"}, user=sc_people.ngo).status_code == 422
    assert sc_api.post(base, json={}, user=sc_people.focal_ken).status_code == 403
    assert sc_api.post(base, json={}).status_code == 401


def test_drafts_are_not_listed_for_others(sc_api, review, sc_people):
    make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    base = f"/reviews/{review.pk}/scorecards"
    assert sc_api.get(base, user=sc_people.ngo).json()["count"] == 1
    assert sc_api.get(base, user=sc_people.focal_ken).json()["count"] == 0
    assert sc_api.get(base, user=sc_people.union).json()["count"] == 0
    assert sc_api.get(base).status_code == 404  # the review itself is not public


def test_comparison_json(sc_api, review, sc_people):
    _publish_review(review)
    publish_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "room_to_develop"}, publish=True)
    body = sc_api.get(f"/reviews/{review.pk}/comparison").json()
    assert body["official_state"] == "shown"
    assert body["disagreements"] == 1
    first = body["questions"][0]
    assert first["key"] == "objective-1"
    assert first["official"]["value"] == "well_developed"
    assert first["scorecards"][0]["value"] == "room_to_develop"
    assert first["spread"] == 2 and first["disagreement"] is True
    assert first["scorecards"][0]["justification"] == "Because objective-1"
    assert body["questions"][1]["disagreement"] is False


def test_comparison_hides_the_official_draft_from_scorecard_authors(sc_api, review, sc_people):
    fill_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "room_to_develop"})
    body = sc_api.get(f"/reviews/{review.pk}/comparison", user=sc_people.ngo).json()
    assert body["official_state"] == "hidden"
    assert body["questions"][0]["official"]["status"] == "missing"
    assert body["questions"][0]["scorecards"][0]["value"] == "room_to_develop"
    body = sc_api.get(f"/reviews/{review.pk}/comparison", user=sc_people.focal_ken).json()
    assert body["official_state"] == "shown"
    assert body["questions"][0]["scorecards"] == []  # the draft scorecard is not the focal point's to read


def test_comparison_csv_and_xlsx_carry_both_justifications(sc_api, review, sc_people):
    _publish_review(review)
    publish_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "room_to_develop", "objective-2": "=cmd"[:0] or "developing"},
                   publish=True)  # fmt: skip
    response = sc_api.get(f"/reviews/{review.pk}/comparison?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 23
    assert rows[0]["official_rating"] == "well_developed"
    assert rows[0]["official_justification"] == "Official on objective-1"
    assert rows[0]["scorecard_1_justification"] == "Because objective-1"
    assert rows[0]["scorecard_1_organisation"] == "Nairobi Migrant Collective"
    assert rows[0]["disagreement"] == "yes" and rows[1]["disagreement"] == "no"
    assert rows[0]["spread"] == "2"
    response = sc_api.get(f"/reviews/{review.pk}/comparison?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Comparison"]
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert first["key"] == "objective-1" and first["disagreement"] == "yes"
    assert first["scorecard_1_justification"] == "Because objective-1"
    assert "Method" in book.sheetnames


def test_export_quotes_formulas():
    from gcmhub.reviews.comparison_export import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-3") == "-3"
    assert safe_cell(-3) == -3


def test_comparison_unknown_instrument_is_422(sc_api, review, sc_people):
    response = sc_api.get(f"/reviews/{review.pk}/comparison?instrument=nope", user=sc_people.focal_ken)
    assert response.status_code == 422


# --- comments --------------------------------------------------------------------------


def test_comment_window_and_moderation(sc_api, review, sc_people):
    _publish_review(review)
    base = f"/reviews/{review.pk}/comments"
    # No published self-assessment yet: refused.
    assert sc_api.post(base, json={"text": "Too early"}, user=sc_people.public).status_code == 403
    publish_official(review)
    created = sc_api.post(base, json={"text": "Objective 7 deserves more.", "question": "objective-7"},
                          user=sc_people.public)  # fmt: skip
    assert created.status_code == 201, created.json()
    comment = created.json()
    assert comment["state"] == "pending"
    assert sc_api.post(base, json={"text": "anon"}).status_code == 401
    # The public does not see it yet; its author does; a reviewer does.
    assert sc_api.get(base).json()["count"] == 0
    assert sc_api.get(base, user=sc_people.public).json()["count"] == 1
    assert sc_api.get(f"{base}?state=pending", user=sc_people.reviewer).json()["count"] == 1
    moderation = f"{base}/{comment['id']}/moderation"
    assert sc_api.post(moderation, json={"version": 1, "decision": "approve"},
                       user=sc_people.focal_ken).status_code == 404  # fmt: skip
    approved = sc_api.post(moderation, json={"version": 1, "decision": "approve"}, user=sc_people.reviewer)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert sc_api.post(moderation, json={"version": 1, "decision": "reject"}, user=sc_people.reviewer).status_code == 409
    assert sc_api.get(base).json()["items"][0]["text"] == "Objective 7 deserves more."


def test_comments_closed_outside_the_window(sc_api, review, sc_people):
    import datetime

    _publish_review(review)
    publish_official(review)
    review.comments_open_until = datetime.date.today() - datetime.timedelta(days=1)
    review.comments_open_from = datetime.date.today() - datetime.timedelta(days=10)
    review.save()
    assert not scorecards.comments_open(review)
    response = sc_api.post(f"/reviews/{review.pk}/comments", json={"text": "late"}, user=sc_people.public)
    assert response.status_code == 403
