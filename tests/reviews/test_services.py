"""Review cycles and the self-assessment through the services: concurrency,
assignments, validation, history, suggested evidence."""

import datetime

import pytest

from gcmhub.errors import EditConflict, InvalidInput
from gcmhub.reviews import services
from gcmhub.reviews.models import AnswerSet
from tests.reviews.conftest import review_data

pytestmark = pytest.mark.django_db


def test_creating_a_review_starts_its_self_assessment(make_review, kenya):
    review = make_review(kenya)
    answer_set = services.official_set(review)
    assert answer_set.kind == AnswerSet.Kind.OFFICIAL and answer_set.state == AnswerSet.State.DRAFT
    answers = services.official_answers(review)
    assert sorted(answers, key=lambda k: int(k.split("-")[1])) == [f"objective-{n}" for n in range(1, 24)]
    assert all(answer.rating == "" for answer in answers.values())


def test_national_review_must_be_about_a_country(people, africa):
    with pytest.raises(InvalidInput) as caught:
        services.create_review(people.admin, review_data(africa, kind="national"))
    assert caught.value.field == "area"


def test_regional_review_by_a_reviewer(people, africa):
    review = services.create_review(people.reviewer, review_data(africa, kind="regional", title="Africa regional review"))
    assert review.area == africa


def test_period_must_not_end_before_it_starts(people, kenya):
    with pytest.raises(InvalidInput) as caught:
        services.create_review(
            people.focal_ken,
            review_data(kenya, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2024, 1, 1)),
        )
    assert caught.value.field == "period_end"


def test_stale_save_of_an_answer_is_refused_and_overwrites_nothing(make_review, kenya, people):
    review = make_review(kenya)
    answer = services.official_answers(review)["objective-7"]
    version = answer.version
    # Two people opened the same answer.
    mine = services.official_answers(review)["objective-7"]
    theirs = services.official_answers(review)["objective-7"]
    services.save_answer(people.focal_ken, theirs, {"rating": "developing", "narrative": "Theirs"}, version)
    with pytest.raises(EditConflict):
        services.save_answer(people.focal_ken, mine, {"rating": "well_developed", "narrative": "Mine"}, version)
    answer.refresh_from_db()
    assert (answer.rating, answer.narrative, answer.version) == ("developing", "Theirs", version + 1)


def test_two_people_save_different_answers_at_once(make_review, kenya, people):
    review = make_review(kenya)
    answers = services.official_answers(review)
    set_ = services.official_set(review)
    services.assign(people.focal_ken, set_, ["objective-1"], people.contributor_ken)
    services.assign(people.focal_ken, set_, ["objective-2"], people.contributor_ken2)
    a1, a2 = answers["objective-1"], answers["objective-2"]
    a1.refresh_from_db()
    a2.refresh_from_db()
    services.save_answer(people.contributor_ken, a1, {"rating": "developing"}, a1.version)
    services.save_answer(people.contributor_ken2, a2, {"rating": "room_to_develop"}, a2.version)
    assert services.completion(set_).answered == 2
    assert services.completion(set_).percent == round(200 / 23)


def test_assignment_does_not_make_open_forms_stale(make_review, kenya, people):
    review = make_review(kenya)
    answer = services.official_answers(review)["objective-3"]
    version = answer.version
    services.assign(people.focal_ken, services.official_set(review), ["objective-3"], people.contributor_ken)
    services.save_answer(people.focal_ken, answer, {"rating": "developing"}, version)


def test_rating_must_be_on_the_scale(make_review, kenya, people):
    answer = services.official_answers(make_review(kenya))["objective-1"]
    with pytest.raises(InvalidInput) as caught:
        services.save_answer(people.focal_ken, answer, {"rating": "excellent"}, answer.version)
    assert caught.value.field == "rating"


def test_every_answer_has_a_history(make_review, kenya, people):
    answer = services.official_answers(make_review(kenya))["objective-5"]
    services.save_answer(people.focal_ken, answer, {"rating": "developing"}, answer.version)
    services.save_answer(people.focal_ken, answer, {"rating": "well_developed"}, answer.version)
    ratings = list(answer.history.order_by("history_date").values_list("rating", flat=True))
    assert ratings == ["", "developing", "well_developed"]
    entries = services.answer_history(people.focal_ken, answer)
    assert len(entries) == 3


