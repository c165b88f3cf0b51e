"""API: stakeholder scorecards, the comparison, and public comments.

* ``GET/POST /reviews/{id}/scorecards`` — the scorecards the caller may read;
  a stakeholder creates its organisation's scorecard (draft);
* ``GET/PATCH /reviews/{id}/scorecards/{sid}`` — read one with its answers;
  share it with the official side, publish it (``state: published``) or
  withdraw it (``state: draft``), with the ``version`` read;
* ``PUT /reviews/{id}/scorecards/{sid}/answers/{question}`` — one answer
  (rating, justification), with its ``version`` (stale → 409);
* ``GET /reviews/{id}/comparison`` — per question and per domain: official,
  scorecards, spread, ``disagreement``; ``format=csv|xlsx`` downloads it;
* ``GET/POST /reviews/{id}/comments`` and
  ``POST /reviews/{id}/comments/{cid}/moderation`` — the public comment window.

Mounted by ``gcmhub/api.py`` beside the core reviews router; docs/reviews.md
describes every endpoint.
"""


import datetime
from typing import Literal

from django.db import transaction
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.concurrency import stored_if_unchanged
from gcmhub.apischema import Code, Flag, Id, InputSchema, Page, Ref, Text, Version
from gcmhub.reviews import comparison as cmp
from gcmhub.reviews import comparison_export, instruments, scorecards
from gcmhub.reviews import services as review_services
from gcmhub.reviews.comment_models import MODERATION_NOTE_MAX, PUBLIC_COMMENT_MAX

router = Router(tags=["reviews"])

QuestionKey = Text(40)
ScorecardState = Literal["draft", "published"]
CellStatus = Literal["rated", "not_applicable", "missing"]


# --- scorecards ------------------------------------------------------------------------


class ScorecardOrganizationOut(Schema):
    id: int
    name: str
    kind: str


class ScorecardAnswerOut(Schema):
    question: str = Field(description="Question key, e.g. objective-7")
    rating: str = Field(description="A value of the instrument's scale, or empty")
    justification: str
    version: int = Field(description="Send it back with writes: a stale version gets 409")
    updated_at: datetime.datetime


class ScorecardSummaryOut(Schema):
    id: int
    review: int
    instrument: str
    organization: ScorecardOrganizationOut
    state: ScorecardState
    share_before_publication: bool
    published_at: datetime.datetime | None
    answered: int = Field(description="Questions with a rating")
    total: int
    version: int


class ScorecardOut(ScorecardSummaryOut):
    answers: list[ScorecardAnswerOut]


def _summary(scorecard, answers=None) -> dict:
    answers = answers if answers is not None else scorecards.scorecard_answers(scorecard)
    return {
        "id": scorecard.pk,
        "review": scorecard.review_id,
        "instrument": scorecard.instrument_code,
        "organization": {
            "id": scorecard.organization.pk,
            "name": scorecard.organization.name,
            "kind": scorecard.organization.kind,
        },
        "state": scorecard.state,
        "share_before_publication": scorecard.share_before_publication,
        "published_at": scorecard.published_at,
        "answered": sum(1 for a in answers if a.rating),
        "total": len(answers),
        "version": scorecard.version,
    }


def _full(scorecard) -> dict:
    answers = scorecards.scorecard_answers(scorecard)
    return {
        **_summary(scorecard, answers),
        "answers": [
            {
                "question": a.question_key,
                "rating": a.rating,
                "justification": a.justification,
                "version": a.version,
                "updated_at": a.updated_at,
            }
            for a in answers
        ],
    }


class ScorecardIn(InputSchema):
    instrument: Code = Field(instruments.GCM_OBJECTIVES, description="gcm-objectives or sdg-10.7.2")
    organization: Ref | None = Field(
        None, description="The stakeholder organisation (default: the caller's own; administrators name one)"
    )
    share_before_publication: Flag = Field(
        False, description="Let the official side read the draft (only if it shares its own draft too)"
    )


class ScorecardPatch(InputSchema):
    version: Version
    share_before_publication: Flag | None = None
    state: ScorecardState | None = Field(None, description="published: publish it; draft: withdraw it")


class ScorecardAnswerIn(InputSchema):
    version: Version
    rating: Text(40) = Field("", description="A value of the instrument's scale; empty clears it")
    justification: Text(scorecards.JUSTIFICATION_MAX) = ""


class ScorecardFilters(Schema):
    instrument: Code | None = None


def _review(request, review_id):
    return review_services.get_review(request.auth, review_id)


@router.get(
    "/reviews/{review_id}/scorecards",
    response=list[ScorecardSummaryOut],
    auth=read_auth,
    summary="Stakeholder scorecards of a review",
)
@paginate(Page)
def list_scorecards(request, review_id: Id, filters: Query[ScorecardFilters]):
    """Published scorecards for everyone who reads the review; drafts for
    their own organisation (and the official side where both share)."""
    review = _review(request, review_id)
    return [_summary(s) for s in scorecards.visible_scorecards(request.auth, review, filters.instrument)]


