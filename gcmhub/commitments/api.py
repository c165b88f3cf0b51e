"""API: the commitments registry, its workflow and its follow-up.

Writes carry the ``version`` read (a stale one gets 409). JSON field names
follow the issue: ``area`` is an ISO3 code, ``owner`` and partners'
``organization`` are organisation ids, ``objectives`` are numbers (primary
first), ``actions`` codes such as ``7a``, ``principles`` slugs, linked
``indicators`` series codes. docs/commitments.md describes every endpoint.
The coordination endpoints live in ``coordination_api.py``.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictInt, WithJsonSchema

from gcmhub import references
from gcmhub.actors.api import ChangeOut, HistoryEntryOut, OrganizationRef
from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, Flag, Id, InputSchema, Page, Ref, Text, Version, VersionParam, Year, choices
from gcmhub.commitments import flags as commitment_flags
from gcmhub.commitments import inputs, outcomes, services, verifiability
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Commitment,
    CommitmentAmount,
    CommitmentPartner,
    CommitmentUpdate,
    Evidence,
)
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.protection.taxonomy import STAGES
from gcmhub.text import LONG_TEXT_MAX

router = Router(tags=["commitments"])

CommitmentKind = choices(Commitment.Kind, "CommitmentKind")
CommitmentStatus = choices(Commitment.Status, "CommitmentStatus")
CommitmentCompletion = choices(Commitment.Completion, "CommitmentCompletion")
CommitmentReviewState = choices(Commitment.ReviewState, "CommitmentReviewState")
DescriptionFormat = choices(Commitment.DescriptionFormat, "CommitmentDescriptionFormat")
FormOfSupport = choices(Commitment.FormOfSupport, "CommitmentFormOfSupport")
FundingState = choices(Commitment.FundingState, "CommitmentFundingState")
PartnerRole = choices(CommitmentPartner.Role, "CommitmentPartnerRole")
AmountStage = choices(CommitmentAmount.Stage, "CommitmentAmountStage")
Verification = choices(CommitmentUpdate.Verification, "CommitmentVerification")
FlagName = Literal["overdue", "stale", "inactive"]
ObjectiveNumber = Annotated[StrictInt, Field(ge=1, le=99)]
# Decimals, exact as sent; documented as JSON numbers.
Metric = Annotated[
    Decimal,
    Field(max_digits=20, decimal_places=4, allow_inf_nan=False),
    WithJsonSchema({"type": "number", "description": "At most 16 digits before the point and 4 after"}),
]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False),
    WithJsonSchema({"type": "number", "minimum": 0, "description": "At most 16 digits before the point and 2 after"}),
]
IndicatorValue = Annotated[float, Field(ge=-1e15, le=1e15, allow_inf_nan=False)]
Horizon = Literal[2, 5, 15]
MigrationStage = Annotated[
    Literal[STAGES], WithJsonSchema({"title": "MigrationStage", "type": "string", "enum": list(STAGES)})
]
MAX_ITEMS = 50


# --- what the API answers ----------------------------------------------------------------


class CommitmentPartnerOut(Schema):
    organization: OrganizationRef | None = Field(description="Null if the caller may not read that organisation")
    role: PartnerRole


class CommitmentIndicatorOut(Schema):
    series: str
    baseline_value: float | None
    baseline_year: int | None
    target_value: float | None
    target_year: int | None


class CommitmentAmountOut(Schema):
    stage: AmountStage
    amount: str = Field(description="Decimal, in its own currency: amounts of different currencies are never added")
    currency: str
    date: datetime.date


class CheckItemOut(Schema):
    key: str
    label: str
    ok: bool


class CommitmentOut(Schema):
    id: int
    kind: CommitmentKind
    title: str
    description: str
    description_format: DescriptionFormat
    area: str = Field(description="ISO3 code")
    owner: OrganizationRef | None = Field(description="Null if the caller may not read the owner organisation")
    matches: int | None = Field(None, description="Id of the pledge or request a matching pledge matches")
    partners: list[CommitmentPartnerOut]
    objectives: list[int] = Field(description="Objective numbers, primary first")
    actions: list[str] = Field(description="Action codes such as 7a")
    principles: list[str] = Field(description="Guiding principle slugs")
    situations: list[str] = Field(description="Codes of the situations of vulnerability addressed")
    stages: list[MigrationStage] = Field(description="Migration stages concerned; empty: every stage")
    indicators: list[CommitmentIndicatorOut]
    metric: str
    metric_unit: str
    metric_baseline: float | None
    metric_target: float | None
    metric_target_year: int | None
    start_date: datetime.date | None
    due_date: datetime.date | None
    horizon_years: int | None
    due_by: datetime.date | None = Field(description="The deadline: due date, or start date plus horizon")
    form_of_support: str
    funding_state: str
    amounts: list[CommitmentAmountOut]
    iati_identifier: str
    status: CommitmentStatus = Field(description="Self-reported, as of the latest published update")
    completion: CommitmentCompletion
    review_state: CommitmentReviewState
    is_published: bool
    rejection_reason: str | None = Field(description="For those who work on it; null for others")
    has_pending_change: bool | None = Field(description="An edit waits for review; null for the public")
    verifiability: list[CheckItemOut]
    verifiable: bool
    verifiability_exception: str = Field(description="Why a reviewer published it although not verifiable")
    flags: list[str] = Field(description="overdue, stale, inactive")
    traffic_light: str = Field(description="green, yellow, red or grey")
    last_reported_at: datetime.datetime | None
    is_demo: bool = Field(description="An invented record, for demonstrations only")
    version: int = Field(description="Send it back with writes: a stale version gets 409")
    created_at: datetime.datetime
    updated_at: datetime.datetime
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_area(commitment) -> str:
        return commitment.area.iso3

    @staticmethod
    def resolve_owner(commitment, context):
        return references.shown_or_none(context["request"].auth, commitment.owner)

    @staticmethod
    def resolve_matches(commitment, context):
        matched = (
            references.shown_or_none(context["request"].auth, commitment.matches) if commitment.matches_id else None
        )
        return matched.pk if matched else None

    @staticmethod
    def resolve_partners(commitment, context):
        reader = context["request"].auth
        return [
            {"organization": references.shown_or_none(reader, link.organization), "role": link.role}
            for link in commitment.partners.all()
        ]

    @staticmethod
    def resolve_objectives(commitment) -> list[int]:
        return [link.objective.number for link in commitment.objective_links.all()]

    @staticmethod
    def resolve_actions(commitment) -> list[str]:
        return sorted((a.code for a in commitment.actions.all()), key=lambda code: (int(code[:-1]), code[-1]))

    @staticmethod
    def resolve_principles(commitment) -> list[str]:
        return [p.slug for p in commitment.principles.all()]

    @staticmethod
    def resolve_situations(commitment) -> list[str]:
        return [s.code for s in commitment.situations.all()]

    @staticmethod
    def resolve_indicators(commitment):
        return [
            {
                "series": link.series.code,
                "baseline_value": link.baseline_value,
                "baseline_year": link.baseline_year,
                "target_value": link.target_value,
                "target_year": link.target_year,
            }
            for link in commitment.indicator_links.all()
        ]

    @staticmethod
    def resolve_amounts(commitment):
        return [
            {"stage": a.stage, "amount": str(a.amount), "currency": a.currency, "date": a.date}
            for a in commitment.amounts.all()
        ]

    @staticmethod
    def resolve_rejection_reason(commitment, context):
        return commitment.rejection_reason if _staff(context, commitment) else None

    @staticmethod
    def resolve_has_pending_change(commitment, context):
        return commitment.has_pending_changes if _staff(context, commitment) else None

    @staticmethod
    def resolve_verifiability(commitment):
        return [item.__dict__ for item in verifiability.checklist(commitment)]

    @staticmethod
    def resolve_verifiable(commitment) -> bool:
        return verifiability.is_verifiable(commitment)

    @staticmethod
    def resolve_flags(commitment) -> list[str]:
        return commitment_flags.commitment_flags(commitment)

    @staticmethod
    def resolve_traffic_light(commitment) -> str:
        return commitment_flags.commitment_light(commitment)


def _staff(context, commitment) -> bool:
    return services.may_see_staff_view(context["request"].auth, commitment)


class CommitmentEvidenceOut(Schema):
    id: int
    title: str
    url: str = Field(description="A link, or empty for a file")
    is_file: bool
    original_name: str
    content_type: str
    size: int | None
    download: str | None = Field(description="Where to fetch the file (with the same token)")

    @staticmethod
    def resolve_download(evidence) -> str | None:
        if not evidence.is_file:
            return None
        return f"/api/v1/commitments/{evidence.update.commitment_id}/evidence/{evidence.pk}"


class CommitmentUpdateOut(Schema):
    id: int
    reported_on: datetime.date
    status: CommitmentStatus
    completion: CommitmentCompletion
    narrative: str
    metric_value: float | None
    organization: OrganizationRef | None
    is_published: bool
    published_at: datetime.datetime | None
    verification: str = Field(
        description="verified, partly_verified, not_verified, or empty: kept apart from the report"
    )
    verification_note: str
    verified_at: datetime.datetime | None
    evidence: list[CommitmentEvidenceOut]
    version: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_organization(update, context):
        return references.shown_or_none(context["request"].auth, update.organization)

    @staticmethod
    def resolve_evidence(update):
        return list(update.evidence.all())


# --- what the API accepts ----------------------------------------------------------------


class CommitmentPartnerIn(InputSchema):
    organization: Ref
    role: PartnerRole


class CommitmentIndicatorIn(InputSchema):
    series: Code
    baseline_value: IndicatorValue | None = None
    baseline_year: Year | None = None
    target_value: IndicatorValue | None = None
    target_year: Year | None = None


class CommitmentAmountIn(InputSchema):
    stage: AmountStage
    amount: Money
    currency: Text(3) = Field(description="ISO 4217, such as USD")
    date: datetime.date


class CommitmentFields(InputSchema):
    """Every field of a commitment, all optional (PATCH sends only what changes)."""

    kind: CommitmentKind | None = None
    title: Text(TITLE_MAX) | None = None
    description: Text(DESCRIPTION_MAX) | None = None
    description_format: DescriptionFormat | None = None
    area: Code | None = Field(None, description="ISO3 code of the country")
    owner: Ref | None = Field(None, description="Id of the owner organisation")
    matches: Ref | None = Field(None, description="Id of the pledge or request a matching pledge matches")
    partners: list[CommitmentPartnerIn] | None = Field(None, max_length=MAX_ITEMS)
    objectives: list[ObjectiveNumber] | None = Field(None, max_length=23, description="Numbers, primary first")
    actions: list[Code] | None = Field(None, max_length=MAX_ITEMS * 4, description="Codes such as 7a")
    principles: list[Code] | None = Field(None, max_length=10, description="Slugs or letters")
    situations: list[Code] | None = Field(
        None, max_length=MAX_ITEMS, description="Codes of situations of vulnerability, such as unaccompanied_child"
    )
    stages: list[MigrationStage] | None = Field(
        None, max_length=len(STAGES), description="Migration stages concerned; empty: every stage"
    )
    indicators: list[CommitmentIndicatorIn] | None = Field(None, max_length=MAX_ITEMS)
    metric: Text(300) | None = None
    metric_unit: Text(100) | None = None
    metric_baseline: Metric | None = None
    metric_target: Metric | None = None
    metric_target_year: Year | None = None
    start_date: datetime.date | None = None
    due_date: datetime.date | None = None
    horizon_years: Horizon | None = None
    form_of_support: FormOfSupport | None = Field(None, description="null: none")
    funding_state: FundingState | None = Field(None, description="null: not stated")
    amounts: list[CommitmentAmountIn] | None = Field(None, max_length=MAX_ITEMS)
    iati_identifier: Text(150) | None = None
    status: CommitmentStatus | None = None
    completion: CommitmentCompletion | None = None
    is_demo: Flag | None = None


class CommitmentIn(CommitmentFields):
    kind: CommitmentKind
    title: Text(TITLE_MAX)
    area: Code = Field(description="ISO3 code of the country")
    owner: Ref = Field(description="Id of the owner organisation")
    objectives: list[ObjectiveNumber] = Field(min_length=1, max_length=23, description="Numbers, primary first")


class CommitmentPatch(CommitmentFields):
    version: Version


class CommitmentVersionIn(InputSchema):
    version: Version


class CommitmentApproveIn(InputSchema):
    version: Version
    exception_reason: Text(LONG_TEXT_MAX) = Field(
        "", description="Required when it fails the verifiability checklist; shown publicly"
    )


class CommitmentRejectIn(InputSchema):
    version: Version
    reason: Text(LONG_TEXT_MAX) = Field(description="Goes back to the author")


class CommitmentLinkIn(InputSchema):
    url: Text(1000)
    title: Text(300) = ""


class CommitmentUpdateIn(InputSchema):
    reported_on: datetime.date
    status: CommitmentStatus
    completion: CommitmentCompletion
    narrative: Text(LONG_TEXT_MAX) = ""
    metric_value: Metric | None = None
    organization: Ref | None = Field(None, description="The owner or a partner reporting; default: the caller's")
    links: list[CommitmentLinkIn] = Field([], max_length=MAX_ITEMS)
    is_demo: Flag = False


class CommitmentVerifyIn(InputSchema):
    version: Version
    verification: Verification
    note: Text(LONG_TEXT_MAX) = ""


class CommitmentEvidenceForm(InputSchema):
    title: Text(300) = ""


class CommitmentFilters(Schema):
    area: Code | None = Field(None, description="ISO3 code")
    objective: Annotated[int, Field(ge=1, le=99)] | None = None
    action: Code | None = Field(None, description="Code such as 7a")
    situation: Code | None = Field(None, description="Code of a situation of vulnerability, such as trafficking_victim")
    stage: MigrationStage | None = Field(None, description="Tagged with this migration stage")
    kind: CommitmentKind | None = None
    status: CommitmentStatus | None = None
    review_state: CommitmentReviewState | None = None
    organization: Id | None = Field(None, description="Owner or partner organisation id")
    flag: FlagName | None = None
    q: Text(200) | None = Field(None, description="Words in the title or description")


# --- turning a body into a CommitmentInput -------------------------------------------------


def _to_input(actor, data: CommitmentInput, given: dict) -> CommitmentInput:
    """Apply the fields of a body (only those given) to ``data``."""
    resolvers = {
        "area": lambda v: inputs.resolve_area(v),
        "owner": lambda v: inputs.resolve_organization(actor, v, "owner"),
        "matches": lambda v: inputs.resolve_commitment(actor, v, "matches") if v else None,
        "partners": lambda v: [
            (inputs.resolve_organization(actor, p["organization"], "partners"), p["role"]) for p in v
        ],
        "objectives": inputs.resolve_objectives,
        "actions": inputs.resolve_actions,
        "principles": inputs.resolve_principles,
        "situations": inputs.resolve_situations,
        "indicators": lambda v: [{**row, "series": inputs.resolve_series(row["series"])} for row in v],
    }
    for name, value in given.items():
        if name in resolvers and value is not None:
            value = resolvers[name](value)
        elif value is None and name in ("partners", "actions", "principles", "situations", "stages", "indicators",
                                         "amounts"):  # fmt: skip
            value = []
        elif value is None and name in ("title", "description", "metric", "metric_unit", "iati_identifier",
                                         "form_of_support", "funding_state"):  # fmt: skip
            value = ""
        elif value is None and name in ("kind", "area", "owner", "objectives", "description_format", "status",
                                         "completion", "is_demo"):  # fmt: skip
            raise InvalidInput(_("“%(field)s” cannot be null.") % {"field": name}, field=name)
        setattr(data, name, value)
    return data


def _commitment(request, commitment_id) -> Commitment:
    return services.get_visible_commitment(request.auth, commitment_id)


def _with_relations(queryset):
    return queryset.select_related("area", "owner", "matches").prefetch_related(
        "partners__organization",
        "objective_links__objective",
        "actions__objective",
        "principles",
        "situations",
        "indicator_links__series",
        "amounts",
    )


def _reloaded(commitment: Commitment) -> Commitment:
    return _with_relations(Commitment.objects.filter(pk=commitment.pk)).get()


# --- the registry ----------------------------------------------------------------------------


@router.get("/commitments", response=list[CommitmentOut], auth=read_auth, summary="Commitments and pledges")
@paginate(Page)
def list_commitments(request, filters: Query[CommitmentFilters]):
    """Published commitments, plus those the caller may see unpublished, filtered."""
    commitments = services.filter_commitments(
        services.visible_commitments(request.auth), **filters.model_dump(exclude_none=True)
    )
    return _with_relations(commitments)


@router.get("/commitments/{commitment_id}", response=CommitmentOut, auth=read_auth)
def get_commitment(request, commitment_id: Id):
    return _reloaded(_commitment(request, commitment_id))


@router.post("/commitments", response={201: CommitmentOut}, auth=bearer_auth)
def create_commitment(request, payload: CommitmentIn):
    """A new draft. Submit it for review with ``POST .../submit``."""
    given = payload.model_dump(exclude_unset=True)
    base = CommitmentInput(kind=payload.kind, title=payload.title, area=None, owner=None)
    data = _to_input(request.auth, base, given)
    return Status(201, _reloaded(services.create_commitment(request.auth, data)))


@router.patch("/commitments/{commitment_id}", response={200: CommitmentOut, 202: CommitmentOut}, auth=bearer_auth)
def update_commitment(request, commitment_id: Id, payload: CommitmentPatch):
    """Change the fields sent. 200: live. 202: the commitment is published and
    the caller may not publish it: the change waits for a reviewer (approve
    or reject it); the response shows the published version."""
    commitment = _commitment(request, commitment_id)
    given = payload.model_dump(exclude_unset=True)
    version = given.pop("version")
    services.require(request.auth, services.CHANGE, commitment)
    data = _to_input(request.auth, services.editable_input(request.auth, commitment), given)
    live = services.update_commitment(request.auth, commitment, data, version)
    return Status(200 if live else 202, _reloaded(commitment))


@router.delete("/commitments/{commitment_id}", response={204: None}, auth=bearer_auth)
def delete_commitment(request, commitment_id: Id, version: VersionParam):
    """Delete a commitment that was never published (administrators: any)."""
    services.delete_commitment(request.auth, _commitment(request, commitment_id), version)
    return Status(204, None)


@router.get("/commitments/{commitment_id}/history", response=list[HistoryEntryOut], auth=read_auth)
def commitment_history(request, commitment_id: Id):
    """Every change of the commitment's own fields, newest first."""
    return services.commitment_history(request.auth, _commitment(request, commitment_id))


