"""Who may do what with stakeholder scorecards and public comments.

Registered with ``rules`` when the reviews app is ready (imported at the end
of ``gcmhub/reviews/rules.py``); web, API and CLI ask
``user.has_perm("reviews.<perm>", obj)`` and the services in
``gcmhub/reviews/scorecards.py`` check the same permissions with the record
they are about to change.

Scorecards (``AnswerSet`` with ``kind=scorecard``):

* a **stakeholder** of a civil-society, migrant or diaspora, trade-union,
  academic or private-sector organisation creates, fills in, shares and
  publishes its own organisation's scorecard, and no other;
* **independence**: before publication a draft scorecard is read only by its
  organisation's stakeholders and administrators, and the official self-assessment is
  hidden from scorecard authors (``held_apart_from_official``), unless both
  sides chose to share (``share_before_publication`` on the official set and
  on the scorecard);
* a published scorecard is public (wherever its review is readable);
  reviewers and administrators may withdraw one (back to draft).

Public comments (``ReviewComment``): anyone logged in comments on a published
self-assessment while the review's comment window is open; reviewers and
administrators moderate; the public reads approved comments only, the author
also their own.
"""

import rules
from django.utils import timezone

from gcmhub.actors.models import Organization
from gcmhub.actors.rules import _acts, is_admin, is_reviewer, is_stakeholder

# The organisations that write independent scorecards (issue 11).
STAKEHOLDER_KINDS = frozenset(
    {
        Organization.Kind.CIVIL_SOCIETY,
        Organization.Kind.MIGRANT_DIASPORA,
        Organization.Kind.TRADE_UNION,
        Organization.Kind.ACADEMIA,
        Organization.Kind.PRIVATE_SECTOR,
    }
)

moderates = is_admin | is_reviewer


def is_scorecard(answer_set) -> bool:
    return answer_set is not None and answer_set.kind == "scorecard"


def official_set_of(review, instrument_code: str):
    from gcmhub.reviews.models import AnswerSet

    return AnswerSet.objects.filter(review=review, instrument_code=instrument_code, kind="official").first()


def scorecard_of(review, organization_id, instrument_code: str | None = None):
    from gcmhub.reviews.models import AnswerSet

    if organization_id is None:
        return None
    found = AnswerSet.objects.filter(review=review, kind="scorecard", organization_id=organization_id)
    if instrument_code:
        found = found.filter(instrument_code=instrument_code)
    return found.first()


def _review_readable(user, review) -> bool:
    """The review itself is readable by ``user`` (rv-core's rule)."""
    return user.has_perm("reviews.view_review", review)


@rules.predicate
def writes_for_a_stakeholder_organisation(user) -> bool:
    """A stakeholder of an organisation of a kind that writes scorecards."""
    organization = getattr(user, "organization", None) if _acts(user) else None
    return bool(is_stakeholder(user) and organization is not None and organization.kind in STAKEHOLDER_KINDS)


@rules.predicate
def authors_scorecard(user, scorecard) -> bool:
    """A stakeholder of the scorecard's organisation."""
    return bool(
        writes_for_a_stakeholder_organisation(user)
        and (scorecard is None or scorecard.organization_id == user.organization_id)
    )


@rules.predicate
def is_published_set(user, answer_set) -> bool:
    return answer_set is not None and answer_set.state == "published"


@rules.predicate
def is_draft_set(user, answer_set) -> bool:
    return answer_set is None or answer_set.state != "published"


@rules.predicate
def review_readable(user, answer_set) -> bool:
    return answer_set is None or _review_readable(user, answer_set.review)


def on_official_side(user, review) -> bool:
    """Whoever runs the review (its country's focal point; reviewers for a
    regional review), or a member of the coordinating organisation."""
    from gcmhub.reviews.rules import runs_review

    if runs_review(user, review):
        return True
    return bool(
        _acts(user)
        and user.organization_id is not None
        and review.coordinating_organization_id == user.organization_id
    )


@rules.predicate
def shared_with_official_side(user, scorecard) -> bool:
    """Both sides chose to share: the scorecard, and the official set of the
    same instrument; and ``user`` is on the official side."""
    if scorecard is None or not scorecard.share_before_publication:
        return False
    official = official_set_of(scorecard.review, scorecard.instrument_code)
    return bool(official and official.share_before_publication and on_official_side(user, scorecard.review))


def held_apart_from_official(user, official) -> bool:
    """Independence: True when ``user`` writes (or may write) a scorecard for
    this review and so may not read its unpublished official answers.

    A stakeholder of a scorecard-writing organisation, or any member of an
    organisation that has a scorecard on the review, is held apart until the
    official set is published, unless the official set is shared and their
    organisation's scorecard of the same instrument is shared too.
    Administrators are never held apart; neither is the official side itself
    (the focal point, the coordinating organisation)."""
    if official is None or official.state == "published" or not _acts(user):
        return False
    if is_admin(user) or on_official_side(user, official.review):
        return False
    own = scorecard_of(official.review, user.organization_id)
    if own is None and not writes_for_a_stakeholder_organisation(user):
        return False
    same_instrument = scorecard_of(official.review, user.organization_id, official.instrument_code)
    return not (official.share_before_publication and same_instrument and same_instrument.share_before_publication)


@rules.predicate
def comment_window_open(user, review) -> bool:
    if review is None:
        return True
    return window_open(review)


def window_open(review, today=None) -> bool:
    today = today or timezone.localdate()
    start, end = review.comments_open_from, review.comments_open_until
    if start is None or end is None:
        return False
    return start <= today <= end


@rules.predicate
def self_assessment_published(user, review) -> bool:
    if review is None:
        return True
    from gcmhub.reviews.models import AnswerSet

    return AnswerSet.objects.filter(review=review, kind="official", state="published").exists()


@rules.predicate
def signed_in(user) -> bool:
    return _acts(user)


@rules.predicate
def review_of_comment_readable(user, comment) -> bool:
    return comment is None or _review_readable(user, comment.review)


@rules.predicate
def is_approved_comment(user, comment) -> bool:
    return comment is not None and comment.state == "approved"


@rules.predicate
def wrote_comment(user, comment) -> bool:
    return comment is not None and _acts(user) and comment.author_id == user.pk


@rules.predicate
def review_visible(user, review) -> bool:
    return review is None or _review_readable(user, review)


# Scorecards. Objects: the Review for "add", the scorecard AnswerSet otherwise.
rules.add_perm("reviews.add_scorecard", is_admin | (writes_for_a_stakeholder_organisation & review_visible))
rules.add_perm(
    "reviews.view_scorecard",
    (is_published_set & review_readable) | is_admin | authors_scorecard | shared_with_official_side,
)
rules.add_perm("reviews.change_scorecard", (is_admin | authors_scorecard) & is_draft_set)
rules.add_perm("reviews.publish_scorecard", (is_admin | authors_scorecard) & is_draft_set)
rules.add_perm("reviews.withdraw_scorecard", (is_admin | is_reviewer | authors_scorecard) & is_published_set)

# Public comments. Objects: the Review for "add" and "moderate" lists, the comment otherwise.
rules.add_perm(
    "reviews.add_reviewcomment", signed_in & review_visible & self_assessment_published & comment_window_open
)
rules.add_perm(
    "reviews.view_reviewcomment",
    moderates | wrote_comment | (is_approved_comment & review_of_comment_readable),
)
rules.add_perm("reviews.moderate_reviewcomment", moderates)
