"""The document library: uploading reports, reading them page by page in
the background, and proposing the practices they describe.

An upload is checked (type by content, size) and stored in the request;
reading its pages and running the extractor is a background task
(``tasks.extract_document``) that records its progress on the document, so a
long report never holds a request. The candidates it finds wait for a
curator (``curation``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gcmhub import publishing
from gcmhub.actors.rules import is_admin, is_reviewer
from gcmhub.actors.services import find_country, invalid_input_from, require_permission, resolve_organization
from gcmhub.errors import GcmHubError, InvalidInput, NotFound
from gcmhub.geo.models import Area
from gcmhub.practices import documents
from gcmhub.practices.extraction import extract_candidates
from gcmhub.practices.extraction.pages import join_pages
from gcmhub.practices.models import Candidate, Document, DocumentPage, Stage
from gcmhub.practices.search.indexing import index_document

logger = logging.getLogger(__name__)

DOCUMENT_FIELDS = ("title", "publisher", "year", "language", "area", "organization", "is_demo")
LANGUAGES = ("", "en", "fr", "es", "ar", "ru", "zh", "pt", "de", "it")
PASSAGE_CONTEXT = 400


# --- reading -------------------------------------------------------------------


def visible_documents(user) -> QuerySet:
    """The queryset form of ``practices.view_document``."""
    found = Document.objects.select_related("area", "organization")
    if user is None or is_admin(user) or is_reviewer(user):
        return found
    visible = Q(is_published=True)
    if user.is_authenticated and user.is_active and user.role:
        visible |= Q(uploaded_by_id=user.pk)
    return found.filter(visible)


def get_document(user, document_id) -> Document:
    document = visible_documents(user).filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    return document


def document_file(user, document: Document) -> tuple[Path, str, str]:
    """(path, content type, download name) of the stored file, for those who may read it."""
    require_permission(user, "practices.view_document", document)
    content_types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "html": "text/plain; charset=utf-8",  # never rendered as a page of this site
        "text": "text/plain; charset=utf-8",
    }
    path = documents.stored_path(document.sha256)
    if not path.exists():
        raise NotFound(_("The file of this document is missing from storage."))
    return path, content_types[document.format], document.original_name


def full_text(document: Document) -> str:
    return documents.PAGE_SEPARATOR.join(document.pages.values_list("text", flat=True))


def passage(document: Document, start: int, end: int) -> str:
    """The text between two offsets of the document's whole text."""
    return full_text(document)[start:end]


def practices_from(user, document: Document) -> QuerySet:
    """The practices drawn from ``document`` that ``user`` may read."""
    from gcmhub.practices.services import visible_practices

    return visible_practices(user).filter(sources__document=document).distinct()


# --- uploading -----------------------------------------------------------------


def upload_document(actor, uploaded, data: dict) -> Document:
    """Check and store an uploaded report (``uploaded``: a Django
    UploadedFile or anything with ``name`` and ``chunks()``), then queue the
    reading of its pages and the extraction of candidates."""
    require_permission(actor, "practices.add_document")
    name = Path(getattr(uploaded, "name", "") or "upload").name[:255]
    document = Document(uploaded_by=actor if actor is not None else None, original_name=name)
    _apply_document_data(actor, document, data)
    stored = documents.store_upload(uploaded.chunks(), name)
    document.format = stored.format
    document.sha256 = stored.sha256
    document.size = stored.size
    document.stored_path = f"documents/{stored.sha256}"
    if not document.title:
        document.title = Path(name).stem[:300] or name
    _validate(document)
    with transaction.atomic():
        document._history_user = actor
        document.save()
        transaction.on_commit(lambda: queue_extraction(document.pk))
    return document


def queue_extraction(document_id: int) -> None:
    from gcmhub.practices.tasks import extract_document

    extract_document.enqueue(document_id)


def update_document(actor, document: Document, data: dict, expected_version: int) -> Document:
    require_permission(actor, "practices.curate_document", document)
    _apply_document_data(actor, document, data)
    _validate(document)
    publishing.save_edit(actor, document, expected_version, publish_permission="practices.publish_document")
    return document


def publish_document(actor, document: Document, published: bool, expected_version: int) -> Document:
    require_permission(actor, "practices.publish_document", document)
    publishing.publish(actor, document, published, expected_version, validate=_validate)
    return document


def restart_extraction(actor, document: Document) -> Document:
    """Read the document again (after a failure, or with a better extractor).
    Candidates already decided are kept; those still pending are replaced."""
    require_permission(actor, "practices.curate_document", document)
    if document.extraction_state == Document.Extraction.RUNNING:
        raise InvalidInput(_("The document is being read; wait for it to finish."))
    Document.objects.filter(pk=document.pk).update(
        extraction_state=Document.Extraction.PENDING, extraction_progress=0, extraction_error=""
    )
    transaction.on_commit(lambda: queue_extraction(document.pk))
    document.refresh_from_db()
    return document