# --- the workflow ------------------------------------------------------------------------------


@router.post("/commitments/{commitment_id}/submit", response=CommitmentOut, auth=bearer_auth)
def submit_commitment(request, commitment_id: Id, payload: CommitmentVersionIn):
    """Send a draft to the reviewers."""
    commitment = services.submit_commitment(request.auth, _commitment(request, commitment_id), payload.version)
    return _reloaded(commitment)


@router.post("/commitments/{commitment_id}/approve", response=CommitmentOut, auth=bearer_auth)
def approve_commitment(request, commitment_id: Id, payload: CommitmentApproveIn):
    """Publish the version read (reviewers). One that fails the verifiability
    checklist needs ``exception_reason``, shown publicly."""
    commitment = services.approve_commitment(
        request.auth, _commitment(request, commitment_id), payload.version, payload.exception_reason
    )
    return _reloaded(commitment)


@router.post("/commitments/{commitment_id}/reject", response=CommitmentOut, auth=bearer_auth)
def reject_commitment(request, commitment_id: Id, payload: CommitmentRejectIn):
    """Send a submission back to draft (or drop a held change) with the reason (reviewers)."""
    commitment = services.reject_commitment(
        request.auth, _commitment(request, commitment_id), payload.version, payload.reason
    )
    return _reloaded(commitment)


