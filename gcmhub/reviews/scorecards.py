"""Independent stakeholder scorecards, the side-by-side comparison, and the
public comment window: every write goes through here, after the permission
check of ``scorecard_rules.py``; pages, API and CLI call these functions.

* A scorecard is an ``AnswerSet`` of ``kind=scorecard`` owned by one
  stakeholder organisation (civil society, migrant or diaspora group, trade
  union, academia, private sector), with one ``Answer`` per question created
  at once; each answer holds a rating and the organisation's
  ``justification``, and is saved with its version (a stale one → 409).
* Independence: a draft scorecard is read by its own organisation only, and
  its authors do not read the official draft, until publication, unless both
  sides set ``share_before_publication`` (``scorecard_rules``).
* The organisation publishes its own scorecard; reviewers and
  administrators may withdraw a published one (back to draft).
* ``build_comparison`` puts the official answers and every scorecard the
  caller may read side by side (``gcmhub.reviews.comparison`` holds the rule).
* Public comments: anyone logged in comments on a published self-assessment
  while the review's window is open; a reviewer approves or rejects.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from gcmhub.actors.models import Organization
from gcmhub.concurrency import save_if_unchanged
from gcmhub.errors import InvalidInput
from gcmhub.reviews import comparison, instruments
from gcmhub.reviews import scorecard_rules as sr
from gcmhub.reviews import services as review_services
from gcmhub.reviews.comment_models import PUBLIC_COMMENT_MAX, ReviewComment
from gcmhub.reviews.models import Answer, AnswerSet, Review
from gcmhub.reviews.services import ReviewForbidden, ReviewNotFound, require
from gcmhub.text import text_problem

JUSTIFICATION_MAX = 4000
MODERATION_NOTE_MAX = 1000


# --- reading ---------------------------------------------------------------------------


def instrument_of(code: str) -> instruments.Instrument:
    return review_services._instrument(code)


def scorecards_of(review: Review, instrument_code: str | None = None) -> QuerySet:
    found = review.answer_sets.filter(kind=AnswerSet.Kind.SCORECARD).select_related("organization", "review")
    if instrument_code:
        found = found.filter(instrument_code=instrument_code)
    return found.order_by("organization__name", "instrument_code", "id")


def visible_scorecards(user, review: Review, instrument_code: str | None = None) -> list[AnswerSet]:
    """The scorecards of ``review`` that ``user`` may read (``reviews.view_scorecard``)."""
    return [s for s in scorecards_of(review, instrument_code) if user is None or user.has_perm("reviews.view_scorecard", s)]


def get_scorecard(user, review: Review, scorecard_id) -> AnswerSet:
    scorecard = scorecards_of(review).filter(pk=scorecard_id).first() if str(scorecard_id).isdigit() else None
    if scorecard is None or (user is not None and not user.has_perm("reviews.view_scorecard", scorecard)):
        raise ReviewNotFound(_("No scorecard with id %(id)s in this review.") % {"id": scorecard_id})
    return scorecard


def scorecard_answers(scorecard: AnswerSet) -> list[Answer]:
    """The answers in the instrument's order."""
    instrument = instrument_of(scorecard.instrument_code)
    by_key = {answer.question_key: answer for answer in scorecard.answers.all()}
    return [by_key[key] for key in instrument.question_keys if key in by_key]


def may_read_official(user, official: AnswerSet | None) -> bool:
    """The official answers are shown to ``user``: the self-assessment rule,
    and independence (a scorecard's authors do not read the official draft)."""
    if official is None:
        return False
    if user is None:
        return True
    return user.has_perm("reviews.view_answerset", official) and not sr.held_apart_from_official(user, official)


# --- writing scorecards ----------------------------------------------------------------


def _stakeholder_organization(actor, organization_id) -> Organization:
    if organization_id is None:
        organization = getattr(actor, "organization", None) if actor is not None else None
        if organization is None:
            raise InvalidInput(_("Name the organisation whose scorecard this is."), field="organization")
    else:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None or (actor is not None and not actor.has_perm("actors.view_organization", organization)):
            raise InvalidInput(_("No such organisation."), field="organization")
        if actor is not None and not sr.is_admin(actor) and organization.pk != actor.organization_id:
            raise ReviewForbidden(_("You write only your own organisation’s scorecard."))
    if organization.kind not in sr.STAKEHOLDER_KINDS:
        raise InvalidInput(
            _(
                "Scorecards are written by civil society, migrant or diaspora organisations, trade unions, "
                "academia and the private sector; “%(name)s” is none of these."
            )
            % {"name": organization.name},
            field="organization",
        )
    return organization


