"""Shared by the tests of gcmhub/reports/render: sample documents and their
renderings, each made once per test session (rendering is the slow part)."""

from __future__ import annotations

import io
import re
from functools import lru_cache

from gcmhub.reports.document import ReportDocument
from gcmhub.reports.render import render_docx, render_html, render_pdf
from gcmhub.reports.render.samples import TRICKY, sample_document

LANGUAGES = ("en", "fr", "es")
OBJECTIVE_WORD = {"en": "Objective", "fr": "Objectif", "es": "Objetivo"}
# Words with accents the sample uses in each language (beyond objective titles).
ACCENTED = {
    "en": ["Demoland"],
    "fr": ["Démolande", "œuvre", "Noël", "déjà", "Année", "Données de démonstration", "Table des matières"],
    "es": ["Demolandia", "niño", "acción", "pingüino", "¿años difíciles?", "Año", "Índice", "Gráfico 1."],
}


@lru_cache(maxsize=None)
def document(language: str, tricky: bool = True) -> ReportDocument:
    return sample_document(language, tricky=tricky)


@lru_cache(maxsize=None)
def pdf(language: str) -> bytes:
    return render_pdf(document(language))


@lru_cache(maxsize=None)
def docx(language: str) -> bytes:
    return render_docx(document(language))


@lru_cache(maxsize=None)
def html(language: str, standalone: bool = True) -> str:
    return render_html(document(language), standalone=standalone)


@lru_cache(maxsize=None)
def pdf_reader(language: str):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf(language)))


@lru_cache(maxsize=None)
def pdf_pages_text(language: str) -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in pdf_reader(language).pages)


def squash(text: str) -> str:
    """Text without whitespace and hyphens: what survives line breaking and
    hyphenation intact (PDF text extraction splits lines where they broke)."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def words(text: str) -> str:
    return " ".join(text.split())


__all__ = ["ACCENTED", "LANGUAGES", "OBJECTIVE_WORD", "TRICKY"]