# --- follow-up -------------------------------------------------------------------------------------


def _update(request, commitment_id, update_id) -> CommitmentUpdate:
    commitment = _commitment(request, commitment_id)
    update = services.visible_updates(request.auth, commitment).filter(pk=update_id).first()
    if update is None:
        raise NotFound(_("No such update."))
    return update


@router.get("/commitments/{commitment_id}/updates", response=list[CommitmentUpdateOut], auth=read_auth)
@paginate(Page)
def list_updates(request, commitment_id: Id):
    """Status updates, newest first: published ones for the public, all for those who work on it."""
    return services.visible_updates(request.auth, _commitment(request, commitment_id))


@router.post("/commitments/{commitment_id}/updates", response={201: CommitmentUpdateOut}, auth=bearer_auth)
def post_update(request, commitment_id: Id, payload: CommitmentUpdateIn):
    """Report progress (the owner, every partner, the focal point). Attach
    files with ``POST .../updates/{update_id}/evidence``. A reviewer publishes it."""
    commitment = _commitment(request, commitment_id)
    organization = (
        inputs.resolve_organization(request.auth, payload.organization, "organization")
        if payload.organization
        else None
    )
    update = services.post_update(
        request.auth,
        commitment,
        reported_on=payload.reported_on,
        status=payload.status,
        completion=payload.completion,
        narrative=payload.narrative,
        metric_value=payload.metric_value,
        organization=organization,
        links=[link.model_dump() for link in payload.links],
        is_demo=payload.is_demo,
    )
    return Status(201, update)


