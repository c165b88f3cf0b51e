"""The review pages: dashboard with the late steps, the self-assessment form
(saving, the stale save's 409, what the public sees), the 10.7.2 export."""

import datetime
import io

import pytest
from django.urls import reverse

from gcmhub.reviews import exports, services
from gcmhub.reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(make_review, kenya, people):
    return make_review(kenya, actor=people.focal_ken)


def test_dashboard_shows_late_steps_and_completion(client, review, people):
    services.add_milestone(people.focal_ken, review, "Consult civil society", datetime.date(2020, 1, 1))
    services.add_milestone(people.focal_ken, review, "Submit to the IMRF", datetime.date.today() + datetime.timedelta(days=300))
    client.force_login(people.focal_ken)
    page = client.get(reverse("reviews:review", args=[review.pk])).content.decode()
    assert "1 step is late." in page
    assert 'class="overdue"' in page
    assert "0 of 23 questions answered" in page


def test_public_sees_no_draft_review(client, review):
    assert client.get(reverse("reviews:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("reviews:self-assessment", args=[review.pk])).status_code == 404


def test_the_form_lists_23_objectives_with_official_titles(client, review, people):
    from gcmhub.framework.models import Objective

    client.force_login(people.focal_ken)
    page = client.get(reverse("reviews:self-assessment", args=[review.pk])).content.decode()
    assert page.count('class="answer-form"') == 23
    assert Objective.objects.get(number=7).title_en in page
    assert "<script" not in page.split("</head>")[1] or "src=" in page  # no inline script
    assert "onclick" not in page


def test_autosave_json_and_stale_save(client, review, people):
    client.force_login(people.focal_ken)
    url = reverse("reviews:answer", args=[review.pk, "objective-7"])
    answer = services.official_answers(review)["objective-7"]
    data = {"instrument": "gcm-objectives", "version": answer.version, "rating": "developing", "narrative": "Two desks."}
    response = client.post(url, data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["completion"]["answered"] == 1
    stale = client.post(url, {**data, "rating": "well_developed"}, HTTP_ACCEPT="application/json")
    assert stale.status_code == 409
    assert "NOT saved" in stale.json()["detail"]
    answer.refresh_from_db()
    assert answer.rating == "developing"


def test_form_post_without_javascript_comes_back_to_the_question(client, review, people):
    client.force_login(people.focal_ken)
    answer = services.official_answers(review)["objective-2"]
    response = client.post(
        reverse("reviews:answer", args=[review.pk, "objective-2"]),
        {"instrument": "gcm-objectives", "version": answer.version, "rating": "room_to_develop"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#q-objective-2")


def test_another_countrys_focal_point_cannot_save(client, review, people):
    client.force_login(people.focal_mex)
    answer = services.official_answers(review)["objective-1"]
    response = client.post(
        reverse("reviews:answer", args=[review.pk, "objective-1"]),
        {"instrument": "gcm-objectives", "version": answer.version, "rating": "developing"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 404


def test_published_self_assessment_is_public_without_the_workings(client, review, people):
    answer = services.official_answers(review)["objective-1"]
    services.add_comment(people.focal_ken, answer, "An internal remark")
    for answer in services.official_answers(review).values():
        services.save_answer(people.focal_ken, answer, {"rating": "developing"}, answer.version)
    answer_set = services.official_set(review)
    services.validate_self_assessment(people.focal_ken, answer_set, answer_set.version)
    services.publish_self_assessment(people.focal_ken, answer_set, answer_set.version)
    services.update_review(people.focal_ken, review, {"status": Review.Status.PUBLISHED}, review.version)
    page = client.get(reverse("reviews:self-assessment", args=[review.pk])).content.decode()
    assert "<span data-answered>23</span> of 23 questions answered" in page
    assert "An internal remark" not in page
    assert "data-autosave" not in page


def test_10_7_2_export_in_the_questionnaire_layout(client, review, people):
    answer_set = services.start_self_assessment(people.focal_ken, review, "sdg-10.7.2")
    for key in ("1a", "1b", "1c", "1d"):
        answer = answer_set.answers.get(question_key=key)
        services.save_answer(people.focal_ken, answer, {"rating": "yes"}, answer.version)
    answer = answer_set.answers.get(question_key="1e")
    services.save_answer(people.focal_ken, answer, {"rating": "no"}, answer.version)
    rows = exports.rows_10_7_2(answer_set, "en")
    assert ["Domain 1", "PD_1", "Migrant rights", "", ""] in rows
    assert ["", "", "Domain value (per cent)", "", "80"] in rows
    assert ["", "", "Classification", "Meets", "3"] in rows
    client.force_login(people.focal_ken)
    response = client.get(reverse("reviews:export-10-7-2", args=[review.pk, "xlsx"]))
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row[2] == "Classification" and row[3] == "Meets" for row in values)
    csv_text = client.get(reverse("reviews:export-10-7-2", args=[review.pk, "csv"])).content.decode("utf-8-sig")
    assert "Domain value (per cent),,80" in csv_text


def test_country_section(review, kenya, people):
    from gcmhub.reviews.sections import reviews_section

    assert reviews_section(kenya) is None
    services.update_review(people.focal_ken, review, {"status": Review.Status.PUBLISHED}, review.version)
    assert "1 published review" in reviews_section(kenya).summary


def test_site_search_lists_only_reviews_the_reader_may_open(review, people):
    from gcmhub.reviews.search import search_reviews
    from gcmhub.web.search import SearchQuery

    titles = lambda user: [r.title for r in search_reviews(SearchQuery("voluntary kenya", user, "en"))]  # noqa: E731
    assert titles(people.focal_ken) == [review.title]
    assert titles(people.focal_mex) == []


def test_the_form_reads_all_23_objectives_in_a_few_queries(client, review, people, django_assert_max_num_queries):
    # Not one query per question: suggestions, evidence, comments and
    # permissions are read for the whole form at once (13 when written).
    client.force_login(people.focal_ken)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("reviews:self-assessment", args=[review.pk]))
    assert response.status_code == 200


def test_review_pages_send_the_policy_and_need_no_inline_code(client, review, people):
    from tests.web.test_csp import check_page

    services.start_self_assessment(people.focal_ken, review, "sdg-10.7.2")
    client.force_login(people.focal_ken)
    for path in (
        reverse("reviews:list"),
        reverse("reviews:create"),
        reverse("reviews:review", args=[review.pk]),
        reverse("reviews:edit", args=[review.pk]),
        reverse("reviews:self-assessment", args=[review.pk]),
        reverse("reviews:self-assessment", args=[review.pk]) + "?instrument=sdg-10.7.2",
        reverse("reviews:history", args=[review.pk, "objective-1"]),
    ):
        check_page(client, path)
