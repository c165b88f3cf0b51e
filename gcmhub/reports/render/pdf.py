"""A report as PDF, typeset by typst (the ``typst`` package's bundled compiler).

The template ``report.typ`` holds the layout; this module hands it the
report as JSON (``sys.inputs.report``) and each chart as SVG
(``sys.inputs.chart-N``). Report text is therefore data the template prints,
never typst markup it parses: nothing needs escaping and nothing a person
writes (``#import``, ``$x$``, ``@label``, ``[``…) can change the document.

The PDF is tagged (typst ≥ 0.14 writes the structure tree by default) and
checked against PDF/UA-1 while it is written; its language is the report's
(``/Lang``, hyphenation, and the tags of every text), its title is the
report's title. Fonts: typst's embedded Libertinus Serif for text and the
bundled DejaVu Sans for charts; system fonts are ignored so every machine
produces the same PDF and nothing is looked up or fetched.
"""

from __future__ import annotations

import json
import logging
import threading
from functools import lru_cache
from pathlib import Path

from gcmhub.reports.document import ReportDocument

from . import charts
from .common import Layout, TableOut, layout

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).resolve().parent / "report.typ"
REGION = {"en": None, "fr": None, "es": None}
# PDF/UA-1 is the accessibility standard typst can check; when a document
# trips one of its checks we still deliver the (tagged) PDF and log why.
PDF_STANDARDS = ["ua-1"]
_fonts_lock = threading.Lock()


class RenderError(RuntimeError):
    """typst refused the document (a bug in the template or the layout)."""


@lru_cache(maxsize=1)
def _fonts():
    import typst

    with _fonts_lock:
        return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(charts.FONT_DIR)])


@lru_cache(maxsize=1)
def _template() -> bytes:
    return TEMPLATE.read_bytes()


def _table(table: TableOut) -> dict:
    return {
        "label": table.label,
        "caption": table.caption,
        "columns": table.columns,
        "rows": table.rows,
        "sources": table.sources,
    }


def typst_inputs(plan: Layout) -> dict[str, str]:
    """The ``sys.inputs`` of the template: the report as JSON and the charts' SVG."""
    images: dict[str, str] = {}
    sections = []
    for index, section in enumerate(plan.sections):
        blocks = []
        for block in section.blocks:
            if block.kind in ("paragraph", "note"):
                blocks.append({"kind": block.kind, "lines": block.lines})
            elif block.kind == "bullets":
                blocks.append({"kind": "bullets", "items": block.items})
            elif block.kind == "table":
                blocks.append({"kind": "table", **_table(block.table)})
            elif block.kind == "chart":
                chart = block.chart
                name = f"chart-{len(images)}"
                svg = charts.chart_svg(chart.spec, plan.language)
                images[name] = svg
                width, _height = charts.svg_size(svg)
                blocks.append(
                    {
                        "kind": "chart",
                        "label": chart.label,
                        "caption": chart.caption,
                        "alt": chart.alt,
                        "image": name,
                        # Vega's pixels at 96/in against a ~16 cm text width:
                        # small charts keep their size, wide ones fit the page.
                        "width": round(min(1.0, max(0.3, width / 605)) if width else 1.0, 3),
                        "table": _table(chart.table),
                    }
                )
        sections.append(
            {
                "title": section.title,
                "depth": section.depth,
                "anchor": section.anchor,
                # Each top-level part after the first starts on a new page.
                "break-before": index > 0,
                "blocks": blocks,
                "narrative": section.narrative,
            }
        )
    words = plan.labels
    report = {
        "lang": plan.language,
        "region": REGION.get(plan.language),
        "title": plan.title,
        "subtitle": plan.subtitle,
        "area": plan.area_name,
        "date": plan.date_label,
        "demo-notice": plan.demo_notice,
        "keywords": [k for k in ("GCM", plan.area_code, plan.kind) if k],
        "labels": {
            "contents": words["contents"],
            "sources": words["sources"],
            "sources-prefix": words["sources_prefix"],
            "demo": words["demo"],
        },
        "sections": sections,
        "sources": [
            {"number": s.number, "anchor": s.anchor, "title": s.title, "detail": s.detail, "url": s.url}
            for s in plan.sources
        ],
    }
    return {"report": json.dumps(report, ensure_ascii=False), **images}


def compile_pdf(inputs: dict[str, str], *, standards: list[str] | None = None) -> bytes:
    import typst

    standards = PDF_STANDARDS if standards is None else standards
    try:
        return typst.compile(
            _template(),
            format="pdf",
            root=str(TEMPLATE.parent),
            font_paths=_fonts(),
            ignore_system_fonts=True,
            sys_inputs=inputs,
            pdf_standards=standards,
        )
    except typst.TypstError as error:
        if standards:
            logger.warning("report PDF fails %s (%s); writing a tagged PDF without the claim", standards, error)
            return compile_pdf(inputs, standards=[])
        raise RenderError(f"typst: {error}") from error


def render_pdf(doc: ReportDocument) -> bytes:
    """``doc`` as a PDF (bytes)."""
    return compile_pdf(typst_inputs(layout(doc)))
