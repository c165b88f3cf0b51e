"""REST endpoints of the reviews app, mounted under /api/v1/ by gcmhub/api.py.

Reviews (GET/POST /reviews, GET/PATCH /reviews/{id}) and the official
self-assessment (GET/PUT /reviews/{id}/self-assessment). Field names as in
issue 11: ``area`` (ISO3 or M49 region code), ``kind``, ``title``, ``forum``,
``period_start``, ``period_end``, ``deadline``, ``status``.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, Flag, Id, InputSchema, Page, Ref, Text, Version, choices
from gcmhub.errors import EditConflict, InvalidInput
from gcmhub.reviews import instruments, services
from gcmhub.reviews.models import TITLE_MAX, Review

router = Router(tags=["reviews"])

KindChoice = choices(Review.Kind, "ReviewKind")
StatusChoice = choices(Review.Status, "ReviewStatus")
InstrumentCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{0,39}$", max_length=40)]
# Answers per PUT: the largest instrument has well under this many questions.
MAX_ANSWERS = 200


class ReviewAreaOut(Schema):
    code: str = Field(description="ISO3 for a country, M49 for a region")
    name: str
    kind: str


class ReviewMilestoneOut(Schema):
    id: int
    title: str
    due: date
    done_on: date | None
    late: bool


class ReviewConsultationOut(Schema):
    organization: int | None = Field(None, description="Organisation id (null where the caller may not see it)")
    organization_name: str
    date: date
    form: str


class ReviewOut(Schema):
    id: int
    area: str = Field(description="ISO3 code of the country, or M49 code of the region")
    area_name: str
    kind: str
    title: str
    forum: str
    period_start: date | None
    period_end: date | None
    deadline: date | None
    status: str
    coordinating_organization: int | None = None
    comments_open_from: date | None
    comments_open_until: date | None
    milestones: list[ReviewMilestoneOut]
    consultations: list[ReviewConsultationOut]
    is_demo: bool
    version: int = Field(description="Send it back with writes: a stale version gets 409")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_area(review) -> str:
        return review.area.iso3 or review.area.m49

    @staticmethod
    def resolve_area_name(review) -> str:
        return review.area.tr("name") if hasattr(review.area, "tr") else review.area.name_en

    @staticmethod
    def resolve_coordinating_organization(review, context) -> int | None:
        from gcmhub import references

        organization = review.coordinating_organization
        return organization.pk if organization and references.shown(context["request"].auth, organization) else None

    @staticmethod
    def resolve_milestones(review) -> list[dict]:
        from django.utils import timezone

        today = timezone.localdate()
        return [
            {"id": m.pk, "title": m.title, "due": m.due, "done_on": m.done_on, "late": m.is_late(today)}
            for m in review.milestones.all()
        ]

    @staticmethod
    def resolve_consultations(review, context) -> list[dict]:
        from gcmhub import references

        reader = context["request"].auth
        rows = []
        for consultation in review.consultations.select_related("organization"):
            shown = references.shown(reader, consultation.organization)
            rows.append(
                {
                    "organization": consultation.organization_id if shown else None,
                    "organization_name": consultation.organization.name if shown else _("(not public)"),
                    "date": consultation.date,
                    "form": consultation.form,
                }
            )
        return rows


class ReviewIn(InputSchema):
    area: Code = Field(description="ISO3 code of a country, or M49 code of a region")
    kind: KindChoice
    title: Text(TITLE_MAX)
    forum: Text(100) = ""
    period_start: date | None = None
    period_end: date | None = None
    deadline: date | None = None
    status: StatusChoice = Review.Status.PREPARING
    coordinating_organization: Ref | None = None
    comments_open_from: date | None = None
    comments_open_until: date | None = None
    is_demo: Flag = False


class ReviewPatch(InputSchema):
    version: Version
    area: Code | None = None
    kind: KindChoice | None = None
    title: Text(TITLE_MAX) | None = None
    forum: Text(100) | None = None
    period_start: date | None = None
    period_end: date | None = None
    deadline: date | None = None
    status: StatusChoice | None = None
    coordinating_organization: Ref | None = None
    comments_open_from: date | None = None
    comments_open_until: date | None = None
    is_demo: Flag | None = None


class ReviewFilters(Schema):
    area: Code | None = Field(None, description="ISO3 or M49 code")
    kind: KindChoice | None = None
    status: StatusChoice | None = None


# Dates far outside any review are refused rather than stored.
def _check_dates(data: dict) -> None:
    for name, value in data.items():
        if isinstance(value, date) and not (1900 <= value.year <= 2200):
            raise InvalidInput(_("Give a date between 1900 and 2200."), field=name)


# Fields that must not be null when sent.
NOT_NULL = ("area", "kind", "title", "forum", "status", "is_demo")


@router.get("/reviews", response=list[ReviewOut], auth=read_auth, summary="Reviews of the Compact's implementation")
@paginate(Page)
def list_reviews(request, filters: Query[ReviewFilters]):
    """Published reviews, plus those the caller takes part in; newest first."""
    reviews = services.visible_reviews(request.auth)
    if filters.area:
        reviews = reviews.filter(area=services.find_area(filters.area))
    if filters.kind:
        reviews = reviews.filter(kind=filters.kind)
    if filters.status:
        reviews = reviews.filter(status=filters.status)
    return reviews.prefetch_related("milestones", "consultations__organization")


@router.post("/reviews", response={201: ReviewOut}, auth=bearer_auth)
def create_review(request, payload: ReviewIn):
    """A focal point creates their country's review; administrators and
    reviewers create regional ones. Its GCM-objectives self-assessment starts
    with it."""
    data = payload.model_dump()
    _check_dates(data)
    return Status(201, services.create_review(request.auth, data))


@router.get("/reviews/{review_id}", response=ReviewOut, auth=read_auth)
def get_review(request, review_id: Id):
    return services.get_review(request.auth, review_id)


@router.patch("/reviews/{review_id}", response=ReviewOut, auth=bearer_auth)
def update_review(request, review_id: Id, payload: ReviewPatch):
    """Change the fields sent; ``version`` is the one you read (stale: 409)."""
    review = services.get_review(request.auth, review_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    for name in NOT_NULL:
        if name in data and data[name] is None:
            raise InvalidInput(_("This field cannot be empty."), field=name)
    _check_dates(data)
    return services.update_review(request.auth, review, data, version)


# --- the self-assessment -----------------------------------------------------------------


class ReviewEvidenceOut(Schema):
    type: str = Field(description="commitment, assessment or practice")
    id: int
    title: str


class ReviewAnswerOut(Schema):
    question_key: str
    domain: str
    rating: str
    score: float | None
    priorities: str
    challenges: str
    narrative: str
    justification: str
    evidence: list[ReviewEvidenceOut]
    assigned_to: str | None = Field(None, description="Username, shown to those who run the review")
    comments: int
    version: int
    updated_at: datetime


class ReviewCompletionOut(Schema):
    answered: int
    total: int
    percent: int


class ReviewDomainScoreOut(Schema):
    domain: str
    answered: int
    total: int
    value: float | None = Field(None, description="0-100 when every question of the domain is answered")
    level: str | None = Field(None, description="The domain's class (10.7.2: requires_further_progress … fully_meets)")
    level_score: int | None = Field(None, description="The class as a number (10.7.2: 1-4)")


class ReviewSelfAssessmentOut(Schema):
    id: int
    review: int
    instrument: str
    instrument_edition: str
    state: str
    share_before_publication: bool
    validated_at: datetime | None
    published_at: datetime | None
    version: int
    completion: ReviewCompletionOut
    scores: list[ReviewDomainScoreOut]
    answers: list[ReviewAnswerOut]


class ReviewEvidenceIn(InputSchema):
    type: Literal["commitment", "assessment", "practice"]
    id: Ref


class ReviewAnswerIn(InputSchema):
    question_key: Text(40)
    version: Version
    rating: Text(40) | None = None
    priorities: Text(4000) | None = None
    challenges: Text(4000) | None = None
    narrative: Text(8000) | None = None
    justification: Text(4000) | None = None
    evidence: list[ReviewEvidenceIn] | None = Field(None, max_length=50)


class ReviewSelfAssessmentIn(InputSchema):
    instrument: InstrumentCode = instruments.GCM_OBJECTIVES
    answers: list[ReviewAnswerIn] = Field(max_length=MAX_ANSWERS)


def self_assessment_out(user, answer_set) -> dict:
    instrument = instruments.load_instrument(answer_set.instrument_code)
    domain_of = {q.key: q.domain_key for q in instrument.questions}
    order = {key: index for index, key in enumerate(instrument.question_keys)}
    comments = services.answer_counts(answer_set)
    show_assignees = user is not None and user.has_perm("reviews.manage_answerset", answer_set)
    answers = sorted(
        answer_set.answers.select_related("assigned_to"), key=lambda a: order.get(a.question_key, len(order))
    )
    result = services.score_of(answer_set)
    done = services.completion(answer_set)
    return {
        "id": answer_set.pk,
        "review": answer_set.review_id,
        "instrument": answer_set.instrument_code,
        "instrument_edition": instrument.edition,
        "state": answer_set.state,
        "share_before_publication": answer_set.share_before_publication,
        "validated_at": answer_set.validated_at,
        "published_at": answer_set.published_at,
        "version": answer_set.version,
        "completion": {"answered": done.answered, "total": done.total, "percent": done.percent},
        "scores": [
            {
                "domain": key,
                "answered": domain.answered,
                "total": domain.total,
                "value": float(domain.value) if domain.value is not None else None,
                "level": domain.level.code if domain.level else None,
                "level_score": domain.level.score if domain.level else None,
            }
            for key, domain in result.domains.items()
        ],
        "answers": [
            {
                "question_key": answer.question_key,
                "domain": domain_of.get(answer.question_key, ""),
                "rating": answer.rating,
                "score": float(answer.score) if answer.score is not None else None,
                "priorities": answer.priorities,
                "challenges": answer.challenges,
                "narrative": answer.narrative,
                "justification": answer.justification,
                "evidence": services.describe_evidence(user, answer.evidence),
                "assigned_to": answer.assigned_to.username if show_assignees and answer.assigned_to else None,
                "comments": comments.get(answer.question_key, 0),
                "version": answer.version,
                "updated_at": answer.updated_at,
            }
            for answer in answers
        ],
    }


@router.get("/reviews/{review_id}/self-assessment", response=ReviewSelfAssessmentOut, auth=read_auth)
def get_self_assessment(request, review_id: Id, instrument: InstrumentCode = instruments.GCM_OBJECTIVES):
    """The review's official self-assessment for ``instrument`` (the public
    reads it once published), with completion and domain scores."""
    review = services.get_review(request.auth, review_id)
    answer_set = services.get_self_assessment(request.auth, review, instrument)
    return self_assessment_out(request.auth, answer_set)


@router.put("/reviews/{review_id}/self-assessment", response=ReviewSelfAssessmentOut, auth=bearer_auth)
def put_self_assessment(request, review_id: Id, payload: ReviewSelfAssessmentIn):
    """Save answers, each with the ``version`` you read: all or nothing. A
    stale version answers 409 and saves none of them (someone else changed
    that answer: reload it). Fields left out are kept. The first PUT for the
    10.7.2 instrument starts that self-assessment."""
    user = request.auth
    review = services.get_review(user, review_id)
    answer_set = services.official_set(review, payload.instrument)
    if answer_set is None:
        # Checks the instrument (422) and that the caller runs the review (403).
        answer_set = services.start_self_assessment(user, review, payload.instrument)
    else:
        services.get_self_assessment(user, review, payload.instrument)
    keys = [item.question_key for item in payload.answers]
    if len(set(keys)) != len(keys):
        raise InvalidInput(_("Each question may appear once."), field="answers")
    with transaction.atomic():
        for index, item in enumerate(payload.answers):
            answer = answer_set.answers.filter(question_key=item.question_key).first()
            if answer is None:
                raise InvalidInput(
                    _("No question “%(key)s” in this self-assessment.") % {"key": item.question_key},
                    field=f"answers[{index}].question_key",
                )
            data = item.model_dump(exclude_unset=True, exclude={"question_key", "version"})
            for name in list(data):
                if data[name] is None:
                    data[name] = [] if name == "evidence" else ""
            try:
                services.save_answer(user, answer, data, item.version)
            except EditConflict as conflict:
                raise EditConflict(
                    _("Question %(key)s was changed by someone else since you read it; nothing was saved. Reload it.")
                    % {"key": item.question_key},
                    field=f"answers[{index}].version",
                ) from conflict
            except InvalidInput as error:
                raise InvalidInput(error.message, field=f"answers[{index}].{error.field or ''}".rstrip(".")) from error
    answer_set.refresh_from_db()
    return self_assessment_out(user, answer_set)
