"""Every write to reviews and self-assessments goes through here, after the
permission check of ``rules.py``; pages, API and CLI call these functions.

* Reviews: ``create_review``, ``update_review`` (versioned: a stale version
  is refused with EditConflict → 409), milestones and consultations.
* The self-assessment is the review's *official* AnswerSet of an instrument
  (``official_set``), one Answer per question, created at once. Answers are
  saved one at a time with their version (``save_answer``), so many people
  can fill in a self-assessment together and a stale save never overwrites
  someone else's; every change is in the answer's history.
* Suggested evidence (``suggestions_for_set``) comes from the area's published
  commitments, progress assessments and practices linked to the objective; it
  pre-fills the evidence of a new self-assessment, never the rating.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from gcmhub.actors.models import Organization, User
from gcmhub.actors.rules import is_admin, is_contributor, is_focal_point, is_member, is_reviewer
from gcmhub.concurrency import save_if_unchanged
from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.geo.models import Area
from gcmhub.reviews import instruments
from gcmhub.reviews.models import (
    EVIDENCE_MAX,
    Answer,
    AnswerComment,
    AnswerSet,
    Consultation,
    Review,
    ReviewMilestone,
)
from gcmhub.text import text_problem

EVIDENCE_TYPES = ("commitment", "assessment", "practice")
# Suggestions per type and question: enough to start from, short enough to read.
SUGGESTIONS_PER_TYPE = 10
REVIEW_FIELDS = (
    "title", "kind", "forum", "period_start", "period_end", "deadline", "status",
    "coordinating_organization", "comments_open_from", "comments_open_until", "is_demo",
)  # fmt: skip
ANSWER_TEXT_FIELDS = ("priorities", "challenges", "narrative", "justification")


class ReviewForbidden(Forbidden, PermissionDenied):
    pass


class ReviewNotFound(NotFound, Http404):
    pass


def require(actor, permission: str, obj=None) -> None:
    """Raise ReviewForbidden unless ``actor`` (None: the system operator) may do it."""
    if actor is not None and not actor.has_perm(permission, obj):
        raise ReviewForbidden(_("You do not have permission to do this."))


# --- reading ---------------------------------------------------------------------------


def visible_reviews(user) -> QuerySet:
    """The reviews ``user`` may read: the queryset form of ``reviews.view_review``."""
    reviews = Review.objects.select_related("area", "coordinating_organization")
    if user is None or is_admin(user) or is_reviewer(user):
        return reviews
    visible = Q(status=Review.Status.PUBLISHED)
    if user.is_authenticated and user.is_active:
        if is_focal_point(user) and user.area_id:
            visible |= Q(area_id=user.area_id)
        if is_member(user) and user.organization_id:
            org_area = user.organization.area_id
            visible |= Q(coordinating_organization_id=user.organization_id)
            if org_area:
                visible |= Q(area_id=org_area)
            if not is_contributor(user):
                visible |= Q(consultations__organization_id=user.organization_id)
    return reviews.filter(visible).distinct()


def get_review(user, review_id) -> Review:
    try:
        return visible_reviews(user).get(pk=review_id)
    except (Review.DoesNotExist, ValueError, TypeError):
        raise ReviewNotFound(_("No review with id %(id)s.") % {"id": review_id}) from None


def reviews_of_area(user, area: Area) -> QuerySet:
    return visible_reviews(user).filter(area=area)


def official_set(review: Review, instrument_code: str = instruments.GCM_OBJECTIVES) -> AnswerSet | None:
    return review.answer_sets.filter(kind=AnswerSet.Kind.OFFICIAL, instrument_code=instrument_code).first()


def official_answers(review: Review, instrument_code: str = instruments.GCM_OBJECTIVES) -> dict[str, Answer]:
    """The official self-assessment's answers, by question key ({} when none)."""
    answer_set = official_set(review, instrument_code)
    if answer_set is None:
        return {}
    return {answer.question_key: answer for answer in answer_set.answers.select_related("assigned_to")}


