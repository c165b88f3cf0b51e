"""API: review reports — produce a file, follow its run, download it; narratives;
published snapshots and their comparison. Mounted under /api/v1/ by gcmhub/api.py.

``POST /reviews/{id}/reports`` answers 202 with the run; poll
``GET /reviews/{id}/reports/{run_id}`` until ``state`` is ``done`` (then
``file`` is the download path) or ``failed`` (``message`` says why).
docs/reports.md describes every endpoint.
"""


import datetime
from typing import Literal
from uuid import UUID

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Id, InputSchema, Page, Text, Version
from gcmhub.errors import Forbidden, NotFound

from . import services
from .models import NARRATIVE_MAX, ReportRun, ReportSnapshot

router = Router(tags=["reports"])

ReportKind = Literal["vgr", "regional", "vnr", "10.7.2"]
ReportFormat = Literal["pdf", "docx", "html"]
ReportLanguage = Literal["en", "fr", "es"]
SectionKey = Text(60)


def _review(request, review_id: int):
    from gcmhub.reviews.models import Review

    review = Review.objects.select_related("area").filter(pk=review_id).first()
    if review is None or not _may_see_review(request.auth, review):
        raise NotFound(_("No such review."))
    return review


def _may_see_review(user, review) -> bool:
    try:
        from gcmhub.reviews.services import visible_reviews
    except ImportError:  # pragma: no cover - until the reviews services exist
        return True
    return visible_reviews(user).filter(pk=review.pk).exists()


# --- runs -----------------------------------------------------------------------------------------


class ReportRequestIn(InputSchema):
    kind: ReportKind
    format: ReportFormat
    language: ReportLanguage = Field("en", description="The report's language; default English")


class ReportRunOut(Schema):
    id: int
    review: int
    purpose: Literal["generate", "publish"]
    kind: ReportKind
    format: ReportFormat
    language: ReportLanguage
    state: Literal["queued", "running", "done", "failed"]
    progress: int = Field(description="0–100")
    message: str
    file: str | None = Field(description="Download path of the produced file, once done")
    sha256: str
    size: int | None
    snapshot: str | None = Field(description="The published snapshot's id (publish runs, once done)")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def _run_out(run: ReportRun) -> dict:
    done = run.state == ReportRun.State.DONE
    return {
        "id": run.pk,
        "review": run.review_id,
        "purpose": run.purpose,
        "kind": run.kind,
        "format": run.format,
        "language": run.language,
        "state": run.state,
        "progress": run.progress,
        "message": run.message,
        "file": f"/api/v1/reviews/{run.review_id}/reports/{run.pk}/file" if done and run.file_path else None,
        "sha256": run.sha256,
        "size": run.size,
        "snapshot": str(run.snapshot.uid) if run.snapshot_id else None,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


@router.post("/reviews/{review_id}/reports", response={202: ReportRunOut}, auth=bearer_auth)
def request_report(request, review_id: Id, payload: ReportRequestIn):
    """Produce a report file in the background (the review's focal point,
    administrators). 202: the run, queued; poll it for its progress."""
    review = _review(request, review_id)
    run = services.request_report(request.auth, review, payload.kind, payload.format, payload.language)
    return Status(202, _run_out(run))


@router.get("/reviews/{review_id}/reports", response=list[ReportRunOut], auth=bearer_auth)
@paginate(Page)
def list_runs(request, review_id: Id):
    """The review's report runs, newest first (all of them for its focal point; one's own otherwise)."""
    review = _review(request, review_id)
    return [_run_out(run) for run in services.visible_runs(request.auth, review).select_related("snapshot")[:1000]]


def _run(request, review_id: int, run_id: int) -> ReportRun:
    review = _review(request, review_id)
    run = ReportRun.objects.select_related("review__area", "snapshot").filter(pk=run_id, review=review).first()
    if run is None or not request.auth.has_perm("reports.view_report_run", run):
        raise NotFound(_("No such report run."))
    return run


@router.get("/reviews/{review_id}/reports/{run_id}", response=ReportRunOut, auth=bearer_auth)
def get_run(request, review_id: Id, run_id: Id):
    """A run's state and progress."""
    return _run_out(_run(request, review_id, run_id))


def _file_content() -> dict:
    return {media: {"schema": {"type": "string", "format": "binary"}} for media in sorted(set(services.CONTENT_TYPES.values()))}


@router.get(
    "/reviews/{review_id}/reports/{run_id}/file",
    auth=bearer_auth,
    summary="Download a produced report",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "The report file", "content": _file_content()}}},
)
def run_file(request, review_id: Id, run_id: Id):
    run = _run(request, review_id, run_id)
    path, content_type, name = services.run_file(request.auth, run)
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)


# --- narratives -----------------------------------------------------------------------------------


class ReportNarrativeOut(Schema):
    section_key: str
    kind: ReportKind
    language: ReportLanguage
    text: str
    version: int
    updated_at: datetime.datetime


class ReportNarrativeFilter(Schema):
    kind: ReportKind = "vgr"
    language: ReportLanguage = "en"