def _validate(document: Document) -> None:
    from django.core.exceptions import ValidationError

    try:
        document.full_clean()
    except ValidationError as error:
        raise invalid_input_from(error) from None


def _apply_document_data(actor, document: Document, data: dict) -> None:
    unknown = sorted(set(data) - set(DOCUMENT_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    for field, value in data.items():
        if field == "area":
            document.area = find_country(value) if value else None
        elif field == "organization":
            document.organization = resolve_organization(actor, value, field="organization") if value else None
        elif field == "year":
            document.year = value or None
        elif field == "is_demo":
            document.is_demo = bool(value)
        elif field == "language":
            if value not in LANGUAGES:
                raise InvalidInput(_("Unknown language “%(code)s”.") % {"code": value}, field="language")
            document.language = value
        else:
            setattr(document, field, (value or "").strip())


# --- reading pages and extracting candidates (the background task) --------------


def set_progress(document_id: int, percent: int, state: str = Document.Extraction.RUNNING) -> None:
    # A plain UPDATE: progress is not an edit, so it is kept out of the history
    # and does not change the document's version.
    Document.objects.filter(pk=document_id).update(extraction_state=state, extraction_progress=max(0, min(100, percent)))


def run_extraction(document_id: int) -> dict:
    """Read the pages of a stored document and store the candidates the
    extractor finds. Records progress and, on failure, the reason."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return {"document": document_id, "state": "missing"}
    set_progress(document_id, 1)
    try:
        pages = documents.read_pages(documents.stored_path(document.sha256), document.format, document.original_name)
        store_pages(document, pages)
        set_progress(document_id, 30)
        found = extract(pages, progress=_progress_writer(document_id, start=30, width=60))
        set_progress(document_id, 90)
        count = store_candidates(document, found)
    except GcmHubError as error:
        _failed(document_id, error.message)
        return {"document": document_id, "state": "failed", "error": error.message}
    except Exception as error:
        logger.exception("Extraction of document %s failed", document_id)
        _failed(document_id, _("The document could not be read: %(reason)s") % {"reason": error})
        return {"document": document_id, "state": "failed", "error": str(error)}
    set_progress(document_id, 100, Document.Extraction.DONE)
    return {"document": document_id, "state": "done", "pages": len(pages), "candidates": count}


def _progress_writer(document_id: int, *, start: int, width: int):
    """Record the extractor's progress on the document, once per percent step."""
    last = [-1]

    def write(share: float) -> None:
        percent = start + int(share * width)
        if percent != last[0]:
            last[0] = percent
            set_progress(document_id, percent)

    return write


def _failed(document_id: int, message: str) -> None:
    Document.objects.filter(pk=document_id).update(
        extraction_state=Document.Extraction.FAILED, extraction_error=message[:2000]
    )


def extract(pages: list[str], progress=None) -> list:
    """The extractor's candidates for ``pages``; ``progress(share)`` is told
    how far it has read (0 to 1) as it goes."""
    if progress is None:
        return extract_candidates(pages)
    return extract_candidates(pages, on_progress=lambda percent: progress(percent / 100))


def store_pages(document: Document, pages: list[str]) -> None:
    _text, offsets = join_pages(pages)
    with transaction.atomic():
        document.pages.all().delete()
        DocumentPage.objects.bulk_create(
            DocumentPage(document=document, number=number, offset=offset, text=text)
            for number, (offset, text) in enumerate(zip(offsets, pages, strict=True), start=1)
        )
        Document.objects.filter(pk=document.pk).update(page_count=len(pages))
        # Bulk inserts send no signals: the search index is told here.
        index_document(document.pk)


def store_candidates(document: Document, found: list) -> int:
    """Replace the document's pending candidates by ``found``; decided ones stay."""
    areas = {area.iso3: area for area in Area.objects.filter(kind=Area.Kind.COUNTRY).exclude(iso3="")}
    with transaction.atomic():
        document.candidates.filter(decision=Candidate.Decision.PENDING).delete()
        start = (document.candidates.order_by("-position").values_list("position", flat=True).first() or -1) + 1
        rows = [_candidate_row(document, start + index, item, areas) for index, item in enumerate(found)]
        Candidate.objects.bulk_create(rows)
    return len(rows)


def _candidate_row(document: Document, position: int, item, areas: dict) -> Candidate:
    """A Candidate row from the extractor's ``Candidate`` (the fields of the
    ``gcmhub practices extract`` JSON line, plus the deciding terms)."""
    return Candidate(
        document=document,
        position=position,
        area=areas.get((item.area or "").upper()),
        actor=item.actor[:300],
        speaker=item.speaker[:300],
        page=item.page,
        summary=item.summary,
        objectives=[int(number) for number in item.objectives],
        objective_terms={str(key): list(value) for key, value in item.objective_terms.items()},
        stage=item.stage if item.stage in Stage.values else "",
        confidence=float(item.confidence),
        span_start=max(0, int(item.span["start"])),
        span_end=max(0, int(item.span["end"])),
    )