@router.post(
    "/reviews/{review_id}/scorecards",
    response={201: ScorecardOut},
    auth=bearer_auth,
    summary="Start a scorecard for your organisation",
)
def create_scorecard(request, review_id: Id, payload: ScorecardIn):
    review = _review(request, review_id)
    scorecard = scorecards.create_scorecard(
        request.auth,
        review,
        organization_id=payload.organization,
        instrument_code=payload.instrument,
        share_before_publication=payload.share_before_publication,
    )
    return Status(201, _full(scorecard))


@router.get(
    "/reviews/{review_id}/scorecards/{scorecard_id}",
    response=ScorecardOut,
    auth=read_auth,
    summary="A scorecard with its answers",
)
def get_scorecard(request, review_id: Id, scorecard_id: Id):
    review = _review(request, review_id)
    return _full(scorecards.get_scorecard(request.auth, review, scorecard_id))


@router.patch(
    "/reviews/{review_id}/scorecards/{scorecard_id}",
    response=ScorecardOut,
    auth=bearer_auth,
    summary="Share, publish or withdraw a scorecard",
)
def change_scorecard(request, review_id: Id, scorecard_id: Id, payload: ScorecardPatch):
    review = _review(request, review_id)
    scorecard = scorecards.get_scorecard(request.auth, review, scorecard_id)
    version = payload.version
    if payload.share_before_publication is not None:
        scorecard = scorecards.set_scorecard_sharing(
            request.auth, scorecard, payload.share_before_publication, version
        )
        version = scorecard.version
    if payload.state == "published" and scorecard.state != "published":
        scorecard = scorecards.publish_scorecard(request.auth, scorecard, version)
    elif payload.state == "draft" and scorecard.state == "published":
        scorecard = scorecards.withdraw_scorecard(request.auth, scorecard, version)
    elif payload.share_before_publication is None:
        # Nothing to change: still check the caller may change it and the version is current.
        review_services.require(request.auth, "reviews.change_scorecard", scorecard)
        with transaction.atomic():
            stored_if_unchanged(scorecard, version)
    return _full(scorecard)


@router.put(
    "/reviews/{review_id}/scorecards/{scorecard_id}/answers/{question_key}",
    response=ScorecardAnswerOut,
    auth=bearer_auth,
    summary="Answer one question of a scorecard",
)
def save_answer(request, review_id: Id, scorecard_id: Id, question_key: QuestionKey, payload: ScorecardAnswerIn):
    review = _review(request, review_id)
    scorecard = scorecards.get_scorecard(request.auth, review, scorecard_id)
    answer = scorecards.save_scorecard_answer(
        request.auth,
        scorecard,
        question_key,
        rating=payload.rating,
        justification=payload.justification,
        expected_version=payload.version,
    )
    return {
        "question": answer.question_key,
        "rating": answer.rating,
        "justification": answer.justification,
        "version": answer.version,
        "updated_at": answer.updated_at,
    }


# --- the comparison --------------------------------------------------------------------


class ComparisonCellOut(Schema):
    source: str = Field(description="official, or scorecard-<id>")
    label: str = Field(description="Who: the official self-assessment or the organisation")
    value: str | None = Field(description="The rating (a scale value), or a domain score in points")
    display: str = Field(description="The value as shown, in the caller's language")
    status: CellStatus = Field(description="missing also when not visible to the caller")
    justification: str
    difference: float | None = Field(description="This answer minus the official one (levels or points)")
    disagrees: bool = Field(description="Two levels or more (or 40 points or more) from the official answer")


class ComparisonRowOut(Schema):
    key: str = Field(description="Question key (objective-7, 1a) or domain key (PD_1)")
    label: str
    domain: str
    scale: Literal["ordinal", "numeric"]
    official: ComparisonCellOut
    scorecards: list[ComparisonCellOut]
    spread: float | None = Field(description="Highest minus lowest rated answer; null with fewer than two")
    disagreement: bool = Field(description="The official answer and a scorecard disagree (two levels / 40 points)")
    scorecards_disagree: bool = Field(description="Two scorecards disagree by as much")


class ComparisonSourceOut(Schema):
    source: str
    label: str


class ComparisonOut(Schema):
    review: int
    instrument: str
    method: str
    method_version: int
    official_state: Literal["shown", "hidden", "none"] = Field(
        description="hidden: the official answers exist but are not visible to the caller before publication"
    )
    sources: list[ComparisonSourceOut]
    disagreements: int = Field(description="Questions with disagreement true")
    questions: list[ComparisonRowOut] = Field(description="Per question (for gcm-objectives: per objective)")
    domains: list[ComparisonRowOut] = Field(description="Per domain, for instruments that score domains (10.7.2)")


