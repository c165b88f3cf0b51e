"""API: good practices (read, contribute, review) and the document library
(upload, extraction progress, candidates and their curation)."""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field as PydanticField
from pydantic import StrictInt

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, ErrorOut, Flag, Id, InputSchema, Page, Ref, Text, Version, VersionParam, choices
from gcmhub.practices import curation, library, services
from gcmhub.practices.models import (
    PASSAGE_MAX,
    Candidate,
    Document,
    Practice,
    PracticeOrganization,
    ReviewState,
    Stage,
)
from gcmhub.practices.search.api import SearchPage
from gcmhub.text import LONG_TEXT_MAX, max_length

router = Router(tags=["practices"])

StageChoice = choices(Stage, "PracticeStage")
LevelChoice = choices(Practice.Level, "PracticeLevel")
StateChoice = choices(Practice.State, "PracticeState")
ReviewStateChoice = choices(ReviewState, "PracticeReviewState")
OrganizationRole = choices(PracticeOrganization.Role, "PracticeOrganizationRole")


def _text(model, field: str):
    return Text(max_length(model, field))


# --- practices -----------------------------------------------------------------


class PracticeOrganizationOut(Schema):
    id: int
    name: str
    role: str


class PracticeSourceOut(Schema):
    document: int | None = Field(None, description="Id of the document in the library")
    url: str
    page: int | None
    passage: str
    span_start: int | None
    span_end: int | None


class PracticeOut(Schema):
    id: int
    title: str
    summary: str
    level: str
    areas: list[str] = Field(description="ISO3 codes")
    objectives: list[int] = Field(description="Objective numbers, primary first")
    principles: list[str] = Field(description="Letters of the guiding principles")
    organizations: list[PracticeOrganizationOut]
    commitments: list[int] = Field(description="Ids of the commitments it is linked to (those the reader may read)")
    stage: str
    situations: list[str] = Field(description="Codes of the situations of vulnerability addressed")
    population_groups: list[str]
    vulnerability_factors: list[str]
    period_start: int | None
    period_end: int | None
    state: str
    results: str
    evidence: str
    replicability: str
    sources: list[PracticeSourceOut]
    review_state: str
    rejection_reason: str = Field(description="Shown to the practice's editors and reviewers only")
    is_published: bool
    is_demo: bool
    version: int = Field(description="Send it back with writes: a stale version gets 409")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_areas(practice) -> list[str]:
        return [area.iso3 for area in practice.areas.all()]

    @staticmethod
    def resolve_objectives(practice) -> list[int]:
        return [link.objective.number for link in practice.objective_links.select_related("objective")]

    @staticmethod
    def resolve_principles(practice) -> list[str]:
        return [principle.letter for principle in practice.principles.all()]

    @staticmethod
    def resolve_situations(practice) -> list[str]:
        return [situation.code for situation in practice.situations.all()]

    @staticmethod
    def resolve_organizations(practice, context) -> list[dict]:
        from gcmhub import references

        reader = context["request"].auth
        return [
            {"id": link.organization_id, "name": link.organization.name, "role": link.role}
            for link in practice.organization_links.select_related("organization")
            if references.shown(reader, link.organization)
        ]

    @staticmethod
    def resolve_commitments(practice, context) -> list[int]:
        from gcmhub import references

        reader = context["request"].auth
        return [commitment.pk for commitment in practice.commitments.all() if references.shown(reader, commitment)]

    @staticmethod
    def resolve_sources(practice, context) -> list[dict]:
        from gcmhub import references

        reader = context["request"].auth
        return [
            {
                "document": source.document_id if references.shown(reader, source.document) else None,
                "url": source.url,
                "page": source.page,
                "passage": source.passage,
                "span_start": source.span_start,
                "span_end": source.span_end,
            }
            for source in practice.sources.select_related("document")
        ]

    @staticmethod
    def resolve_rejection_reason(practice, context) -> str:
        return practice.rejection_reason if services.may_see_review_details(context["request"].auth, practice) else ""


class PracticeOrganizationIn(InputSchema):
    id: Ref
    role: OrganizationRole = PracticeOrganization.Role.IMPLEMENTING