@transaction.atomic
def create_scorecard(
    actor,
    review: Review,
    *,
    organization_id: int | None = None,
    instrument_code: str = instruments.GCM_OBJECTIVES,
    share_before_publication: bool = False,
) -> AnswerSet:
    """A new draft scorecard of ``organization`` (the actor's own by default)
    for ``review``, with one empty answer per question."""
    require(actor, "reviews.add_scorecard", review)
    instrument = instrument_of(instrument_code)
    organization = _stakeholder_organization(actor, organization_id)
    if scorecards_of(review, instrument_code).filter(organization=organization).exists():
        raise InvalidInput(
            _("%(name)s already has a scorecard of this instrument for this review.") % {"name": organization.name},
            field="organization",
        )
    try:
        with transaction.atomic():
            scorecard = AnswerSet.objects.create(
                review=review,
                instrument_code=instrument.code,
                kind=AnswerSet.Kind.SCORECARD,
                organization=organization,
                share_before_publication=bool(share_before_publication),
            )
    except IntegrityError:  # created at the same moment by a colleague
        raise InvalidInput(
            _("%(name)s already has a scorecard of this instrument for this review.") % {"name": organization.name},
            field="organization",
        ) from None
    bulk_create_with_history(
        [Answer(answer_set=scorecard, question_key=question.key) for question in instrument.questions], Answer
    )
    return scorecard


