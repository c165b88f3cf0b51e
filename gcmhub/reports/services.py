"""The operations on review reports; web, API and CLI all call these.

* ``request_report`` — queue a run that produces one file (``generate``) or
  publishes a snapshot (``publish``); the work happens in ``run_report``,
  called by the background task (``tasks.run_report_task``) or, from the
  command line, in the same process with a progress callback.
* ``save_narrative`` — write one section's narrative (version-checked).
* ``compare_snapshots`` — what changed between two snapshots, section by section.

Files live under ``GCMHUB_PRIVATE_FILES_DIR/reports/``: ``runs/<id>.<ext>``
for produced files, ``snapshots/<uid>/report.<ext>`` for published ones
(written once, read-only).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.concurrency import save_if_unchanged
from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.text import validate_text

from . import builders
from .document import ReportDocument
from .models import Format, Kind, Language, NARRATIVE_MAX, ReportNarrative, ReportRun, ReportSnapshot

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}
SNAPSHOT_FORMATS = ("html", "pdf", "docx")
# A run neither done nor failed after this long was lost with its worker.
STALE_RUN_MINUTES = 30

Progress = Callable[[int, str], None]


def files_root() -> Path:
    return Path(settings.GCMHUB_PRIVATE_FILES_DIR) / "reports"


# --- checks -------------------------------------------------------------------------------------


def _require(user, perm: str, obj) -> None:
    if user is None:  # the command line acts as the system operator
        return
    if not user.has_perm(perm, obj):
        raise Forbidden(_("You may not do this with this review's reports."))


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


# --- rendering ----------------------------------------------------------------------------------


def render(document: ReportDocument, fmt: str) -> bytes:
    """The document in ``fmt`` (html, pdf, docx), through gcmhub.reports.render."""
    from gcmhub.reports import render as renderers

    if fmt == "html":
        return renderers.render_html(document).encode("utf-8")
    if fmt == "pdf":
        return renderers.render_pdf(document)
    if fmt == "docx":
        return renderers.render_docx(document)
    raise ValueError(fmt)


def document_hash(document: ReportDocument | dict) -> str:
    data = document.to_dict() if isinstance(document, ReportDocument) else document
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _write(relative: str, content: bytes, *, read_only: bool = False) -> str:
    path = files_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    if read_only:
        path.chmod(0o444)
    return hashlib.sha256(content).hexdigest()


# --- runs ---------------------------------------------------------------------------------------


def request_report(
    user, review, kind: str, fmt: str, language: str = "en", *, purpose: str = ReportRun.Purpose.GENERATE,
    enqueue: bool = True,
) -> ReportRun:  # fmt: skip
    """Queue a run. ``purpose=publish`` renders every format and freezes a snapshot."""
    perm = "reports.publish_report" if purpose == ReportRun.Purpose.PUBLISH else "reports.generate_report"
    _require(user, perm, review)
    _choice(kind, Kind, "kind")
    _choice(language, Language, "language")
    if purpose == ReportRun.Purpose.PUBLISH:
        fmt = fmt or "pdf"
    _choice(fmt, Format, "format")
    run = ReportRun.objects.create(
        review=review,
        purpose=purpose,
        kind=kind,
        format=fmt,
        language=language,
        requested_by=user if user is not None and user.is_authenticated else None,
        message=_("Waiting for a worker…"),
    )
    if enqueue:
        from .tasks import run_report_task

        transaction.on_commit(lambda: run_report_task.enqueue(run.pk))
    return run


def _set_progress(run_id: int, percent: int, message: str) -> None:
    fields = {"progress": max(0, min(100, int(percent)))}
    if message:
        fields["message"] = message[:500]
    ReportRun.objects.filter(pk=run_id).update(**fields)


def run_report(run_id: int, progress: Progress | None = None) -> ReportRun:
    """Do a run's work: build, render, store (and publish). Never raises for
    a problem with the report itself: the run ends ``failed`` with the reason."""
    run = ReportRun.objects.select_related("review__area").get(pk=run_id)
    if run.is_finished:
        return run
    ReportRun.objects.filter(pk=run.pk).update(state=ReportRun.State.RUNNING, started_at=timezone.now(), progress=1)

    def report(percent: int, message: str) -> None:
        _set_progress(run.pk, percent, message)
        if progress is not None:
            progress(percent, message)

    try:
        document, data = builders.build(run.review, run.kind, run.language, progress=report)
        if run.purpose == ReportRun.Purpose.PUBLISH:
            snapshot = _publish(run, document, data, report)
            ReportRun.objects.filter(pk=run.pk).update(snapshot=snapshot)
            content = None
        else:
            report(86, _("Rendering the %(format)s file…") % {"format": run.format.upper()})
            content = render(document, run.format)
        if content is not None:
            report(97, _("Storing the file…"))
            relative = f"runs/{run.pk}.{run.format}"
            digest = _write(relative, content)
            ReportRun.objects.filter(pk=run.pk).update(file_path=relative, sha256=digest, size=len(content))
    except Exception as error:  # noqa: BLE001 - recorded on the run, shown to the user
        logger.exception("report run %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            state=ReportRun.State.FAILED,
            message=(_("The report could not be produced: %(reason)s") % {"reason": error})[:500],
            finished_at=timezone.now(),
        )
        return ReportRun.objects.get(pk=run.pk)
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.DONE, progress=100, message=_("Done."), finished_at=timezone.now()
    )
    if progress is not None:
        progress(100, _("Done."))
    return ReportRun.objects.get(pk=run.pk)


def fail_stale_runs(now=None) -> int:
    """Runs left queued or running by a worker that died (a worker chore)."""
    limit = (now or timezone.now()) - timezone.timedelta(minutes=STALE_RUN_MINUTES)
    return ReportRun.objects.filter(
        state__in=[ReportRun.State.QUEUED, ReportRun.State.RUNNING], created_at__lt=limit
    ).update(state=ReportRun.State.FAILED, message=_("The run was interrupted; ask for the report again."))


def run_file(user, run: ReportRun) -> tuple[Path, str, str]:
    """(path, content type, download name) of a finished run's file."""
    _require(user, "reports.view_report_run", run)
    if run.state != ReportRun.State.DONE or not run.file_path:
        raise NotFound(_("This run has produced no file (yet)."))
    path = files_root() / run.file_path
    if not path.exists():
        raise NotFound(_("No such file."))
    return path, CONTENT_TYPES[run.format], run.filename