@router.post(
    "/commitments/{commitment_id}/updates/{update_id}/evidence",
    response={201: list[CommitmentEvidenceOut]},
    auth=bearer_auth,
)
def upload_evidence(
    request, commitment_id: Id, update_id: Id, file: File[UploadedFile], fields: Form[CommitmentEvidenceForm]
):
    """Multipart upload of one file (PDF, DOCX, XLSX, CSV or an image, checked
    by content, size-limited) to an update not yet published."""
    update = _update(request, commitment_id, update_id)
    saved = services.add_evidence(request.auth, update, files=[(file.name, file)])
    if fields.title:
        for evidence in saved:
            evidence.title = fields.title
            evidence.save(update_fields=["title"])
    return Status(201, saved)


@router.post(
    "/commitments/{commitment_id}/updates/{update_id}/verification", response=CommitmentUpdateOut, auth=bearer_auth
)
def verify_update(request, commitment_id: Id, update_id: Id, payload: CommitmentVerifyIn):
    """A reviewer's verification, shown beside what was reported."""
    update = _update(request, commitment_id, update_id)
    return services.verify_update(request.auth, update, payload.verification, payload.note, payload.version)


@router.post(
    "/commitments/{commitment_id}/updates/{update_id}/publication", response=CommitmentUpdateOut, auth=bearer_auth
)
def publish_update(request, commitment_id: Id, update_id: Id, payload: CommitmentVersionIn):
    """A reviewer publishes an update; the latest published one sets the commitment's status."""
    update = _update(request, commitment_id, update_id)
    return services.publish_update(request.auth, update, payload.version)