PageNumber = Annotated[StrictInt, PydanticField(ge=1, le=100_000)]
Count = Annotated[StrictInt, PydanticField(ge=0, le=2**31 - 1)]
ObjectiveNumber = Annotated[StrictInt, PydanticField(ge=1, le=23)]
YearIn = Annotated[StrictInt, PydanticField(ge=1900, le=2100)]


class PracticeSourceIn(InputSchema):
    document: Ref | None = Field(None, description="Id of a document in the library")
    url: Text(1000) = ""
    page: PageNumber | None = None
    passage: Text(PASSAGE_MAX) = ""
    span_start: Count | None = None
    span_end: Count | None = None


class PracticeIn(InputSchema):
    title: _text(Practice, "title")
    summary: Text(LONG_TEXT_MAX) = ""
    level: LevelChoice
    areas: list[Code] = Field(default_factory=list, max_length=300, description="ISO3 codes")
    objectives: list[ObjectiveNumber] = Field(default_factory=list, max_length=23, description="Primary first")
    principles: list[Text(1)] = Field(default_factory=list, max_length=10, description="Letters a–j")
    organizations: list[PracticeOrganizationIn] = Field(default_factory=list, max_length=100)
    commitments: list[Ref] = Field(default_factory=list, max_length=100, description="Ids of commitments it serves")
    stage: StageChoice
    situations: list[Code] = Field(
        default_factory=list, max_length=50, description="Codes of situations of vulnerability, such as stranded_migrant"
    )
    population_groups: list[Code] = Field(default_factory=list, max_length=50)
    vulnerability_factors: list[Code] = Field(default_factory=list, max_length=50)
    period_start: YearIn | None = None
    period_end: YearIn | None = None
    state: StateChoice = Practice.State.ONGOING
    results: Text(LONG_TEXT_MAX) = ""
    evidence: Text(LONG_TEXT_MAX) = ""
    replicability: Text(LONG_TEXT_MAX) = ""
    sources: list[PracticeSourceIn] = Field(default_factory=list, max_length=50)
    is_demo: Flag = False


class PracticePatch(InputSchema):
    version: Version
    title: _text(Practice, "title") | None = None
    summary: Text(LONG_TEXT_MAX) | None = None
    level: LevelChoice | None = None
    areas: list[Code] | None = Field(None, max_length=300)
    objectives: list[ObjectiveNumber] | None = Field(None, max_length=23)
    principles: list[Text(1)] | None = Field(None, max_length=10)
    organizations: list[PracticeOrganizationIn] | None = Field(None, max_length=100)
    commitments: list[Ref] | None = Field(None, max_length=100)
    stage: StageChoice | None = None
    situations: list[Code] | None = Field(None, max_length=50, description="A reviewer changes them once published")
    population_groups: list[Code] | None = Field(None, max_length=50)
    vulnerability_factors: list[Code] | None = Field(None, max_length=50)
    period_start: YearIn | None = None
    period_end: YearIn | None = None
    state: StateChoice | None = None
    results: Text(LONG_TEXT_MAX) | None = None
    evidence: Text(LONG_TEXT_MAX) | None = None
    replicability: Text(LONG_TEXT_MAX) | None = None
    sources: list[PracticeSourceIn] | None = Field(None, max_length=50)
    is_demo: Flag | None = None


class PracticeVersionIn(InputSchema):
    version: Version


class PracticeRejectionIn(InputSchema):
    version: Version
    reason: Text(LONG_TEXT_MAX)


class PracticeFilters(Schema):
    q: Text(200) = Field("", description="Words (accents and capitals ignored); the best 100 matches")
    objective: int | None = Field(None, ge=1, le=23, description="Objective number")
    area: Code | None = Field(None, description="ISO3 code")
    stage: StageChoice | None = None
    situation: Code | None = Field(None, description="Code of a situation of vulnerability, such as stranded_migrant")
    review_state: ReviewStateChoice | None = Field(None, description="Drafts are listed only to those who may read them")


def _signed_in(request):
    user = request.auth
    if not user.is_authenticated:
        raise AuthenticationError()
    return user


