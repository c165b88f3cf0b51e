"""Stakeholder scorecards: who writes them, independence before publication,
versioned answers, publication, and the comparison built for each reader."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.errors import EditConflict, InvalidInput
from gcmhub.reviews import scorecards
from gcmhub.reviews.services import ReviewForbidden, ReviewNotFound
from tests.reviews.scorecard_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_stakeholder_creates_its_own_scorecard_with_every_question(review, sc_people, sc_orgs):
    scorecard = scorecards.create_scorecard(sc_people.ngo, review)
    assert scorecard.kind == "scorecard" and scorecard.state == "draft"
    assert scorecard.organization == sc_orgs.ken_ngo
    assert scorecard.answers.count() == 23
    with pytest.raises(InvalidInput):  # one per organisation and instrument
        scorecards.create_scorecard(sc_people.ngo, review)


@pytest.mark.parametrize("who", ["ngo", "union"])
def test_every_stakeholder_kind_writes(review, sc_people, who):
    assert scorecards.create_scorecard(getattr(sc_people, who), review).pk


def test_other_kinds_of_stakeholders_do_not(review, sc_people):
    # A local government's stakeholder account: not a kind that writes scorecards.
    with pytest.raises(ReviewForbidden):
        scorecards.create_scorecard(sc_people.local, review)


@pytest.mark.parametrize("who", ["focal_ken", "contributor_ken", "ngo_contributor", "reviewer", "public"])
def test_non_stakeholders_do_not_create(review, sc_people, who):
    with pytest.raises(ReviewForbidden):
        scorecards.create_scorecard(getattr(sc_people, who), review)


def test_stakeholder_cannot_create_for_another_organisation(review, sc_people, sc_orgs):
    with pytest.raises(ReviewForbidden):
        scorecards.create_scorecard(sc_people.ngo, review, organization_id=sc_orgs.ken_union.pk)


def test_admin_creates_for_a_stakeholder_organisation_only(review, sc_people, sc_orgs):
    assert scorecards.create_scorecard(sc_people.admin, review, organization_id=sc_orgs.ken_union.pk).pk
    with pytest.raises(InvalidInput):
        scorecards.create_scorecard(sc_people.admin, review, organization_id=sc_orgs.ken_gov.pk)


def test_stakeholder_of_another_country_cannot_reach_an_unpublished_review(review, sc_people):
    with pytest.raises(ReviewForbidden):
        scorecards.create_scorecard(sc_people.mex_ngo, review)


def test_only_the_own_organisation_writes_answers(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo)
    answer = scorecard.answers.get(question_key="objective-1")
    for who in ("union", "focal_ken", "reviewer", "contributor_ken", "ngo_contributor"):
        with pytest.raises(ReviewForbidden):
            scorecards.save_scorecard_answer(
                getattr(sc_people, who), scorecard, "objective-1", rating="developing", justification="x",
                expected_version=answer.version,
            )  # fmt: skip


def test_stale_answer_is_refused(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo)
    answer = scorecard.answers.get(question_key="objective-3")
    scorecards.save_scorecard_answer(
        sc_people.ngo, scorecard, "objective-3", rating="developing", justification="a", expected_version=answer.version
    )
    with pytest.raises(EditConflict):
        scorecards.save_scorecard_answer(
            sc_people.ngo, scorecard, "objective-3", rating="well_developed", justification="b",
            expected_version=answer.version,
        )  # fmt: skip
    answer.refresh_from_db()
    assert (answer.rating, answer.justification, answer.version) == ("developing", "a", 2)
    assert answer.history.count() == 2


def test_rating_must_be_on_the_scale_and_question_must_exist(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo)
    with pytest.raises(InvalidInput):
        scorecards.save_scorecard_answer(
            sc_people.ngo, scorecard, "objective-1", rating="excellent", justification="", expected_version=1
        )
    with pytest.raises(ReviewNotFound):
        scorecards.save_scorecard_answer(
            sc_people.ngo, scorecard, "objective-99", rating="developing", justification="", expected_version=1
        )


def test_publication_needs_a_rating_and_justifications(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo)
    with pytest.raises(InvalidInput):
        scorecards.publish_scorecard(sc_people.ngo, scorecard, scorecard.version)
    answer = scorecard.answers.get(question_key="objective-2")
    scorecards.save_scorecard_answer(
        sc_people.ngo, scorecard, "objective-2", rating="room_to_develop", justification="", expected_version=1
    )
    with pytest.raises(InvalidInput, match="justification"):
        scorecards.publish_scorecard(sc_people.ngo, scorecard, scorecard.version)
    answer.refresh_from_db()
    scorecards.save_scorecard_answer(
        sc_people.ngo, scorecard, "objective-2", rating="room_to_develop", justification="Few shelters.",
        expected_version=answer.version,
    )  # fmt: skip
    scorecards.publish_scorecard(sc_people.ngo, scorecard, scorecard.version)
    scorecard.refresh_from_db()
    assert scorecard.state == "published" and scorecard.published_at


def test_published_scorecard_is_frozen_until_withdrawn(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"}, publish=True)
    with pytest.raises(ReviewForbidden):
        scorecards.save_scorecard_answer(
            sc_people.ngo, scorecard, "objective-1", rating="well_developed", justification="x", expected_version=2
        )
    with pytest.raises(ReviewForbidden):  # only reviewers, admins and the authors withdraw
        scorecards.withdraw_scorecard(sc_people.focal_ken, scorecard, scorecard.version)
    scorecards.withdraw_scorecard(sc_people.reviewer, scorecard, scorecard.version)
    scorecard.refresh_from_db()
    assert scorecard.state == "draft" and scorecard.published_at is None


# --- independence before publication --------------------------------------------------


def _sees_scorecard(user, scorecard) -> bool:
    return user.has_perm("reviews.view_scorecard", scorecard)


@pytest.mark.parametrize(
    "who, sees",
    [("ngo", True), ("admin", True), ("union", False), ("focal_ken", False), ("contributor_ken", False),
     ("reviewer", False), ("ngo_contributor", False), ("public", False), ("focal_mex", False)],
)  # fmt: skip
def test_draft_scorecard_is_private_to_its_authors(review, sc_people, who, sees):
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    assert _sees_scorecard(getattr(sc_people, who), scorecard) is sees
    assert _sees_scorecard(AnonymousUser(), scorecard) is False


def test_focal_point_sees_a_draft_scorecard_only_when_both_share(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"}, share=True)
    assert not _sees_scorecard(sc_people.focal_ken, scorecard)  # the official side has not shared
    fill_official(review, share=True)
    assert _sees_scorecard(sc_people.focal_ken, scorecard)
    assert _sees_scorecard(sc_people.contributor_ken, scorecard)  # coordinating organisation
    assert not _sees_scorecard(sc_people.union, scorecard)  # another stakeholder: no
    assert not _sees_scorecard(sc_people.focal_mex, scorecard)
    scorecards.set_scorecard_sharing(sc_people.ngo, scorecard, False, scorecard.version)
    scorecard.refresh_from_db()
    assert not _sees_scorecard(sc_people.focal_ken, scorecard)


def test_scorecard_authors_do_not_see_the_official_draft(review, sc_people):
    official = fill_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    assert not scorecards.may_read_official(sc_people.ngo, official)
    assert scorecards.may_read_official(sc_people.focal_ken, official)
    # A contributor of the scorecard's organisation is held apart as well.
    assert not scorecards.may_read_official(sc_people.ngo_contributor, official)
    result = scorecards.build_comparison(sc_people.ngo, review)
    assert result["official_state"] == "hidden"
    assert all(row.official.status == "missing" for row in result["comparison"].questions)


def test_both_sharing_opens_the_official_draft_to_the_scorecard(review, sc_people):
    official = fill_official(review, share=True)
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    assert not scorecards.may_read_official(sc_people.ngo, official)  # the scorecard does not share
    scorecards.set_scorecard_sharing(sc_people.ngo, scorecard, True, scorecard.version)
    assert sc_people.ngo.has_perm("reviews.view_answerset", official)
    assert scorecards.may_read_official(sc_people.ngo, official)
    assert not scorecards.may_read_official(sc_people.union, official)  # no shared scorecard of its own


def _publish_review(review):
    review.status = "published"
    review.save()


def test_publication_opens_both_sides(review, sc_people):
    _publish_review(review)
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "room_to_develop"}, publish=True)
    official = publish_official(review)
    assert scorecards.may_read_official(sc_people.ngo, official)
    assert _sees_scorecard(sc_people.focal_ken, scorecard)
    assert _sees_scorecard(sc_people.public, scorecard)


def test_published_scorecard_of_an_unpublished_review_stays_in_its_scope(review, sc_people):
    scorecard = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"}, publish=True)
    assert _sees_scorecard(sc_people.focal_ken, scorecard)
    assert not _sees_scorecard(AnonymousUser(), scorecard)  # the review itself is not public yet
    assert not _sees_scorecard(sc_people.focal_mex, scorecard)


# --- the comparison --------------------------------------------------------------------


def test_comparison_flags_two_levels(review, sc_people):
    _publish_review(review)
    publish_official(review)  # objective-1 well developed, objective-2 developing
    make_scorecard(
        review, sc_people.ngo, {"objective-1": "room_to_develop", "objective-2": "room_to_develop"}, publish=True
    )
    make_scorecard(review, sc_people.union, {"objective-1": "developing", "objective-2": "not_applicable"},
                   publish=True)  # fmt: skip
    result = scorecards.build_comparison(AnonymousUser(), review)
    rows = {row.key: row for row in result["comparison"].questions}
    assert result["official_state"] == "shown"
    assert len(rows) == 23
    assert rows["objective-1"].disagreement is True
    # Scorecards by organisation name: the union ("Kenya Workers Union") first, then the NGO.
    assert [c.label for c in rows["objective-1"].scorecards] == ["Kenya Workers Union", "Nairobi Migrant Collective"]
    assert [c.disagrees for c in rows["objective-1"].scorecards] == [False, True]
    assert rows["objective-1"].spread == 2
    assert rows["objective-2"].disagreement is False  # one level; the union's n/a is shown, not counted
    assert rows["objective-2"].scorecards[0].status == "not_applicable"
    assert rows["objective-3"].scorecards[1].status == "missing"
    assert rows["objective-1"].official.justification == "Official on objective-1"
    assert rows["objective-1"].scorecards[1].justification == "Because objective-1"
    assert result["comparison"].domains == ()  # one objective per domain: no second table


def test_comparison_of_10_7_2_compares_domain_scores_in_points(review, sc_people):
    from gcmhub.reviews import instruments

    instrument = instruments.load_instrument(SDG)
    pd1 = [q.key for q in instrument.domains[0].questions]
    official_ratings = {key: "yes" for key in instrument.question_keys}  # every domain 100
    _publish_review(review)
    publish_official(review, official_ratings, SDG)
    # NGO: PD_1 3 of 5 yes = 60 (40 points below: a disagreement)
    ngo = {key: ("yes" if i < 3 else "no") for i, key in enumerate(pd1)}
    make_scorecard(review, sc_people.ngo, ngo, instrument_code=SDG, publish=True)
    # Union: PD_1 4 of 5 = 80 (20 points: no)
    union = {key: ("yes" if i < 4 else "no") for i, key in enumerate(pd1)}
    make_scorecard(review, sc_people.union, union, instrument_code=SDG, publish=True)
    result = scorecards.build_comparison(sc_people.public, review, SDG)
    domains = {row.key: row for row in result["comparison"].domains}
    assert domains["PD_1"].disagreement is True
    assert [c.disagrees for c in domains["PD_1"].scorecards] == [False, True]  # union, then NGO
    assert domains["PD_1"].spread == 40
    assert domains["PD_2"].scorecards[1].status == "missing"  # not all five answered: no domain score
    assert domains["PD_2"].disagreement is False
    questions = result["comparison"].questions
    assert not any(row.disagreement for row in questions)  # yes/no is one level apart at most
