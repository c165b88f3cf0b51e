"""Role × action for scorecards and public comments, including independence
before publication (one rule set for web, API and CLI: scorecard_rules)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.reviews import scorecards
from tests.reviews.scorecard_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

ROLES = ["admin", "focal_ken", "focal_mex", "contributor_ken", "ngo", "ngo_contributor", "union", "local",
         "mex_ngo", "reviewer", "public", "anonymous"]  # fmt: skip


def _user(sc_people, role):
    return AnonymousUser() if role == "anonymous" else getattr(sc_people, role)


def _allowed(sc_people, perm, obj) -> set[str]:
    return {role for role in ROLES if _user(sc_people, role).has_perm(perm, obj)}


def test_who_may_start_a_scorecard(review, sc_people):
    assert _allowed(sc_people, "reviews.add_scorecard", review) == {"admin", "ngo", "union"}


def test_who_reads_writes_and_publishes_a_draft_scorecard(review, sc_people):
    draft = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    assert _allowed(sc_people, "reviews.view_scorecard", draft) == {"admin", "ngo"}
    assert _allowed(sc_people, "reviews.change_scorecard", draft) == {"admin", "ngo"}
    assert _allowed(sc_people, "reviews.publish_scorecard", draft) == {"admin", "ngo"}
    assert _allowed(sc_people, "reviews.withdraw_scorecard", draft) == set()


def test_draft_shared_both_ways(review, sc_people):
    fill_official(review, share=True)
    draft = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"}, share=True)
    # The official side (focal point, coordinating organisation) now reads it; nobody else does.
    assert _allowed(sc_people, "reviews.view_scorecard", draft) == {"admin", "ngo", "focal_ken", "contributor_ken"}


def test_who_reads_and_withdraws_a_published_scorecard(review, sc_people):
    published = make_scorecard(review, sc_people.ngo, {"objective-1": "developing"}, publish=True)
    # Everyone who reads the (unpublished) review reads it.
    readers = _allowed(sc_people, "reviews.view_review", review)
    assert _allowed(sc_people, "reviews.view_scorecard", published) == readers | {"ngo"}
    assert "anonymous" not in readers and "focal_mex" not in readers
    assert _allowed(sc_people, "reviews.change_scorecard", published) == set()
    assert _allowed(sc_people, "reviews.withdraw_scorecard", published) == {"admin", "ngo", "reviewer"}
    review.status = "published"
    review.save()
    published = type(published).objects.get(pk=published.pk)
    assert _allowed(sc_people, "reviews.view_scorecard", published) == set(ROLES)


def test_independence_official_draft_hidden_from_scorecard_writers(review, sc_people):
    official = fill_official(review)
    make_scorecard(review, sc_people.ngo, {"objective-1": "developing"})
    readers = {role for role in ROLES if scorecards.may_read_official(_user(sc_people, role), official)}
    assert readers == {"admin", "focal_ken", "contributor_ken", "reviewer"}
    # The self-assessment's own read rule holds the same people apart: a
    # contributor of the scoring NGO cannot open the official draft either.
    review_readers = {role for role in ROLES if _user(sc_people, role).has_perm("reviews.view_answerset", official)}
    assert review_readers == readers


def test_who_comments_and_moderates(review, sc_people):
    assert _allowed(sc_people, "reviews.add_reviewcomment", review) == set()  # nothing published yet
    review.status = "published"
    review.save()
    publish_official(review)
    everyone_signed_in = set(ROLES) - {"anonymous"}
    assert _allowed(sc_people, "reviews.add_reviewcomment", review) == everyone_signed_in
    assert _allowed(sc_people, "reviews.moderate_reviewcomment", None) == {"admin", "reviewer"}
    comment = scorecards.add_public_comment(sc_people.public, review, "A comment")
    assert _allowed(sc_people, "reviews.view_reviewcomment", comment) == {"admin", "reviewer", "public"}
    scorecards.moderate_comment(sc_people.reviewer, comment, "approve", comment.version)
    assert _allowed(sc_people, "reviews.view_reviewcomment", comment) == set(ROLES)


def test_rejected_comment_stays_with_its_author(review, sc_people):
    review.status = "published"
    review.save()
    publish_official(review)
    comment = scorecards.add_public_comment(sc_people.public, review, "Off topic", question_key="objective-3")
    scorecards.moderate_comment(sc_people.reviewer, comment, "reject", comment.version, "Not about the review.")
    assert _allowed(sc_people, "reviews.view_reviewcomment", comment) == {"admin", "reviewer", "public"}
    assert list(scorecards.visible_comments(AnonymousUser(), review)) == []
    assert list(scorecards.visible_comments(sc_people.public, review)) == [comment]


def test_comment_input_is_checked(review, sc_people):
    from gcmhub.errors import InvalidInput

    review.status = "published"
    review.save()
    publish_official(review)
    with pytest.raises(InvalidInput):
        scorecards.add_public_comment(sc_people.public, review, "   ")
    with pytest.raises(InvalidInput):
        scorecards.add_public_comment(sc_people.public, review, "x" * 4001)
    with pytest.raises(InvalidInput):
        scorecards.add_public_comment(sc_people.public, review, "ok", question_key="objective-99")
    with pytest.raises(InvalidInput):
        scorecards.add_public_comment(sc_people.public, review, "bad \x00 text")


def test_comment_window_boundaries(review):
    import datetime

    from gcmhub.reviews.scorecard_rules import window_open

    review.comments_open_from = datetime.date(2026, 3, 1)
    review.comments_open_until = datetime.date(2026, 3, 31)
    assert not window_open(review, datetime.date(2026, 2, 28))
    assert window_open(review, datetime.date(2026, 3, 1))
    assert window_open(review, datetime.date(2026, 3, 31))
    assert not window_open(review, datetime.date(2026, 4, 1))
    review.comments_open_until = None
    assert not window_open(review, datetime.date(2026, 3, 5))
