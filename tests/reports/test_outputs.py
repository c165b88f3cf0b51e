"""The files produced from a real review, read back: PDF with pypdf, DOCX
with python-docx, HTML parsed; every objective's heading is in each, in the
report's language, and the stored figures are printed as formatted."""

import io
import re

import pytest

from gcmhub.framework.models import Objective
from gcmhub.reports import services
from gcmhub.reports.builders import format_number

PREFIX = {"en": "Objective", "fr": "Objectif", "es": "Objetivo"}


def _produce(review, user, fmt, language) -> bytes:
    run = services.request_report(user, review, "vgr", fmt, language, enqueue=False)
    run = services.run_report(run.pk)
    assert run.state == "done", run.message
    return (services.files_root() / run.file_path).read_bytes()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


@pytest.mark.parametrize("language", ["fr", "es"])
def test_pdf_reads_back(review, people, language):
    from pypdf import PdfReader

    content = _produce(review, people.focal_ken, "pdf", language)
    reader = PdfReader(io.BytesIO(content))
    text = _squash(" ".join(page.extract_text() or "" for page in reader.pages))
    for number in range(1, 24):
        assert f"{PREFIX[language]} {number} —" in text, number
    assert format_number(1234.5678, language).replace("\xa0", " ") in text.replace("\xa0", " ")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any(title.startswith(f"{PREFIX[language]} 7 —") for title in outline)


def test_docx_reads_back_with_real_headings(review, people):
    import docx

    content = _produce(review, people.focal_ken, "docx", "es")
    document = docx.Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for objective in Objective.objects.all():
        expected = f"Objetivo {objective.number} — {objective.title_es or objective.title_en}"
        assert expected in headings, expected
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert format_number(1234.5678, "es") in cells


def test_html_has_every_objective(review, people):
    content = _produce(review, people.focal_ken, "html", "en").decode("utf-8")
    assert content.lstrip().lower().startswith("<!doctype html")
    for number in range(1, 24):
        assert f'id="section-objective-{number}"' in content or f"objective-{number}" in content
        assert f"Objective {number} —" in content