def _checked_text(value: str | None, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidInput(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    problem = text_problem(value)
    if problem:
        raise InvalidInput(problem, field=field)
    return value


def save_scorecard_answer(
    actor, scorecard: AnswerSet, question_key: str, *, rating: str, justification: str, expected_version: int
) -> Answer:
    """Save one answer of a draft scorecard if nobody saved it since
    ``expected_version`` (else EditConflict, 409)."""
    require(actor, "reviews.change_scorecard", scorecard)
    instrument = instrument_of(scorecard.instrument_code)
    answer = scorecard.answers.filter(question_key=question_key).first()
    if answer is None:
        raise ReviewNotFound(_("No question “%(key)s” in this scorecard.") % {"key": question_key})
    rating = rating or ""
    if rating and instrument.scale.option(rating) is None:
        raise InvalidInput(
            _("“%(value)s” is not on this instrument's scale (%(values)s).")
            % {"value": rating, "values": ", ".join(instrument.scale.values)},
            field="rating",
        )
    answer.rating = rating
    answer.justification = _checked_text(justification, "justification", JUSTIFICATION_MAX)
    answer.updated_by = actor if actor is not None and actor.pk else None
    save_if_unchanged(answer, expected_version)
    return answer


def set_scorecard_sharing(actor, scorecard: AnswerSet, share: bool, expected_version: int) -> AnswerSet:
    """Let the official side read this draft (it takes effect only if the
    official side shares its draft too)."""
    require(actor, "reviews.change_scorecard", scorecard)
    scorecard.share_before_publication = bool(share)
    save_if_unchanged(scorecard, expected_version)
    return scorecard


def publication_problems(scorecard: AnswerSet) -> list[str]:
    """Why the scorecard cannot be published yet (empty: it can)."""
    instrument = instrument_of(scorecard.instrument_code)
    answers = scorecard_answers(scorecard)
    rated = [a for a in answers if a.rating]
    if not rated:
        return [_("Rate at least one question.")]
    problems = []
    if instrument.scale.kind == "ordinal":
        missing = [a for a in rated if instrument.scale.option(a.rating).level is not None and not a.justification]
        if missing:
            labels = ", ".join(_question_label(instrument, a.question_key) for a in missing[:5])
            problems.append(
                _("Give your justification for every rating (missing: %(questions)s).") % {"questions": labels}
            )
    return problems


def publish_scorecard(actor, scorecard: AnswerSet, expected_version: int) -> AnswerSet:
    """The organisation publishes its scorecard: from now on everyone who may
    read the review reads it."""
    require(actor, "reviews.publish_scorecard", scorecard)
    problems = publication_problems(scorecard)
    if problems:
        raise InvalidInput(" ".join(problems), field="state")
    scorecard.state = AnswerSet.State.PUBLISHED
    scorecard.published_at = timezone.now()
    save_if_unchanged(scorecard, expected_version)
    return scorecard


def withdraw_scorecard(actor, scorecard: AnswerSet, expected_version: int) -> AnswerSet:
    """Back to draft: by its organisation (to correct it) or by a reviewer."""
    require(actor, "reviews.withdraw_scorecard", scorecard)
    scorecard.state = AnswerSet.State.DRAFT
    scorecard.published_at = None
    save_if_unchanged(scorecard, expected_version)
    return scorecard


# --- the comparison --------------------------------------------------------------------


def question_heading(instrument, question, language: str | None = None) -> str:
    """"Objective 7 — <official title>" for the GCM objectives (titles from the
    framework data), "1a — <wording>" for numbered questions."""
    domain = instrument.domain(question.domain_key)
    if domain is not None and domain.objective:
        return _("Objective %(number)s — %(title)s") % {"number": domain.objective, "title": question.label(language)}
    if question.number:
        return f"{question.number} — {question.label(language)}"
    return question.label(language)


def _question_label(instrument, key: str, language: str | None = None) -> str:
    question = instrument.question(key)
    return question_heading(instrument, question, language) if question else key


def scale_of(instrument) -> comparison.Scale:
    """The instrument's scale as the comparison sees it: its options with a
    level (or points), highest first; the others (not applicable) off the scale."""
    options = instrument.scale.options
    ranked = [o for o in options if o.level is not None] or [o for o in options if o.points is not None]
    key = (lambda o: o.level) if any(o.level is not None for o in options) else (lambda o: o.points)
    ranked = sorted(ranked, key=key, reverse=True)
    off = [o.value for o in options if o not in ranked]
    return comparison.Scale.ordinal([o.value for o in ranked], not_applicable=off)


def _display(instrument, value: str, language: str | None) -> str:
    option = instrument.scale.option(value) if value else None
    return option.title(language) if option else ""


def _domain_display(score, language) -> str:
    if score is None or score.value is None:
        return ""
    text = f"{score.value.normalize():f}"
    return f"{text} · {score.level.title(language)}" if score.level else text


OFFICIAL_SOURCE = "official"


def build_comparison(user, review: Review, instrument_code: str = instruments.GCM_OBJECTIVES) -> dict:
    """Side by side, for ``user``: the official answers (when readable) and
    every readable scorecard of ``instrument_code``; per question and, when
    the instrument aggregates, per domain.

    Returns ``{"comparison": Comparison, "official_state": "shown" |
    "hidden" | "none", "official": AnswerSet | None, "scorecards": [...],
    "instrument": Instrument}``."""
    language = get_language()
    instrument = instrument_of(instrument_code)
    official = review_services.official_set(review, instrument.code)
    shown = may_read_official(user, official)
    official_state = "none" if official is None else ("shown" if shown else "hidden")
    scorecards = visible_scorecards(user, review, instrument.code)
    sets = ([official] if shown else []) + scorecards
    answers: dict[int, dict[str, Answer]] = {s.pk: {} for s in sets}
    for answer in Answer.objects.filter(answer_set__in=sets):
        answers[answer.answer_set_id][answer.question_key] = answer
    official_label = _("Official self-assessment")
    source = {s.pk: f"scorecard-{s.pk}" for s in scorecards}
    label = {s.pk: s.organization.name if s.organization_id else _("Stakeholder") for s in scorecards}

    def position(answer_set, key) -> comparison.Position:
        answer = answers[answer_set.pk].get(key)
        rating = answer.rating if answer else ""
        if answer_set.kind == AnswerSet.Kind.OFFICIAL:
            reason = answer.narrative or answer.justification if answer else ""
            return comparison.Position(OFFICIAL_SOURCE, official_label, rating, reason, _display(instrument, rating, language))
        reason = answer.justification if answer else ""
        return comparison.Position(source[answer_set.pk], label[answer_set.pk], rating, reason, _display(instrument, rating, language))

    scale = scale_of(instrument)
    questions = tuple(
        comparison.compare_row(
            scale,
            question.key,
            question_heading(instrument, question, language),
            position(official, question.key) if shown else None,
            [position(s, question.key) for s in scorecards],
            domain=question.domain_key,
        )
        for question in instrument.questions
    )
    domains: tuple = ()
    if instrument.aggregation != "none":
        points = comparison.Scale.numeric()
        scores = {}
        for answer_set in sets:
            ratings = {key: a.rating for key, a in answers[answer_set.pk].items()}
            scores[answer_set.pk] = instruments.score(instrument, ratings).domains

        def domain_position(answer_set, domain_key) -> comparison.Position:
            score = scores[answer_set.pk].get(domain_key)
            value = score.value if score is not None else None
            name = official_label if answer_set.kind == AnswerSet.Kind.OFFICIAL else label[answer_set.pk]
            key = OFFICIAL_SOURCE if answer_set.kind == AnswerSet.Kind.OFFICIAL else source[answer_set.pk]
            return comparison.Position(key, name, value, "", _domain_display(score, language))

        domains = tuple(
            comparison.compare_row(
                points,
                domain.key,
                domain.label(language),
                domain_position(official, domain.key) if shown else None,
                [domain_position(s, domain.key) for s in scorecards],
                domain=domain.key,
            )
            for domain in instrument.domains
        )
    sources = ((OFFICIAL_SOURCE, official_label), *((source[s.pk], label[s.pk]) for s in scorecards))
    return {
        "comparison": comparison.Comparison(instrument.code, sources, questions, domains),
        "official_state": official_state,
        "official": official,
        "scorecards": scorecards,
        "instrument": instrument,
    }


# --- public comments -------------------------------------------------------------------


def published_official_sets(review: Review) -> QuerySet:
    return review.answer_sets.filter(kind=AnswerSet.Kind.OFFICIAL, state=AnswerSet.State.PUBLISHED)


def comments_open(review: Review, today=None) -> bool:
    """The window is set and today is in it (both days included), and a self-assessment is published."""
    return sr.window_open(review, today) and published_official_sets(review).exists()


def add_public_comment(
    actor, review: Review, text: str, *, question_key: str = "", instrument_code: str = instruments.GCM_OBJECTIVES
) -> ReviewComment:
    """A comment on the published self-assessment, waiting for moderation."""
    require(actor, "reviews.add_reviewcomment", review)
    official = published_official_sets(review).filter(instrument_code=instrument_code).first()
    if official is None:
        raise InvalidInput(_("This review has no published self-assessment of that instrument."), field="instrument")
    if question_key and instrument_of(official.instrument_code).question(question_key) is None:
        raise InvalidInput(_("No question “%(key)s” in this self-assessment.") % {"key": question_key}, field="question")
    text = _checked_text(text, "text", PUBLIC_COMMENT_MAX)
    if not text:
        raise InvalidInput(_("Write your comment."), field="text")
    return ReviewComment.objects.create(
        review=review, answer_set=official, question_key=question_key, author=actor, text=text
    )


def moderate_comment(actor, comment: ReviewComment, decision: str, expected_version: int, note: str = "") -> ReviewComment:
    """A reviewer approves (shown publicly) or rejects (shown to its author only, with the note)."""
    require(actor, "reviews.moderate_reviewcomment", comment)
    states = {"approve": ReviewComment.State.APPROVED, "reject": ReviewComment.State.REJECTED}
    if decision not in states:
        raise InvalidInput(_("Approve or reject."), field="decision")
    comment.state = states[decision]
    comment.moderation_note = _checked_text(note, "note", MODERATION_NOTE_MAX)
    comment.moderated_by = actor if actor is not None and actor.pk else None
    comment.moderated_at = timezone.now()
    save_if_unchanged(comment, expected_version)
    return comment


def visible_comments(user, review: Review) -> QuerySet:
    """The queryset form of ``reviews.view_reviewcomment`` for one review."""
    comments = review.public_comments.select_related("author").order_by("created_at", "id")
    if user is None or sr.moderates(user):
        return comments
    shown = Q(state=ReviewComment.State.APPROVED)
    if user.is_authenticated:
        shown |= Q(author_id=user.pk)
    return comments.filter(shown)


def get_comment(user, review: Review, comment_id) -> ReviewComment:
    comment = visible_comments(user, review).filter(pk=comment_id).first() if str(comment_id).isdigit() else None
    if comment is None:
        raise ReviewNotFound(_("No comment with id %(id)s.") % {"id": comment_id})
    return comment


def moderation_queue(user) -> QuerySet:
    """Comments waiting for moderation, oldest first (reviewers and administrators)."""
    require(user, "reviews.moderate_reviewcomment")
    return (
        ReviewComment.objects.filter(state=ReviewComment.State.PENDING)
        .select_related("review", "review__area", "author")
        .order_by("created_at", "id")
    )