def published_scorecards(review: Review, instrument_code: str | None = None) -> QuerySet:
    scorecards = review.answer_sets.filter(kind=AnswerSet.Kind.SCORECARD, state=AnswerSet.State.PUBLISHED)
    if instrument_code:
        scorecards = scorecards.filter(instrument_code=instrument_code)
    return scorecards.select_related("organization")


def get_self_assessment(user, review: Review, instrument_code: str = instruments.GCM_OBJECTIVES) -> AnswerSet:
    """The official set of ``review`` for ``instrument_code`` if ``user`` may read it."""
    _instrument(instrument_code)
    answer_set = official_set(review, instrument_code)
    if answer_set is None or (user is not None and not user.has_perm("reviews.view_answerset", answer_set)):
        raise ReviewNotFound(_("This review has no self-assessment you may read."))
    return answer_set


def may_see_self_assessment(user, review: Review, instrument_code: str = instruments.GCM_OBJECTIVES) -> bool:
    answer_set = official_set(review, instrument_code)
    return answer_set is not None and (user is None or user.has_perm("reviews.view_answerset", answer_set))


def _instrument(code: str) -> instruments.Instrument:
    try:
        return instruments.load_instrument(code)
    except instruments.InstrumentError:
        raise InvalidInput(_("Unknown instrument “%(code)s”.") % {"code": code}, field="instrument") from None


@dataclass(frozen=True)
class Completion:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def completion(answer_set: AnswerSet, domain_key: str | None = None) -> Completion:
    """How many questions have a rating (of one domain, or all)."""
    instrument = _instrument(answer_set.instrument_code)
    keys = (
        [q.key for q in instrument.domain(domain_key).questions]
        if domain_key and instrument.domain(domain_key)
        else list(instrument.question_keys)
    )
    answered = answer_set.answers.filter(question_key__in=keys).exclude(rating="").count()
    return Completion(answered, len(keys))


def score_of(answer_set: AnswerSet) -> instruments.InstrumentScore:
    instrument = _instrument(answer_set.instrument_code)
    ratings = dict(answer_set.answers.values_list("question_key", "rating"))
    return instruments.score(instrument, ratings)


def late_milestones(review: Review, today: date | None = None) -> list[ReviewMilestone]:
    today = today or timezone.localdate()
    return [milestone for milestone in review.milestones.all() if milestone.is_late(today)]


# --- reviews ----------------------------------------------------------------------------


def find_area(code: str, field: str = "area") -> Area:
    """A country (ISO3) or a region / group (M49 code)."""
    code = (code or "").strip()
    area = None
    if len(code) == 3 and code.isalpha():
        area = Area.objects.filter(iso3=code.upper()).first()
    elif code.isdigit() and len(code) <= 3:
        area = Area.objects.filter(m49=code.zfill(3)).first()
    if area is None:
        raise InvalidInput(_("Unknown area “%(code)s”: use an ISO3 or M49 code.") % {"code": code}, field=field)
    return area


def _organization(actor, organization_id, field: str) -> Organization | None:
    if organization_id in (None, ""):
        return None
    from gcmhub import references

    return references.resolve(actor, Organization, organization_id, field=field)


