"""Web pages: scorecard list, fill-in form, public view, comparison, comments and moderation."""

import pytest
from django.urls import reverse

from gcmhub.reviews.comment_models import ReviewComment
from tests.reviews.scorecard_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _publish_review(review):
    review.status = "published"
    review.save()


def _login(client, user):
    client.force_login(user)


def test_stakeholder_starts_fills_and_publishes_on_the_web(client, review, sc_people):
    _login(client, sc_people.ngo)
    url = reverse("scorecards:list", args=[review.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Write your organisation’s scorecard" in page.content.decode()
    response = client.post(url, {"instrument": GCM})
    assert response.status_code == 302
    scorecard = review.answer_sets.get(kind="scorecard")
    detail = reverse("scorecards:detail", args=[review.pk, scorecard.pk])
    form = client.get(detail).content.decode()
    assert 'name="rating-objective-7"' in form and "Objective 7" in form
    response = client.post(detail, {
        "version-objective-7": "1", "rating-objective-7": "room_to_develop",
        "justification-objective-7": "Detention is still the rule.",
        "version-objective-8": "1", "rating-objective-8": "", "justification-objective-8": "",
    }, follow=True)  # fmt: skip
    assert "1 answers saved." in response.content.decode()
    answer = scorecard.answers.get(question_key="objective-7")
    assert (answer.rating, answer.version) == ("room_to_develop", 2)
    # A stale form: kept, and reported.
    response = client.post(detail, {
        "version-objective-7": "1", "rating-objective-7": "developing", "justification-objective-7": "Other view",
    })  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved 1 of these answers" in body and "Other view" in body
    answer.refresh_from_db()
    assert answer.rating == "room_to_develop"
    scorecard.refresh_from_db()
    state = reverse("scorecards:state", args=[review.pk, scorecard.pk])
    client.post(state, {"action": "publish", "version": scorecard.version})
    scorecard.refresh_from_db()
    assert scorecard.state == "published"


def test_others_cannot_post_to_a_scorecard(client, review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"}, publish=True)
    _login(client, sc_people.focal_ken)
    detail = reverse("scorecards:detail", args=[review.pk, scorecard.pk])
    page = client.get(detail)
    assert page.status_code == 200 and 'name="rating-objective-1"' not in page.content.decode()
    response = client.post(detail, {"version-objective-1": "2", "rating-objective-1": "well_developed"})
    assert response.status_code == 403


def test_draft_scorecard_page_is_404_for_the_focal_point(client, review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    _login(client, sc_people.focal_ken)
    assert client.get(reverse("scorecards:detail", args=[review.pk, scorecard.pk])).status_code == 404


def test_comparison_page_shows_disagreement_in_words_and_downloads(client, review, sc_people):
    _publish_review(review)
    publish_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "room_to_develop", "objective-2": "developing"},
                   publish=True)  # fmt: skip
    url = reverse("scorecards:comparison", args=[review.pk])
    body = client.get(url).content.decode()
    assert "1 of 23 questions with a disagreement." in body
    assert "Disagreement" in body and "Nairobi Migrant Collective" in body
    assert "Because objective-1" in body and "Official on objective-1" in body
    only = client.get(url + "?only=disagreements").content.decode()
    assert only.count('class="row-disagreement"') == 1
    csv = client.get(url + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and b"objective-1" in csv.content
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_comparison_of_10_7_2_has_a_domain_table(client, review, sc_people):
    _publish_review(review)
    _login(client, sc_people.focal_ken)
    body = client.get(reverse("scorecards:comparison", args=[review.pk]) + "?instrument=sdg-10.7.2").content.decode()
    assert "Per domain" in body


def test_unknown_instrument_is_404(client, review, sc_people):
    _login(client, sc_people.focal_ken)
    assert client.get(reverse("scorecards:comparison", args=[review.pk]) + "?instrument=x").status_code == 404


def test_comment_and_moderate_on_the_web(client, review, sc_people):
    _publish_review(review)
    publish_official(review)
    url = reverse("scorecards:comments", args=[review.pk])
    assert "Log in to comment." in client.get(url).content.decode()
    _login(client, sc_people.public)
    client.post(url, {"text": "Please say more on objective 5.", "question": "objective-5"})
    comment = ReviewComment.objects.get()
    assert comment.state == "pending"
    client.logout()
    assert "Please say more" not in client.get(url).content.decode()
    _login(client, sc_people.focal_ken)
    assert client.get(reverse("scorecards:moderation")).status_code == 403
    _login(client, sc_people.reviewer)
    queue = client.get(reverse("scorecards:moderation")).content.decode()
    assert "Please say more" in queue
    client.post(reverse("scorecards:moderation"), {"comment": comment.pk, "version": comment.version,
                                                     "decision": "approve"})  # fmt: skip
    client.logout()
    assert "Please say more" in client.get(url).content.decode()


def test_review_page_links_to_scorecards(client, review, sc_people):
    _login(client, sc_people.focal_ken)
    body = client.get(reverse("reviews:review", args=[review.pk])).content.decode()
    assert reverse("scorecards:comparison", args=[review.pk]) in body


@pytest.mark.parametrize(
    "language, heading, flag",
    [("fr", "Objectif 1 —", "Désaccord"), ("es", "Objetivo 1 —", "Desacuerdo")],
)
def test_comparison_in_french_and_spanish(client, review, sc_people, language, heading, flag):
    _publish_review(review)
    publish_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "room_to_develop"}, publish=True)
    body = client.get(f"/{language}/reviews/{review.pk}/comparison/").content.decode()
    assert heading in body and flag in body