def test_validation_needs_every_rating_then_publication(make_review, kenya, people):
    review = make_review(kenya)
    answer_set = services.official_set(review)
    with pytest.raises(InvalidInput):
        services.validate_self_assessment(people.focal_ken, answer_set, answer_set.version)
    for answer in services.official_answers(review).values():
        services.save_answer(people.focal_ken, answer, {"rating": "developing"}, answer.version)
    services.validate_self_assessment(people.focal_ken, answer_set, answer_set.version)
    assert answer_set.state == "validated" and answer_set.validated_by == people.focal_ken
    # A validated self-assessment is no longer edited.
    answer = services.official_answers(review)["objective-1"]
    with pytest.raises(services.ReviewForbidden):
        services.save_answer(people.focal_ken, answer, {"rating": "well_developed"}, answer.version)
    services.publish_self_assessment(people.focal_ken, answer_set, answer_set.version)
    assert answer_set.state == "published"


def test_comments_per_question(make_review, kenya, people):
    review = make_review(kenya)
    answer = services.official_answers(review)["objective-9"]
    services.add_comment(people.contributor_ken, answer, "Add the 2024 labour agreement.")
    assert services.answer_counts(services.official_set(review))["objective-9"] == 1
    with pytest.raises(InvalidInput):
        services.add_comment(people.contributor_ken, answer, "   ")


def test_milestones_show_what_is_late(make_review, kenya, people):
    review = make_review(kenya)
    today = datetime.date(2026, 2, 1)
    services.add_milestone(people.focal_ken, review, "Consult civil society", datetime.date(2026, 1, 15))
    done_late = services.add_milestone(people.focal_ken, review, "Draft", datetime.date(2026, 1, 10))
    services.set_milestone_done(people.focal_ken, done_late, datetime.date(2026, 1, 20))
    services.add_milestone(people.focal_ken, review, "Validate", datetime.date(2026, 3, 1))
    late = [m.title for m in services.late_milestones(review, today)]
    assert late == ["Draft", "Consult civil society"]


def test_consultations(make_review, kenya, people, orgs):
    review = make_review(kenya)
    services.add_consultation(people.focal_ken, review, orgs.ken_ngo.pk, datetime.date(2026, 1, 5), "meeting")
    assert review.consultations.get().organization == orgs.ken_ngo
    with pytest.raises(InvalidInput):
        services.add_consultation(people.focal_ken, review, orgs.ken_ngo.pk, datetime.date(2026, 1, 5), "carrier-pigeon")


def test_evidence_must_be_of_the_area_and_visible(make_review, kenya, mexico, people, orgs):
    from gcmhub.practices.models import Practice

    review = make_review(kenya)
    answer = services.official_answers(review)["objective-2"]
    mex_practice = Practice.objects.create(title="Mexican practice", level="national", stage="destination", is_published=True)
    mex_practice.areas.add(mexico)
    with pytest.raises(InvalidInput) as caught:
        services.save_answer(people.focal_ken, answer, {"evidence": [{"type": "practice", "id": mex_practice.pk}]}, answer.version)
    assert caught.value.field == "evidence[0].id"
    with pytest.raises(InvalidInput):
        services.save_answer(people.focal_ken, answer, {"evidence": [{"type": "practice", "id": 10**9}]}, answer.version)
    with pytest.raises(InvalidInput):
        services.save_answer(people.focal_ken, answer, {"evidence": [{"type": "rumour", "id": 1}]}, answer.version)


def test_suggested_evidence_is_prefilled_never_the_rating(kenya, people, orgs):
    from gcmhub.practices.models import Practice, PracticeObjective
    from gcmhub.framework.models import Objective

    practice = Practice.objects.create(
        title="Kenyan labour mobility desk", level="national", stage="pre_departure", is_published=True
    )
    practice.areas.add(kenya)
    PracticeObjective.objects.create(practice=practice, objective=Objective.objects.get(number=6), position=0)
    draft = Practice.objects.create(title="Draft practice", level="national", stage="pre_departure")
    draft.areas.add(kenya)
    PracticeObjective.objects.create(practice=draft, objective=Objective.objects.get(number=6), position=0)

    review = services.create_review(people.focal_ken, review_data(kenya))
    answer = services.official_answers(review)["objective-6"]
    assert answer.evidence == [{"type": "practice", "id": practice.pk}]  # published only
    assert answer.rating == ""
    assert services.official_answers(review)["objective-7"].evidence == []