def _evidence_content() -> dict:
    types = {"application/octet-stream", "text/csv", *services.evidence_files.ACCEPTED.values()}
    return {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in sorted(types)}


@router.get(
    "/commitments/{commitment_id}/evidence/{evidence_id}",
    auth=read_auth,
    summary="Download an evidence file",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "The file", "content": _evidence_content()}}},
)
def download_evidence(request, commitment_id: Id, evidence_id: Id):
    """Only for those who may read the update it supports."""
    commitment = _commitment(request, commitment_id)
    evidence = (
        Evidence.objects.select_related("update__commitment")
        .filter(pk=evidence_id, update__commitment=commitment)
        .first()
    )
    if evidence is None or not evidence.is_file:
        raise NotFound(_("No such file."))
    path, content_type, name = services.evidence_file_for(request.auth, evidence)
    if not path.exists():
        raise NotFound(_("No such file."))
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)


class CommitmentOutcomeOut(Schema):
    series: str
    series_description: str
    method: str
    status: str
    status_label: str
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target_value: float | None
    target_year: int | None

    @staticmethod
    def resolve_series(assessment) -> str:
        return assessment.series.code

    @staticmethod
    def resolve_series_description(assessment) -> str:
        return assessment.series.description

    @staticmethod
    def resolve_status_label(assessment) -> str:
        return str(assessment.get_status_display())