def visible_runs(user, review):
    runs = ReportRun.objects.filter(review=review).select_related("review__area")
    if user is None or user.has_perm("reports.generate_report", review):
        return runs
    if user.is_authenticated:
        return runs.filter(requested_by=user)
    return runs.none()


# --- snapshots ----------------------------------------------------------------------------------


def _publish(run: ReportRun, document: ReportDocument, data: dict, report: Progress) -> ReportSnapshot:
    import uuid

    uid = uuid.uuid4()
    files = {}
    for index, fmt in enumerate(SNAPSHOT_FORMATS):
        report(86 + index * 4, _("Rendering the %(format)s file…") % {"format": fmt.upper()})
        content = render(document, fmt)
        relative = f"snapshots/{uid}/report.{fmt}"
        files[fmt] = {"path": relative, "sha256": _write(relative, content, read_only=True), "size": len(content)}
    report(98, _("Publishing the snapshot…"))
    with transaction.atomic():
        # Lock the review row so two publications never take the same number.
        type(run.review).objects.select_for_update().filter(pk=run.review_id).exists()
        latest = ReportSnapshot.objects.filter(review=run.review, kind=run.kind, language=run.language).aggregate(
            n=Max("number")
        )["n"]
        document_data = document.to_dict()
        return ReportSnapshot.objects.create(
            uid=uid,
            review=run.review,
            kind=run.kind,
            language=run.language,
            number=(latest or 0) + 1,
            title=document.title[:500],
            document=document_data,
            data=json.loads(json.dumps(data, default=str)),
            content_hash=document_hash(document_data),
            files=files,
            is_demo=bool(document.demo_notice),
            published_by=run.requested_by,
        )


def snapshot_document(snapshot: ReportSnapshot) -> ReportDocument:
    return ReportDocument.from_dict(snapshot.document)


def snapshot_file(snapshot: ReportSnapshot, fmt: str) -> tuple[Path, str, str]:
    entry = snapshot.files.get(fmt)
    if not entry:
        raise NotFound(_("This snapshot has no %(format)s file.") % {"format": fmt})
    path = files_root() / entry["path"]
    if not path.exists():
        raise NotFound(_("No such file."))
    area = snapshot.review.area
    name = f"gcm-{snapshot.kind.replace('.', '')}-{(area.iso3 or area.m49).lower()}-{snapshot.language}-v{snapshot.number}.{fmt}"
    return path, CONTENT_TYPES[fmt], name


