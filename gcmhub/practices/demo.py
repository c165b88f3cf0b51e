"""Demo content of the practices app for `gcmhub demo`: the shared report in
the document library, read and run through the extractor, and the practices
reviewed from it (``data/demo_practices.yaml``), published.

The summaries are GCM Hub's paraphrases; the passage each source quotes is
read from the report at load time (located by page and offsets, after the
report's SHA-256 is checked), so the report's sentences are never part of
the product. They are real practices from a real report, so they are not
marked ``is_demo`` (which labels invented records); the document they cite
is on every practice page.
Candidates the extractor proposed for the same passages are marked as
accepted into them; the others wait in the curation queue for trying it out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from gcmhub import dataversion
from gcmhub.practices import documents, library, services
from gcmhub.practices.models import Candidate, Document, Practice

DATA_FILE = Path(__file__).parent / "data" / "demo_practices.yaml"


class DemoDataError(Exception):
    pass


@dataclass
class DemoReport:
    document: Document | None
    practices: int
    candidates: int
    skipped: str = ""


def corpus_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR).parent / "corpus"


def load_demo_practices(report_path: Path | None = None) -> DemoReport:
    """Load once; a second run finds the document and changes nothing."""
    spec = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    report = spec["report"]
    path = report_path or corpus_dir() / report["file"]
    if not path.exists():
        return DemoReport(None, 0, 0, skipped=f"{path} not found")
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != report["sha256"]:
        raise DemoDataError(f"{path}: not the report the demo practices were reviewed from (SHA-256 differs)")
    existing = Document.objects.filter(sha256=report["sha256"]).first()
    if existing is not None:
        return DemoReport(existing, existing.practice_sources.count(), existing.candidates.count(), skipped="already loaded")
    with transaction.atomic():
        document = _store_document(path, report)
        library.run_extraction(document.pk)
        document.refresh_from_db()
        if document.extraction_state != Document.Extraction.DONE:
            raise DemoDataError(f"{path}: {document.extraction_error}")
        pages = {page.number: page for page in document.pages.all()}
        created = [_publish(document, pages, item) for item in spec["practices"]]
    dataversion.bump()
    return DemoReport(document, len(created), document.candidates.count())


def _store_document(path: Path, report: dict) -> Document:
    with open(path, "rb") as stream:
        stored = documents.store_upload(iter(lambda: stream.read(documents.CHUNK), b""), path.name)
    return Document.objects.create(
        title=report["title"],
        publisher=report["publisher"],
        year=report["year"],
        language=report["language"],
        format=stored.format,
        stored_path=f"documents/{stored.sha256}",
        original_name=path.name,
        size=stored.size,
        sha256=stored.sha256,
        is_published=True,  # a public report, reviewed for the demo
    )


def _publish(document: Document, pages: dict, item: dict) -> Practice:
    source = item["source"]
    page = pages.get(source["page"])
    if page is None or source["end"] > len(page.text):
        raise DemoDataError(f"{DATA_FILE.name}: {item['key']}: page {source['page']} is not where the passage was")
    passage = page.text[source["start"] : source["end"]]
    data = {
        "title": item["title"],
        "summary": item["summary"],
        "level": item["level"],
        "stage": item["stage"],
        "areas": item["areas"],
        "objectives": item["objectives"],
        "population_groups": item.get("population_groups", []),
        # Situations of vulnerability (the protection taxonomy): our reading of the practice, like its objectives.
        "situations": item.get("situations", []),
        "sources": [
            {
                "document": document.pk,
                "page": page.number,
                "passage": passage,
                "span_start": page.offset + source["start"],
                "span_end": page.offset + source["end"],
            }
        ],
    }
    practice = services.create_practice(None, data)  # the system operator: full rights, same checks
    services.submit_practice(None, practice, practice.version)
    practice.refresh_from_db()
    services.publish_practice(None, practice, practice.version)
    _mark_candidates(document, practice, page.offset + source["start"], page.offset + source["end"])
    return practice


def _mark_candidates(document: Document, practice: Practice, start: int, end: int) -> None:
    """The extractor's candidates overlapping the reviewed passage became this practice."""
    overlapping = document.candidates.filter(
        decision=Candidate.Decision.PENDING, span_start__lt=end, span_end__gt=start
    ).order_by("position")
    for index, candidate in enumerate(overlapping):
        candidate.decision = Candidate.Decision.ACCEPTED if index == 0 else Candidate.Decision.MERGED
        candidate.practice = practice
        candidate.save()