@router.get("/commitments/{commitment_id}/outcomes", response=list[CommitmentOutcomeOut], auth=read_auth)
def commitment_outcomes(request, commitment_id: Id, method: Code | None = None):
    """Progress assessments of the commitment's linked series for its area
    (headline results; ``method`` as in ``/progress``, default the site's)."""
    return list(outcomes.linked_assessments(_commitment(request, commitment_id), method))


class CommitmentPendingChangeOut(Schema):
    proposed_by: str | None
    proposed_at: datetime.datetime | None
    version: int = Field(description="Send it back to approve or reject this change")
    changes: list[ChangeOut] = Field(description="Each field: published value (old) and proposed value (new)")


@router.get("/commitments/{commitment_id}/pending-change", response=CommitmentPendingChangeOut, auth=read_auth)
def pending_change(request, commitment_id: Id):
    """The edit of a published commitment waiting for review, for reviewers
    and those who work on it (404 for everyone else, and when there is none).
    Relation changes show as ``relations_summary``. A reviewer approves it
    with ``POST .../approve`` or rejects it with ``POST .../reject``."""
    commitment = _commitment(request, commitment_id)
    changes = services.proposed_change(request.auth, commitment)
    proposer = commitment.pending_by
    return {
        "proposed_by": proposer.get_username() if proposer else None,
        "proposed_at": commitment.pending_since,
        "version": commitment.version,
        "changes": changes,
    }