def verify_snapshot(snapshot: ReportSnapshot) -> bool:
    """The stored files and document still hash to what was published."""
    if document_hash(snapshot.document) != snapshot.content_hash:
        return False
    for entry in snapshot.files.values():
        path = files_root() / entry["path"]
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            return False
    return True


# --- narratives ---------------------------------------------------------------------------------


def narratives_for(review, kind: str, language: str) -> dict[str, ReportNarrative]:
    return {
        n.section_key: n for n in ReportNarrative.objects.filter(review=review, kind=kind, language=language)
    }


def save_narrative(
    user, review, kind: str, language: str, section_key: str, text: str, expected_version: int | None
) -> ReportNarrative:
    """Write one section's narrative. ``expected_version`` is the version read
    (None or 0 when there was none yet); a stale one raises EditConflict (409)."""
    from gcmhub.errors import EditConflict

    _require(user, "reports.edit_report", review)
    _choice(kind, Kind, "kind")
    _choice(language, Language, "language")
    if not section_key or len(section_key) > 60 or not all(ch.isalnum() or ch in "-_" for ch in section_key):
        raise InvalidInput(_("Unknown section."), field="section_key")
    if len(text) > NARRATIVE_MAX:
        raise InvalidInput(
            _("The narrative is longer than %(max)s characters.") % {"max": NARRATIVE_MAX}, field="text"
        )
    try:
        validate_text(text)
    except Exception as error:  # ValidationError
        raise InvalidInput(" ".join(getattr(error, "messages", [str(error)])), field="text") from error
    text = text.replace("\r\n", "\n").strip()
    actor = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        narrative = (
            ReportNarrative.objects.select_for_update()
            .filter(review=review, kind=kind, language=language, section_key=section_key)
            .first()
        )
        if narrative is None:
            if expected_version:
                raise EditConflict(
                    _("This narrative was deleted or never existed; reload the page and write it again.")
                )
            return ReportNarrative.objects.create(
                review=review, kind=kind, language=language, section_key=section_key, text=text, updated_by=actor
            )
        if expected_version is None:
            expected_version = 0
        narrative.text = text
        narrative.updated_by = actor
        save_if_unchanged(narrative, expected_version)
    return narrative


# --- comparison ---------------------------------------------------------------------------------


@dataclass
class SectionChange:
    key: str
    title: str
    change: str  # added | removed | changed | unchanged
    diff: list[str]


def _section_lines(section) -> list[str]:
    lines: list[str] = []
    for block in section.blocks:
        kind = block.kind
        if kind in ("paragraph", "note"):
            lines.append(block.text)
        elif kind == "bullets":
            lines += [f"• {item}" for item in block.items]
        elif kind in ("table", "chart"):
            table = block.table if kind == "chart" else block
            lines.append(f"[{table.caption}]")
            lines += [" | ".join(row) for row in table.rows]
    if section.narrative:
        lines += section.narrative.splitlines()
    return lines


def _flatten(document: ReportDocument) -> dict[str, tuple[str, list[str]]]:
    return {section.key: (section.title, _section_lines(section)) for section, _depth in document.walk()}


def compare_documents(old: ReportDocument, new: ReportDocument) -> list[SectionChange]:
    """Section by section, in the newer document's order (removed ones last)."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for key, (title, lines) in after.items():
        if key not in before:
            changes.append(SectionChange(key, title, "added", [f"+ {line}" for line in lines]))
            continue
        old_title, old_lines = before[key]
        if old_lines == lines and old_title == title:
            changes.append(SectionChange(key, title, "unchanged", []))
            continue
        diff = [
            line
            for line in difflib.unified_diff([old_title, *old_lines], [title, *lines], lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))
        ]
        changes.append(SectionChange(key, title, "changed", diff))
    for key, (title, lines) in before.items():
        if key not in after:
            changes.append(SectionChange(key, title, "removed", [f"- {line}" for line in lines]))
    return changes


def compare_snapshots(old: ReportSnapshot, new: ReportSnapshot) -> list[SectionChange]:
    return compare_documents(snapshot_document(old), snapshot_document(new))