def _apply_review(actor, review: Review, data: dict) -> None:
    for name, value in data.items():
        if name == "area":
            review.area = value if isinstance(value, Area) else find_area(value)
        elif name == "coordinating_organization":
            review.coordinating_organization = (
                value if isinstance(value, Organization) or value is None else _organization(actor, value, name)
            )
        elif name in REVIEW_FIELDS:
            setattr(review, name, value)
        else:
            raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": name}, field=name)
    if review.kind == Review.Kind.REGIONAL and review.area.kind == Area.Kind.COUNTRY:
        raise InvalidInput(_("A regional review is about a region, not a country."), field="area")
    if review.kind == Review.Kind.NATIONAL and review.area.kind != Area.Kind.COUNTRY:
        raise InvalidInput(_("A national review is about a country."), field="area")
    try:
        review.full_clean(exclude=["area", "coordinating_organization", "created_by"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(f"{field}: {' '.join(messages)}", field=field) from None


@transaction.atomic
def create_review(actor, data: dict) -> Review:
    """Create a review (with its official GCM-objectives self-assessment)."""
    data = dict(data)
    if "area" not in data:
        raise InvalidInput(_("Name the country or region the review is about."), field="area")
    review = Review(created_by=actor if actor is not None and actor.pk else None)
    _apply_review(actor, review, data)
    require(actor, "reviews.add_review", review)
    review.save()
    start_self_assessment(None, review, instruments.GCM_OBJECTIVES)
    return review


def update_review(actor, review: Review, data: dict, expected_version: int) -> Review:
    require(actor, "reviews.change_review", review)
    data = dict(data)
    if "area" in data:
        new_area = data["area"] if isinstance(data["area"], Area) else find_area(data["area"])
        data["area"] = new_area
    _apply_review(actor, review, data)
    # The changed review must still be one the actor runs (a focal point cannot
    # move a review to another country).
    require(actor, "reviews.change_review", review)
    save_if_unchanged(review, expected_version)
    return review


def add_milestone(actor, review: Review, title: str, due: date, done_on: date | None = None) -> ReviewMilestone:
    require(actor, "reviews.change_review", review)
    milestone = ReviewMilestone(review=review, title=title, due=due, done_on=done_on)
    _clean(milestone)
    milestone.save()
    return milestone


def set_milestone_done(actor, milestone: ReviewMilestone, done_on: date | None) -> ReviewMilestone:
    require(actor, "reviews.change_review", milestone.review)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


def delete_milestone(actor, milestone: ReviewMilestone) -> None:
    require(actor, "reviews.change_review", milestone.review)
    milestone.delete()


def add_consultation(actor, review: Review, organization, when: date, form: str, notes: str = "") -> Consultation:
    require(actor, "reviews.change_review", review)
    if not isinstance(organization, Organization):
        organization = _organization(actor, organization, "organization")
    consultation = Consultation(review=review, organization=organization, date=when, form=form, notes=notes)
    _clean(consultation)
    consultation.save()
    return consultation


def delete_consultation(actor, consultation: Consultation) -> None:
    require(actor, "reviews.change_review", consultation.review)
    consultation.delete()


def _clean(instance) -> None:
    try:
        instance.full_clean(exclude=["review", "organization"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(f"{field}: {' '.join(messages)}", field=field) from None


# --- the self-assessment -------------------------------------------------------------


@transaction.atomic
def start_self_assessment(actor, review: Review, instrument_code: str) -> AnswerSet:
    """The official set of ``instrument_code`` for ``review``, created with one
    answer per question and the suggested evidence pre-filled (never a rating)."""
    instrument = _instrument(instrument_code)
    existing = official_set(review, instrument_code)
    if existing is not None:
        return existing
    if actor is not None:
        require(actor, "reviews.change_review", review)
    answer_set = AnswerSet.objects.create(
        review=review,
        instrument_code=instrument_code,
        kind=AnswerSet.Kind.OFFICIAL,
        organization=review.coordinating_organization,
    )
    suggested = suggestions_for_set(review, instrument) if "evidence" in instrument.fields else {}
    answers = [
        Answer(
            answer_set=answer_set,
            question_key=question.key,
            evidence=[{"type": s.type, "id": s.id} for s in suggested.get(question.key, [])],
        )
        for question in instrument.questions
    ]
    bulk_create_with_history(answers, Answer)
    return answer_set


def _answer_fields(instrument: instruments.Instrument, data: dict) -> dict:
    cleaned = {}
    for name, value in data.items():
        if name == "rating":
            value = value or ""
            if value and instrument.scale.option(value) is None:
                raise InvalidInput(
                    _("“%(value)s” is not on this instrument's scale (%(values)s).")
                    % {"value": value, "values": ", ".join(instrument.scale.values)},
                    field="rating",
                )
            cleaned["rating"] = value
        elif name in ANSWER_TEXT_FIELDS:
            value = value or ""
            if name not in instrument.fields and value:
                raise InvalidInput(_("This instrument does not ask for “%(field)s”.") % {"field": name}, field=name)
            limit = Answer._meta.get_field(name).validators[0].limit_value
            if len(value) > limit:
                raise InvalidInput(
                    _("At most %(limit)d characters.") % {"limit": limit}, field=name
                )
            problem = text_problem(value)
            if problem:
                raise InvalidInput(problem, field=name)
            cleaned[name] = value
        elif name == "evidence":
            if "evidence" not in instrument.fields and value:
                raise InvalidInput(_("This instrument does not ask for evidence."), field="evidence")
            cleaned["evidence"] = value
        else:
            raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": name}, field=name)
    return cleaned


def _evidence_models():
    from gcmhub.commitments.models import Commitment
    from gcmhub.practices.models import Practice
    from gcmhub.progress.models import Assessment

    return {"commitment": Commitment, "assessment": Assessment, "practice": Practice}


def check_evidence(actor, review: Review, items) -> list[dict]:
    """Evidence links as stored: [{"type", "id"}], each a record of the review's
    area that ``actor`` may read (unknown and hidden give the same error)."""
    from gcmhub import references

    if not isinstance(items, list):
        raise InvalidInput(_("Evidence is a list of {type, id}."), field="evidence")
    if len(items) > EVIDENCE_MAX:
        raise InvalidInput(_("At most %(count)d evidence links.") % {"count": EVIDENCE_MAX}, field="evidence")
    models = _evidence_models()
    cleaned, seen = [], set()
    for index, item in enumerate(items):
        field = f"evidence[{index}]"
        if not isinstance(item, dict) or set(item) != {"type", "id"}:
            raise InvalidInput(_("Each evidence link is {type, id}."), field=field)
        kind, pk = item["type"], item["id"]
        if kind not in EVIDENCE_TYPES:
            raise InvalidInput(
                _("Evidence type is one of %(types)s.") % {"types": ", ".join(EVIDENCE_TYPES)}, field=f"{field}.type"
            )
        if not isinstance(pk, int) or isinstance(pk, bool) or pk < 1:
            raise InvalidInput(_("Evidence id is a positive whole number."), field=f"{field}.id")
        record = references.resolve(actor, models[kind], pk, field=f"{field}.id")
        if not _in_area(record, kind, review.area):
            raise InvalidInput(_("This record is not about the review's area."), field=f"{field}.id")
        if (kind, pk) not in seen:
            seen.add((kind, pk))
            cleaned.append({"type": kind, "id": pk})
    return cleaned


def _area_ids(area: Area) -> set[int]:
    if area.kind == Area.Kind.COUNTRY:
        return {area.pk}
    return set(Area.objects.within(area.m49).values_list("pk", flat=True)) | {area.pk}


def _in_area(record, kind: str, area: Area) -> bool:
    ids = _area_ids(area)
    if kind == "practice":
        return record.areas.filter(pk__in=ids).exists()
    return record.area_id in ids


def save_answer(actor, answer: Answer, data: dict, expected_version: int) -> Answer:
    """Save one answer if nobody saved it since ``expected_version`` (else
    EditConflict, 409): the rating, texts and evidence given in ``data``."""
    if answer.answer_set.state != AnswerSet.State.DRAFT and actor is not None:
        if actor.has_perm("reviews.view_answerset", answer.answer_set):
            raise ReviewForbidden(_("This self-assessment is no longer a draft: reopen it to change its answers."))
    require(actor, "reviews.change_answer", answer)
    instrument = _instrument(answer.answer_set.instrument_code)
    cleaned = _answer_fields(instrument, data)
    if "evidence" in cleaned:
        cleaned["evidence"] = check_evidence(actor, answer.answer_set.review, cleaned["evidence"])
    for name, value in cleaned.items():
        setattr(answer, name, value)
    answer.updated_by = actor if actor is not None and actor.pk else None
    save_if_unchanged(answer, expected_version)
    return answer


def get_answer(user, answer_set: AnswerSet, question_key: str) -> Answer:
    answer = answer_set.answers.filter(question_key=question_key).first()
    if answer is None:
        raise ReviewNotFound(_("No question “%(key)s” in this self-assessment.") % {"key": question_key})
    return answer


def assignable_users(review: Review) -> QuerySet:
    """Who may be given questions: contributors of the review's country (or
    coordinating organisation) and the country's focal points."""
    scope = Q(role=User.Role.CONTRIBUTOR) & (
        Q(organization__area_id=review.area_id) | Q(organization_id=review.coordinating_organization_id)
    )
    scope |= Q(role=User.Role.FOCAL_POINT, area_id=review.area_id)
    return User.objects.filter(scope, is_active=True).order_by("username")


@transaction.atomic
def assign(actor, answer_set: AnswerSet, question_keys, assignee: User | None) -> int:
    """Give the questions ``question_keys`` (or whole domains, by domain key) to
    ``assignee`` (None: nobody). Returns how many answers changed."""
    require(actor, "reviews.manage_answerset", answer_set)
    if answer_set.state != AnswerSet.State.DRAFT:
        raise InvalidInput(_("Reopen the self-assessment before assigning questions."), field="state")
    instrument = _instrument(answer_set.instrument_code)
    keys = set()
    for key in question_keys:
        domain = instrument.domain(key)
        if domain is not None:
            keys.update(question.key for question in domain.questions)
        elif instrument.question(key) is not None:
            keys.add(key)
        else:
            raise InvalidInput(_("No question “%(key)s” in this instrument.") % {"key": key}, field="questions")
    if assignee is not None and not assignable_users(answer_set.review).filter(pk=assignee.pk).exists():
        raise InvalidInput(
            _("%(user)s cannot answer this review's questions.") % {"user": assignee.username}, field="assignee"
        )
    changed = 0
    for answer in answer_set.answers.filter(question_key__in=keys).select_for_update():
        if answer.assigned_to_id != (assignee.pk if assignee else None):
            # Not content: the version stays, so nobody's open form goes stale.
            answer.assigned_to = assignee
            answer.save(update_fields=["assigned_to", "updated_at"])
            changed += 1
    return changed


def add_comment(actor, answer: Answer, text: str) -> AnswerComment:
    require(actor, "reviews.comment_answer", answer)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write a comment first."), field="text")
    comment = AnswerComment(answer=answer, author=actor, text=text)
    try:
        comment.full_clean(exclude=["answer", "author"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.message_dict.get("text", [str(error)])), field="text") from None
    comment.save()
    return comment


def _set_state(answer_set: AnswerSet, expected_version: int, **changes) -> AnswerSet:
    for name, value in changes.items():
        setattr(answer_set, name, value)
    save_if_unchanged(answer_set, expected_version)
    return answer_set


def validate_self_assessment(actor, answer_set: AnswerSet, expected_version: int) -> AnswerSet:
    """The focal point (or whoever runs the review) validates the draft: every
    question must have a rating."""
    require(actor, "reviews.manage_answerset", answer_set)
    if answer_set.state != AnswerSet.State.DRAFT:
        raise InvalidInput(_("Only a draft can be validated."), field="state")
    done = completion(answer_set)
    if done.answered < done.total:
        raise InvalidInput(
            _("%(missing)d questions have no rating yet.") % {"missing": done.total - done.answered}, field="state"
        )
    return _set_state(
        answer_set,
        expected_version,
        state=AnswerSet.State.VALIDATED,
        validated_by=actor if actor is not None and actor.pk else None,
        validated_at=timezone.now(),
    )


def publish_self_assessment(actor, answer_set: AnswerSet, expected_version: int) -> AnswerSet:
    require(actor, "reviews.manage_answerset", answer_set)
    if answer_set.state != AnswerSet.State.VALIDATED:
        raise InvalidInput(_("Validate the self-assessment before publishing it."), field="state")
    return _set_state(answer_set, expected_version, state=AnswerSet.State.PUBLISHED, published_at=timezone.now())


def reopen_self_assessment(actor, answer_set: AnswerSet, expected_version: int) -> AnswerSet:
    """Back to draft (to correct it); a published one leaves publication."""
    require(actor, "reviews.manage_answerset", answer_set)
    return _set_state(
        answer_set, expected_version, state=AnswerSet.State.DRAFT, validated_by=None, validated_at=None,
        published_at=None,
    )  # fmt: skip


def set_sharing(actor, answer_set: AnswerSet, share: bool, expected_version: int) -> AnswerSet:
    require(actor, "reviews.manage_answerset", answer_set)
    return _set_state(answer_set, expected_version, share_before_publication=bool(share))


def answer_history(reader, answer: Answer) -> list:
    from gcmhub.actors.history import history_of

    staff = reader is not None and reader.has_perm("reviews.manage_answerset", answer.answer_set)
    return history_of(answer, reader=reader, show_usernames=staff or (reader is not None and is_reviewer(reader)))


# --- suggested evidence -----------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    type: str
    id: int
    title: str


def suggestions(review: Review, question_key: str) -> list[Suggestion]:
    """Published records of the review's area about the objective of
    ``question_key`` (objective-N questions of gcm-objectives only)."""
    instrument = instruments.load_instrument(instruments.GCM_OBJECTIVES)
    return suggestions_for_set(review, instrument).get(question_key, [])


def describe_evidence(reader, items: list[dict]) -> list[dict]:
    """Evidence links with a title, those the reader may see (others left out)."""
    from gcmhub import references

    models = _evidence_models()
    by_type: dict[str, list[int]] = {}
    for item in items or []:
        by_type.setdefault(item.get("type"), []).append(item.get("id"))
    titles = {}
    for kind, ids in by_type.items():
        model = models.get(kind)
        if model is None:
            continue
        for record in model.objects.filter(pk__in=ids):
            if reader is None or references.shown(reader, record):
                if kind == "assessment":
                    titles[(kind, record.pk)] = f"{record.series.code} — {record.get_status_display()}"
                else:
                    titles[(kind, record.pk)] = record.title
    return [
        {"type": item["type"], "id": item["id"], "title": titles[(item["type"], item["id"])]}
        for item in items or []
        if (item.get("type"), item.get("id")) in titles
    ]


def answer_counts(answer_set: AnswerSet) -> dict[str, int]:
    """Comments per question key."""
    rows = answer_set.answers.annotate(n=Count("comments")).values_list("question_key", "n")
    return dict(rows)


def suggestions_for_set(review: Review, instrument: instruments.Instrument) -> dict[str, list[Suggestion]]:
    """``suggestions`` for every objective question at once (a few queries in
    all, not a few per question: the form shows 23 objectives)."""
    from gcmhub.commitments.services import visible_commitments
    from gcmhub.practices.services import visible_practices
    from gcmhub.progress import services as progress

    numbers = {q.key: int(q.key.split("-", 1)[1]) for q in instrument.questions if q.key.startswith("objective-")}
    if not numbers:
        return {}
    key_of = {number: key for key, number in numbers.items()}
    public = AnonymousUser()
    ids = _area_ids(review.area)
    found: dict[str, list[Suggestion]] = {key: [] for key in numbers}

    def add(kind: str, number, pk: int, title: str) -> None:
        key = key_of.get(number)
        if key is not None and len([s for s in found[key] if s.type == kind]) < SUGGESTIONS_PER_TYPE:
            if not any(s.type == kind and s.id == pk for s in found[key]):
                found[key].append(Suggestion(kind, pk, title))

    rows = (
        visible_commitments(public)
        .filter(area_id__in=ids, objectives__number__in=numbers.values())
        .order_by("-created_at", "id")
        .values_list("objectives__number", "pk", "title")
    )
    for number, pk, title in rows[:2000]:
        add("commitment", number, pk, title)
    if review.area.kind == Area.Kind.COUNTRY:
        assessments = progress.assessments(area=review.area, dimension_key="").assessed()
        by_pk = {a.pk: a for a in assessments[:2000]}
        links = list(
            assessments.filter(pk__in=by_pk).values_list(
                "pk", "series__indicator__sdg_indicator__objective_links__objective__number"
            )
        ) + list(assessments.filter(pk__in=by_pk).values_list("pk", "series__indicator__objectives__number"))
        for pk, number in links:
            if number is not None:
                assessment = by_pk[pk]
                add("assessment", number, pk, f"{assessment.series.code} — {assessment.get_status_display()}")
    practice_rows = (
        visible_practices(public)
        .filter(areas__in=ids, objective_links__objective__number__in=numbers.values())
        .order_by("-id")
        .values_list("objective_links__objective__number", "pk", "title")
    )
    for number, pk, title in practice_rows[:2000]:
        add("practice", number, pk, title)
    return found
