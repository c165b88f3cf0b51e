"""Renderers of review reports: one ``ReportDocument`` → HTML, PDF or DOCX.

``render_html(doc, standalone=True)`` returns a str (a full page to download,
or with ``standalone=False`` a fragment to embed in a site page),
``render_pdf(doc)`` and ``render_docx(doc)`` return bytes. All three share
``common.layout`` (numbering, anchors, cleaned text, labels) and the chart
cache in ``charts`` (each chart is drawn once, whatever the formats asked).
See docs/reports-rendering.md.
"""

from __future__ import annotations

from gcmhub.reports.document import ReportDocument

__all__ = ["render_docx", "render_html", "render_pdf"]


def render_html(doc: ReportDocument, *, standalone: bool = True) -> str:
    from .html import render_html as render

    return render(doc, standalone=standalone)


def render_pdf(doc: ReportDocument) -> bytes:
    from .pdf import render_pdf as render

    return render(doc)


def render_docx(doc: ReportDocument) -> bytes:
    from .docx import render_docx as render

    return render(doc)