class ReportNarrativeIn(InputSchema):
    kind: ReportKind
    language: ReportLanguage = "en"
    text: Text(NARRATIVE_MAX)
    version: Version | None = Field(None, description="The version read; omit when writing the first narrative")


@router.get("/reviews/{review_id}/report-narratives", response=list[ReportNarrativeOut], auth=bearer_auth)
def list_narratives(request, review_id: Id, filters: Query[ReportNarrativeFilter]):
    """The narratives written for one report (kind) in one language (its focal point, administrators)."""
    review = _review(request, review_id)
    if not request.auth.has_perm("reports.edit_report", review):
        raise Forbidden(_("You may not do this with this review's reports."))
    return list(services.narratives_for(review, filters.kind, filters.language).values())


@router.put("/reviews/{review_id}/report-narratives/{section_key}", response=ReportNarrativeOut, auth=bearer_auth)
def put_narrative(request, review_id: Id, section_key: SectionKey, payload: ReportNarrativeIn):
    """Write one section's narrative; a stale ``version`` gets 409."""
    review = _review(request, review_id)
    return services.save_narrative(
        request.auth, review, payload.kind, payload.language, section_key, payload.text, payload.version
    )


# --- snapshots ------------------------------------------------------------------------------------


class ReportPublishIn(InputSchema):
    kind: ReportKind
    language: ReportLanguage = "en"


class ReportSnapshotOut(Schema):
    id: str = Field(description="Permanent identifier")
    review: int
    kind: ReportKind
    language: ReportLanguage
    number: int
    title: str
    content_hash: str
    url: str = Field(description="Permanent web address")
    files: dict[str, str] = Field(description="Download path per format")
    is_demo: bool
    published_at: datetime.datetime


class ReportSectionChangeOut(Schema):
    key: str
    title: str
    change: Literal["added", "removed", "changed", "unchanged"]
    diff: list[str]


class ReportComparisonOut(Schema):
    old: ReportSnapshotOut
    new: ReportSnapshotOut
    sections: list[ReportSectionChangeOut]


def _snapshot_out(snapshot: ReportSnapshot) -> dict:
    return {
        "id": str(snapshot.uid),
        "review": snapshot.review_id,
        "kind": snapshot.kind,
        "language": snapshot.language,
        "number": snapshot.number,
        "title": snapshot.title,
        "content_hash": snapshot.content_hash,
        "url": snapshot.get_absolute_url(),
        "files": {fmt: f"/api/v1/report-snapshots/{snapshot.uid}/{fmt}" for fmt in sorted(snapshot.files)},
        "is_demo": snapshot.is_demo,
        "published_at": snapshot.published_at,
    }


@router.post("/reviews/{review_id}/snapshots", response={202: ReportRunOut}, auth=bearer_auth)
def publish_snapshot(request, review_id: Id, payload: ReportPublishIn):
    """Publish the report as a frozen snapshot (PDF, DOCX, HTML and the data
    used), in the background. 202: the run; its ``snapshot`` is set once done."""
    review = _review(request, review_id)
    run = services.request_report(
        request.auth, review, payload.kind, "pdf", payload.language, purpose=ReportRun.Purpose.PUBLISH
    )
    return Status(202, _run_out(run))


@router.get("/reviews/{review_id}/snapshots", response=list[ReportSnapshotOut], auth=read_auth)
@paginate(Page)
def list_snapshots(request, review_id: Id):
    """The review's published reports, newest first (public)."""
    from gcmhub.reviews.models import Review

    review = get_object_or_404(Review, pk=review_id)
    return [_snapshot_out(s) for s in ReportSnapshot.objects.filter(review=review).select_related("review")[:1000]]


def _snapshot(uid: UUID) -> ReportSnapshot:
    snapshot = ReportSnapshot.objects.select_related("review__area").filter(uid=uid).first()
    if snapshot is None:
        raise NotFound(_("No such published report."))
    return snapshot


@router.get("/report-snapshots/{snapshot_id}", response=ReportSnapshotOut, auth=read_auth)
def get_snapshot(request, snapshot_id: UUID):
    """One published report (public)."""
    return _snapshot_out(_snapshot(snapshot_id))


@router.get(
    "/report-snapshots/{snapshot_id}/{format}",
    auth=read_auth,
    summary="Download a published report",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "The report file", "content": _file_content()}}},
)
def snapshot_file(request, snapshot_id: UUID, format: ReportFormat):  # noqa: A002 - the path's name
    path, content_type, name = services.snapshot_file(_snapshot(snapshot_id), format)
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)


@router.get("/report-snapshots/{snapshot_id}/compare/{other_id}", response=ReportComparisonOut, auth=read_auth)
def compare_snapshots(request, snapshot_id: UUID, other_id: UUID):
    """What changed from one published report to another, section by section."""
    old, new = _snapshot(snapshot_id), _snapshot(other_id)
    changes = services.compare_snapshots(old, new)
    return {
        "old": _snapshot_out(old),
        "new": _snapshot_out(new),
        "sections": [vars(change) for change in changes],
    }