class ComparisonQuery(Schema):
    instrument: Code = Field(instruments.GCM_OBJECTIVES, description="gcm-objectives or sdg-10.7.2")
    format: Literal["json", "csv", "xlsx"] = Field("json", description="csv or xlsx: download the table")


_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/reviews/{review_id}/comparison",
    response=ComparisonOut,
    auth=read_auth,
    summary="Official self-assessment and scorecards side by side",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "text/csv": _FILE,
                    comparison_export.CONTENT_TYPES["xlsx"]: _FILE,
                }
            }
        }
    },
)
def get_comparison(request, review_id: Id, query: Query[ComparisonQuery]):
    """What the caller may read: published answers for the public; before
    publication, each side its own (and the other where both share)."""
    review = _review(request, review_id)
    result = scorecards.build_comparison(request.auth, review, query.instrument)
    data = result["comparison"]
    if query.format in comparison_export.FORMATS:
        body = comparison_export.write(data, query.format)
        response = HttpResponse(body, content_type=comparison_export.CONTENT_TYPES[query.format])
        name = comparison_export.filename(review, data.instrument, query.format)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return {
        "review": review.pk,
        "instrument": data.instrument,
        "method": data.method,
        "method_version": data.method_version,
        "official_state": result["official_state"],
        "sources": [{"source": key, "label": label} for key, label in data.sources],
        "disagreements": data.disagreements,
        "questions": [cmp.row_record(row) for row in data.questions],
        "domains": [cmp.row_record(row) for row in data.domains],
    }


# --- public comments -------------------------------------------------------------------


class PublicCommentOut(Schema):
    id: int
    review: int
    instrument: str
    question: str = Field(description="The question commented on; empty: the whole self-assessment")
    author: str = Field(description="The author's display name")
    text: str
    state: Literal["pending", "approved", "rejected"]
    moderation_note: str = Field(description="Why it was rejected (for its author and reviewers)")
    created_at: datetime.datetime
    version: int


def _comment(comment, reader) -> dict:
    author = comment.author
    name = author.get_full_name() or author.username
    show_note = reader is not None and (
        scorecards.sr.moderates(reader) or (reader.is_authenticated and comment.author_id == reader.pk)
    )
    return {
        "id": comment.pk,
        "review": comment.review_id,
        "instrument": comment.answer_set.instrument_code,
        "question": comment.question_key,
        "author": name,
        "text": comment.text,
        "state": comment.state,
        "moderation_note": comment.moderation_note if show_note else "",
        "created_at": comment.created_at,
        "version": comment.version,
    }


class PublicCommentIn(InputSchema):
    text: Text(PUBLIC_COMMENT_MAX)
    question: QuestionKey = Field("", description="A question key, or empty for the whole self-assessment")
    instrument: Code = instruments.GCM_OBJECTIVES


class PublicCommentModerationIn(InputSchema):
    version: Version
    decision: Literal["approve", "reject"]
    note: Text(MODERATION_NOTE_MAX) = Field("", description="Why (shown to the author)")


class PublicCommentFilters(Schema):
    state: Literal["pending", "approved", "rejected"] | None = Field(
        None, description="Reviewers: filter by moderation state"
    )


@router.get(
    "/reviews/{review_id}/comments",
    response=list[PublicCommentOut],
    auth=read_auth,
    summary="Public comments on the published self-assessment",
)
@paginate(Page)
def list_comments(request, review_id: Id, filters: Query[PublicCommentFilters]):
    """Approved comments for everyone; their own for authors; all for reviewers."""
    review = _review(request, review_id)
    comments = scorecards.visible_comments(request.auth, review).select_related("answer_set")
    if filters.state:
        comments = comments.filter(state=filters.state)
    return [_comment(c, request.auth) for c in comments]


@router.post(
    "/reviews/{review_id}/comments",
    response={201: PublicCommentOut},
    auth=bearer_auth,
    summary="Comment on the published self-assessment (while the window is open)",
)
def add_comment(request, review_id: Id, payload: PublicCommentIn):
    review = _review(request, review_id)
    comment = scorecards.add_public_comment(
        request.auth, review, payload.text, question_key=payload.question, instrument_code=payload.instrument
    )
    return Status(201, _comment(comment, request.auth))


@router.post(
    "/reviews/{review_id}/comments/{comment_id}/moderation",
    response=PublicCommentOut,
    auth=bearer_auth,
    summary="Approve or reject a comment (reviewers)",
)
def moderate_comment(request, review_id: Id, comment_id: Id, payload: PublicCommentModerationIn):
    review = _review(request, review_id)
    comment = scorecards.get_comment(request.auth, review, comment_id)
    comment = scorecards.moderate_comment(request.auth, comment, payload.decision, payload.version, payload.note)
    return _comment(comment, request.auth)
