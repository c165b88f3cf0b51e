"""Who may do what with reviews and self-assessments: one set of rules for
web, API and CLI (``user.has_perm("reviews.<perm>", obj)``; services check
again with the record they are about to change). docs/reviews.md has the
matrix.

* A national focal point runs their own country's reviews (creates them,
  edits them, assigns questions, answers, validates and publishes the
  self-assessment); never another country's.
* Regional reviews (and any review of an area that is not a country) are run
  by administrators and reviewers.
* Contributors answer the questions assigned to them, and read the draft of
  the reviews of their organisation's country (they comment on it).
* Stakeholders do not see the official draft before it is published, unless
  both the official side and their organisation's scorecard share it
  (``share_before_publication``).
* The public sees published reviews and published self-assessments only.
* Administrators may do everything.
"""

import rules

from gcmhub.actors.rules import (
    is_admin,
    is_contributor,
    is_focal_point,
    is_member,
    is_reviewer,
    is_stakeholder,
    manages_area_of,
)


def _review(obj):
    """A Review, or the review of an AnswerSet / Answer / AnswerComment."""
    from gcmhub.reviews.models import Answer, AnswerComment, AnswerSet

    if isinstance(obj, AnswerComment):
        obj = obj.answer
    if isinstance(obj, Answer):
        obj = obj.answer_set
    if isinstance(obj, AnswerSet):
        obj = obj.review
    return obj


def _answer_set(obj):
    """An AnswerSet, or the set of an Answer / AnswerComment; None otherwise."""
    from gcmhub.reviews.models import Answer, AnswerComment, AnswerSet

    if isinstance(obj, AnswerComment):
        obj = obj.answer
    if isinstance(obj, Answer):
        obj = obj.answer_set
    return obj if isinstance(obj, AnswerSet) else None


def _area_is_country(review) -> bool:
    from gcmhub.geo.models import Area

    return review.area.kind == Area.Kind.COUNTRY if review.area_id else False


@rules.predicate
def is_published_review(user, obj) -> bool:
    review = _review(obj)
    return review is not None and review.status == "published"


@rules.predicate
def runs_review(user, obj) -> bool:
    """Runs the review: its country's focal point; an admin or reviewer for a
    review of a region. With no object: whether the user runs any review."""
    if is_admin(user):
        return True
    review = _review(obj)
    if review is None:
        return is_focal_point(user) or is_reviewer(user)
    if review.area_id is None:
        return is_reviewer(user)
    if _area_is_country(review):
        return manages_area_of("area_id")(user, review)
    return is_reviewer(user)


@rules.predicate
def contributor_of_review(user, obj) -> bool:
    """A contributor whose organisation is the review's coordinating
    organisation or is in the review's country."""
    if not is_contributor(user) or user.organization_id is None:
        return False
    review = _review(obj)
    if review is None:
        return True
    if review.coordinating_organization_id == user.organization_id:
        return True
    return review.area_id is not None and user.organization.area_id == review.area_id


@rules.predicate
def stakeholder_of_review(user, obj) -> bool:
    """A stakeholder whose organisation is in the review's area, coordinates
    it or was consulted for it."""
    if not is_stakeholder(user) or user.organization_id is None:
        return False
    review = _review(obj)
    if review is None:
        return True
    if review.coordinating_organization_id == user.organization_id:
        return True
    if review.area_id is not None and user.organization.area_id == review.area_id:
        return True
    return review.consultations.filter(organization_id=user.organization_id).exists()


@rules.predicate
def is_assigned(user, answer) -> bool:
    return answer is not None and user.pk is not None and getattr(answer, "assigned_to_id", None) == user.pk


@rules.predicate
def is_draft_set(user, obj) -> bool:
    answer_set = _answer_set(obj)
    return answer_set is None or answer_set.state == "draft"


@rules.predicate
def is_published_set(user, obj) -> bool:
    answer_set = _answer_set(obj)
    return answer_set is not None and answer_set.state == "published"


@rules.predicate
def is_official_set(user, obj) -> bool:
    answer_set = _answer_set(obj)
    return answer_set is None or answer_set.kind == "official"


@rules.predicate
def shared_with_scorecard(user, obj) -> bool:
    """Both sides chose to share before publication: the official set and the
    user's organisation's scorecard in the same review."""
    answer_set = _answer_set(obj)
    if answer_set is None or not is_member(user) or user.organization_id is None:
        return False
    if answer_set.kind != "official" or not answer_set.share_before_publication:
        return False
    return answer_set.review.answer_sets.filter(
        kind="scorecard",
        organization_id=user.organization_id,
        instrument_code=answer_set.instrument_code,
        share_before_publication=True,
    ).exists()


@rules.predicate
def assigned_in_set(user, obj) -> bool:
    answer_set = _answer_set(obj)
    if answer_set is None or user.pk is None:
        return False
    return answer_set.answers.filter(assigned_to_id=user.pk).exists()


# Reviews: the record (title, area, timeline, consultations).
rules.add_perm(
    "reviews.view_review",
    is_published_review | is_admin | is_reviewer | runs_review | contributor_of_review | stakeholder_of_review,
)
rules.add_perm("reviews.add_review", runs_review)
rules.add_perm("reviews.change_review", runs_review)

@rules.predicate
def not_held_apart(user, answer_set) -> bool:
    """Independence: a member of an organisation that scores the review does not
    read the official draft (unless both sides share), whatever else they are."""
    from gcmhub.reviews.scorecard_rules import held_apart_from_official

    return not held_apart_from_official(user, answer_set)


# The official self-assessment (an AnswerSet of kind official).
rules.add_perm(
    "reviews.view_answerset",
    (is_official_set & not_held_apart
     & (is_published_set | runs_review | is_reviewer | contributor_of_review | assigned_in_set | shared_with_scorecard))
    | is_admin,
)  # fmt: skip
# Assign questions, validate, publish, reopen.
rules.add_perm("reviews.manage_answerset", is_official_set & runs_review)
# Answer one question (an Answer): while the set is a draft.
rules.add_perm("reviews.change_answer", is_official_set & is_draft_set & (runs_review | is_assigned))
# Comment on a question of a draft.
rules.add_perm(
    "reviews.comment_answer",
    is_official_set & is_draft_set & (runs_review | is_reviewer | contributor_of_review | is_assigned),
)
# The working layer of a self-assessment (who is assigned, the comments):
# for those who work on the review, never for the public, even once published.
rules.add_perm("reviews.view_workings", is_admin | is_reviewer | runs_review | contributor_of_review)

# Scorecards and public comments (their own module, registered with these).
from gcmhub.reviews import scorecard_rules  # noqa: E402,F401
