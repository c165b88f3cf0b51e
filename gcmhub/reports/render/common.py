"""What the three renderers share, so they print the same report.

``layout(doc)`` walks a ``ReportDocument`` once and returns plain data every
format renders: sections flattened with their depth and a unique anchor,
tables and figures numbered in reading order ("Table 3.", "Figure 2."), text
cleaned of characters no format can hold, narratives split into paragraphs
and lines, source references resolved, URLs limited to http(s)/mailto, and
the few fixed words (Contents, Sources, …) in the report's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gcmhub.reports.document import BulletList, Chart, Note, Paragraph, ReportDocument, Section, Table

LANGUAGES = ("en", "fr", "es")
# BCP 47 tags: the HTML lang attribute and PDF /Lang take the bare language;
# Word's proofing language wants a region.
WORD_LANGUAGE = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}
# C0 controls other than tab/newline, lone surrogates and the two
# non-characters: XML (DOCX, HTML) cannot hold them and nobody means them.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"]+$", re.IGNORECASE)
_ANCHOR = re.compile(r"[^a-z0-9-]+")


def clean(text: Any) -> str:
    """``text`` as a printable string: newlines normalised, invalid characters dropped."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID.sub("", text)


def lines(text: str) -> list[str]:
    return clean(text).strip("\n").split("\n") if clean(text).strip() else []


def paragraphs(text: str) -> list[list[str]]:
    """Plain text → paragraphs (blank lines separate them) of lines."""
    result = []
    for chunk in re.split(r"\n\s*\n", clean(text)):
        chunk_lines = [line.rstrip() for line in chunk.strip("\n").split("\n")]
        if any(line.strip() for line in chunk_lines):
            result.append(chunk_lines)
    return result


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) or mailto link, else "" (no javascript:, data:, file:)."""
    url = clean(url).strip()
    return url if _SAFE_URL.match(url) else ""


def language_of(doc: ReportDocument) -> str:
    return doc.language if doc.language in LANGUAGES else "en"


def labels(language: str) -> dict[str, str]:
    """The renderers' own words, in the report's language (gettext)."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override(language):
        return {
            "contents": pgettext("report", "Contents"),
            "sources": pgettext("report", "Sources"),
            "sources_prefix": pgettext("report", "Sources:"),
            "table": pgettext("report", "Table %(number)s."),
            "figure": pgettext("report", "Figure %(number)s."),
            "demo": pgettext("report", "Demo data"),
            "toc_field": gettext(
                "To fill in the table of contents, right-click here and choose “Update field” (or press F9)."
            ),
            "chart_data": pgettext("report", "The data of this chart are in the table below."),
            "source_link": pgettext("report", "Source %(number)s"),
        }


@dataclass
class TableOut:
    label: str  # "Table 3."
    caption: str
    columns: list[str]
    rows: list[list[str]]
    sources: list[dict[str, Any]]  # {"number": 1, "anchor": "source-1"}


@dataclass
class ChartOut:
    label: str  # "Figure 2."
    caption: str
    alt: str
    spec: dict[str, Any]
    table: TableOut


@dataclass
class BlockOut:
    kind: str  # paragraph | bullets | table | chart | note
    lines: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table: TableOut | None = None
    chart: ChartOut | None = None


@dataclass
class SectionOut:
    key: str
    anchor: str  # unique in the document, [a-z0-9-]
    title: str
    depth: int  # 1 = top level
    blocks: list[BlockOut]
    narrative: list[list[str]]


@dataclass
class SourceOut:
    number: int
    anchor: str
    title: str
    detail: str
    url: str


@dataclass
class Layout:
    language: str
    title: str
    subtitle: str
    area_code: str
    area_name: str
    date_label: str
    demo_notice: str
    kind: str
    sections: list[SectionOut]
    sources: list[SourceOut]
    labels: dict[str, str]
    charts: list[ChartOut]


def _anchor(key: str, taken: set[str]) -> str:
    base = _ANCHOR.sub("-", clean(key).lower()).strip("-") or "section"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def layout(doc: ReportDocument) -> Layout:
    language = language_of(doc)
    words = labels(language)
    source_numbers = {source.number for source in doc.sources}
    counters = {"table": 0, "figure": 0}
    charts: list[ChartOut] = []
    taken: set[str] = set()

    def table_out(table: Table) -> TableOut:
        counters["table"] += 1
        columns = [clean(c) for c in table.columns] or [""]
        width = len(columns)
        rows = []
        for row in table.rows:
            cells = [clean(c) for c in list(row)[:width]]
            rows.append(cells + [""] * (width - len(cells)))
        refs = [
            {"number": n, "anchor": f"source-{n}"}
            for n in dict.fromkeys(table.sources)
            if n in source_numbers
        ]
        return TableOut(
            label=words["table"] % {"number": counters["table"]},
            caption=clean(table.caption),
            columns=columns,
            rows=rows,
            sources=refs,
        )

    def block_out(block) -> BlockOut | None:
        if isinstance(block, Paragraph):
            return BlockOut("paragraph", lines=lines(block.text)) if clean(block.text).strip() else None
        if isinstance(block, BulletList):
            items = [clean(item) for item in block.items if clean(item).strip()]
            return BlockOut("bullets", items=items) if items else None
        if isinstance(block, Table):
            return BlockOut("table", table=table_out(block))
        if isinstance(block, Chart):
            counters["figure"] += 1
            label = words["figure"] % {"number": counters["figure"]}
            caption = clean(block.caption)
            chart = ChartOut(
                label=label,
                caption=caption,
                alt=clean(block.alt_text).strip() or caption or label,
                spec=block.vega_lite,
                table=table_out(block.table),
            )
            charts.append(chart)
            return BlockOut("chart", chart=chart)
        if isinstance(block, Note):
            return BlockOut("note", lines=lines(block.text)) if clean(block.text).strip() else None
        raise TypeError(f"unknown report block {type(block).__name__}")

    sections: list[SectionOut] = []

    def visit(items: list[Section], depth: int) -> None:
        for section in items:
            sections.append(
                SectionOut(
                    key=section.key,
                    anchor=_anchor(section.key, taken),
                    title=clean(section.title),
                    depth=depth,
                    blocks=[b for b in (block_out(block) for block in section.blocks) if b is not None],
                    narrative=paragraphs(section.narrative),
                )
            )
            visit(section.subsections, depth + 1)

    visit(doc.sections, 1)
    unique_sources = {}
    for source in sorted(doc.sources, key=lambda s: s.number):
        unique_sources.setdefault(source.number, source)
    sources = [
        SourceOut(
            number=source.number,
            anchor=f"source-{source.number}",
            title=clean(source.title),
            detail=clean(source.detail),
            url=safe_url(source.url),
        )
        for source in unique_sources.values()
    ]
    return Layout(
        language=language,
        title=clean(doc.title),
        subtitle=clean(doc.subtitle),
        area_code=clean(doc.area_code),
        area_name=clean(doc.area_name),
        date_label=clean(doc.date_label),
        demo_notice=clean(doc.demo_notice).strip(),
        kind=clean(doc.kind),
        sections=sections,
        sources=sources,
        labels=words,
        charts=charts,
    )
