"""Role × action for reviews and self-assessments (rules.py), including
another country's focal point, and the queryset form of view_review."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.reviews import services
from gcmhub.reviews.models import Review, AnswerSet
from tests.reviews.conftest import review_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(make_review, kenya, africa, people):
    review = make_review(kenya, actor=people.focal_ken)
    regional = services.create_review(people.reviewer, review_data(africa, kind="regional", title="Regional"))
    answer_set = services.official_set(review)
    services.assign(people.focal_ken, answer_set, ["objective-1"], people.contributor_ken)
    answers = services.official_answers(review)
    return review, regional, answer_set, answers["objective-1"], answers["objective-2"]


ROLES = ["admin", "focal_ken", "focal_mex", "contributor_ken", "contributor_ken2", "contributor_mex",
         "stakeholder_ken", "reviewer", "anonymous"]  # fmt: skip


def _user(people, role):
    return AnonymousUser() if role == "anonymous" else getattr(people, role)


# (permission, target, roles allowed)
MATRIX = [
    ("reviews.view_review", "review", {"admin", "focal_ken", "contributor_ken", "contributor_ken2", "stakeholder_ken", "reviewer"}),
    ("reviews.change_review", "review", {"admin", "focal_ken"}),
    ("reviews.change_review", "regional", {"admin", "reviewer"}),
    ("reviews.view_answerset", "set", {"admin", "focal_ken", "contributor_ken", "contributor_ken2", "reviewer"}),
    ("reviews.manage_answerset", "set", {"admin", "focal_ken"}),
    ("reviews.change_answer", "assigned", {"admin", "focal_ken", "contributor_ken"}),
    ("reviews.change_answer", "unassigned", {"admin", "focal_ken"}),
    ("reviews.comment_answer", "unassigned", {"admin", "focal_ken", "contributor_ken", "contributor_ken2", "reviewer"}),
]  # fmt: skip


def test_role_by_action(setting, people):
    review, regional, answer_set, assigned, unassigned = setting
    targets = {"review": review, "regional": regional, "set": answer_set, "assigned": assigned, "unassigned": unassigned}
    wrong = [
        (role, permission, target)
        for permission, target, allowed in MATRIX
        for role in ROLES
        if _user(people, role).has_perm(permission, targets[target]) != (role in allowed)
    ]
    assert wrong == []


def test_published_material_is_public(setting, people):
    review, _regional, answer_set, *_ = setting
    anonymous = AnonymousUser()
    assert not anonymous.has_perm("reviews.view_review", review)
    review.status = Review.Status.PUBLISHED
    review.save()
    assert anonymous.has_perm("reviews.view_review", review)
    assert not anonymous.has_perm("reviews.view_answerset", answer_set)  # the draft stays private
    answer_set.state = AnswerSet.State.PUBLISHED
    answer_set.save()
    assert anonymous.has_perm("reviews.view_answerset", answer_set)
    assert people.stakeholder_ken.has_perm("reviews.view_answerset", answer_set)


def test_stakeholder_sees_the_draft_only_when_both_sides_share(setting, people, orgs):
    review, _regional, answer_set, *_ = setting
    scorecard = AnswerSet.objects.create(
        review=review, instrument_code="gcm-objectives", kind="scorecard", organization=orgs.ken_ngo
    )
    answer_set.share_before_publication = True
    answer_set.save()
    assert not people.stakeholder_ken.has_perm("reviews.view_answerset", answer_set)
    scorecard.share_before_publication = True
    scorecard.save()
    assert people.stakeholder_ken.has_perm("reviews.view_answerset", answer_set)


def test_another_countrys_focal_point_cannot_act(setting, people, mexico):
    review, _regional, answer_set, assigned, _ = setting
    with pytest.raises(services.ReviewNotFound):
        services.get_review(people.focal_mex, review.pk)
    with pytest.raises(services.ReviewForbidden):
        services.update_review(people.focal_mex, review, {"title": "Taken over"}, review.version)
    with pytest.raises(services.ReviewForbidden):
        services.save_answer(people.focal_mex, assigned, {"rating": "developing"}, assigned.version)
    with pytest.raises(services.ReviewForbidden):
        services.create_review(people.focal_mex, review_data(review.area))
    # …and cannot move their own review to another country either.
    own = services.create_review(people.focal_mex, review_data(mexico))
    with pytest.raises(services.ReviewForbidden):
        services.update_review(people.focal_mex, own, {"area": "KEN"}, own.version)


def test_focal_point_cannot_create_a_regional_review(people, africa):
    with pytest.raises(services.ReviewForbidden):
        services.create_review(people.focal_ken, review_data(africa, kind="regional"))


def test_contributor_answers_only_assigned_questions(setting, people):
    _review, _regional, _set, assigned, unassigned = setting
    services.save_answer(people.contributor_ken, assigned, {"rating": "developing"}, assigned.version)
    with pytest.raises(services.ReviewForbidden):
        services.save_answer(people.contributor_ken, unassigned, {"rating": "developing"}, unassigned.version)
    with pytest.raises(services.ReviewForbidden):
        services.assign(people.contributor_ken, assigned.answer_set, ["objective-2"], people.contributor_ken)


def test_assignee_must_belong_to_the_review(setting, people):
    _review, _regional, answer_set, *_ = setting
    from gcmhub.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.assign(people.focal_ken, answer_set, ["objective-3"], people.contributor_mex)


def test_visible_reviews_agrees_with_view_review(setting, people):
    review, regional, *_ = setting
    for role in ROLES:
        user = _user(people, role)
        visible = set(services.visible_reviews(user))
        for record in (review, regional):
            assert (record in visible) == user.has_perm("reviews.view_review", record), (role, record)