@router.get("/practices", response=list[PracticeOut], auth=read_auth, summary="Good practices")
@paginate(SearchPage)
def list_practices(request, filters: Query[PracticeFilters]):
    """Published practices, plus the drafts the caller may read (their own;
    all of them for reviewers), newest first."""
    practices = services.visible_practices(request.auth)
    return services.filter_practices(
        practices,
        user=request.auth,
        q=filters.q,
        objective=filters.objective,
        area=filters.area or "",
        stage=filters.stage or "",
        situation=filters.situation or "",
        review_state=filters.review_state or "",
    ).prefetch_related("areas", "principles", "situations")


@router.get("/practices/{practice_id}", response=PracticeOut, auth=read_auth)
def get_practice(request, practice_id: Id):
    return services.get_practice(request.auth, practice_id)


def _practice_data(payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return data


@router.post("/practices", response={201: PracticeOut}, auth=bearer_auth)
def create_practice(request, payload: PracticeIn):
    """Contribute a practice: it is a draft, private to you (and reviewers)
    until it is submitted and a reviewer publishes it."""
    return Status(201, services.create_practice(request.auth, payload.model_dump()))


@router.patch("/practices/{practice_id}", response={200: PracticeOut, 202: PracticeOut}, auth=bearer_auth)
def update_practice(request, practice_id: Id, payload: PracticePatch):
    """200: the change is live. 202: the practice is published and the caller
    may not publish it, so the change waits for a reviewer."""
    practice = services.get_practice(request.auth, practice_id)
    data = _practice_data(payload)
    live = services.update_practice(request.auth, practice, data, payload.version)
    return Status(200 if live else 202, services.get_practice(request.auth, practice_id))


@router.delete("/practices/{practice_id}", response={204: None, 409: ErrorOut}, auth=bearer_auth)
def delete_practice(request, practice_id: Id, version: VersionParam):
    practice = services.get_practice(request.auth, practice_id)
    services.delete_practice(request.auth, practice, version)
    return Status(204, None)


@router.post("/practices/{practice_id}/submission", response=PracticeOut, auth=bearer_auth)
def submit_practice(request, practice_id: Id, payload: PracticeVersionIn):
    """Send a draft to the reviewers (it needs an objective, a country, a summary and a source)."""
    practice = services.get_practice(request.auth, practice_id)
    return services.submit_practice(request.auth, practice, payload.version)


@router.post("/practices/{practice_id}/publication", response=PracticeOut, auth=bearer_auth)
def publish_practice(request, practice_id: Id, payload: PracticeVersionIn):
    """Reviewers: publish the submitted version you read (or the change waiting on a published one)."""
    practice = services.get_practice(request.auth, practice_id)
    return services.publish_practice(request.auth, practice, payload.version)


@router.post("/practices/{practice_id}/rejection", response=PracticeOut, auth=bearer_auth)
def reject_practice(request, practice_id: Id, payload: PracticeRejectionIn):
    """Reviewers: return a submitted practice to its contributor as a draft, with the reason."""
    practice = services.get_practice(request.auth, practice_id)
    return services.reject_practice(request.auth, practice, payload.version, payload.reason)


@router.post("/practices/{practice_id}/withdrawal", response=PracticeOut, auth=bearer_auth)
def withdraw_practice(request, practice_id: Id, payload: PracticeVersionIn):
    """Reviewers: take a published practice off the public site (it becomes a draft)."""
    practice = services.get_practice(request.auth, practice_id)
    return services.withdraw_practice(request.auth, practice, payload.version)


# --- documents -----------------------------------------------------------------


class PracticeDocumentOut(Schema):
    id: int
    title: str
    publisher: str
    year: int | None
    language: str
    area: str | None = Field(None, description="ISO3 code")
    format: str
    original_name: str
    size: int
    sha256: str
    page_count: int
    extraction_state: str = Field(description="pending, running, done or failed")
    extraction_progress: int = Field(description="Percent")
    extraction_error: str
    is_published: bool
    is_demo: bool
    version: int
    created_at: datetime

    @staticmethod
    def resolve_area(document) -> str | None:
        return document.area.iso3 if document.area_id else None


class PracticeDocumentForm(InputSchema):
    title: _text(Document, "title") = ""
    publisher: _text(Document, "publisher") = ""
    year: int | None = Field(None, ge=1900, le=2100)
    language: Code = ""
    area: Code = Field("", description="ISO3 code of the country the report is about")
    is_demo: bool = False


class PracticeCandidateOut(Schema):
    id: int
    position: int
    area: str | None = Field(None, description="ISO3 code")
    actor: str
    speaker: str
    page: int | None
    summary: str
    objectives: list[int]
    objective_terms: dict[str, list[str]] = Field(description="The terms that decided each objective")
    stage: str
    confidence: float
    span: dict[str, int] = Field(description="start and end offsets in the document's text (pages joined by a form feed)")
    passage: str
    decision: str
    practice: int | None = Field(None, description="The practice it became or was merged into")

    @staticmethod
    def resolve_area(candidate) -> str | None:
        return candidate.area.iso3 if candidate.area_id else None

    @staticmethod
    def resolve_span(candidate) -> dict:
        return {"start": candidate.span_start, "end": candidate.span_end}

    @staticmethod
    def resolve_passage(candidate) -> str:
        return curation.source_passage(candidate)

    @staticmethod
    def resolve_practice(candidate) -> int | None:
        return candidate.practice_id


class PracticeCandidateDecisionIn(InputSchema):
    decision: choices(Candidate.Decision, "CandidateDecision") = Field(
        description="accepted (a draft practice is made), merged (into `practice`), rejected, or pending (reopen)"
    )
    practice: Ref | None = Field(None, description="For merged: the practice to add this source to")
    title: _text(Practice, "title") = ""
    summary: Text(LONG_TEXT_MAX) | None = Field(None, description="Your own wording of the practice")
    area: Code | None = None
    objectives: list[ObjectiveNumber] | None = Field(None, max_length=23)
    stage: StageChoice | None = None


@router.get("/documents", response=list[PracticeDocumentOut], auth=read_auth, summary="Documents in the library")
@paginate(Page)
def list_documents(request):
    return library.visible_documents(request.auth)


@router.get("/documents/{document_id}", response=PracticeDocumentOut, auth=read_auth)
def get_document(request, document_id: Id):
    """With the progress of its extraction (``extraction_state``, ``extraction_progress``)."""
    return library.get_document(request.auth, document_id)


@router.post("/documents", response={202: PracticeDocumentOut}, auth=bearer_auth, summary="Upload a report")
def upload_document(request, file: File[UploadedFile], fields: Form[PracticeDocumentForm]):
    """Multipart upload of a PDF, DOCX, HTML or plain-text report (type
    recognised by content; size limit ``GCMHUB_DOCUMENT_MAX_BYTES``). Its
    pages are read and candidate practices extracted in the background:
    follow ``GET /documents/{id}``, then ``GET /documents/{id}/candidates``."""
    data = fields.model_dump()
    data["year"] = data["year"] or None
    document = library.upload_document(request.auth, file, data)
    return Status(202, document)


@router.get("/documents/{document_id}/candidates", response=list[PracticeCandidateOut], auth=read_auth)
@paginate(Page)
def document_candidates(request, document_id: Id):
    """The practices the extractor proposes from the document, for its curators."""
    user = _signed_in(request)
    document = library.get_document(user, document_id)
    return curation.candidates_of(user, document)


@router.post("/documents/{document_id}/candidates/{candidate_id}/decision", response=PracticeCandidateOut, auth=bearer_auth)
def decide_candidate(request, document_id: Id, candidate_id: Id, payload: PracticeCandidateDecisionIn):
    """Accept (optionally with corrections), merge into a practice, reject, or reopen a candidate."""
    user = request.auth
    document = library.get_document(user, document_id)
    candidate = curation.get_candidate(user, document, candidate_id)
    edits = {
        key: value
        for key, value in payload.model_dump(exclude_unset=True).items()
        if key in curation.EDITABLE and value is not None
    }
    decision = payload.decision
    if decision == Candidate.Decision.ACCEPTED:
        curation.accept_candidate(user, candidate, {**edits, "title": payload.title})
    elif decision == Candidate.Decision.MERGED:
        if payload.practice is None:
            from gcmhub.errors import InvalidInput

            raise InvalidInput(_("Name the practice to merge this candidate into."), field="practice")
        curation.merge_candidate(user, candidate, services.get_practice(user, payload.practice))
    elif decision == Candidate.Decision.REJECTED:
        curation.reject_candidate(user, candidate)
    else:
        curation.reopen_candidate(user, candidate)
    candidate.refresh_from_db()
    return candidate
