"""The report document: one neutral tree that every output format renders.

A report is built once from the platform's data (``gcmhub.reports.builders``)
into a ``ReportDocument``, then rendered to HTML, PDF (typst) or DOCX
(python-docx). Keeping the content apart from the format is what lets the
three outputs say the same thing, lets a published snapshot store exactly
the data it used (``to_dict``), and lets two snapshots be compared section by
section (sections have stable ``key``\\ s such as ``objective-7``).

Text in the tree is plain text, already translated into the report's
language; renderers escape it for their format. Numbers are formatted by the
builder (locale-aware) so every renderer prints the same figure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass
class BulletList:
    items: list[str]
    kind: Literal["bullets"] = "bullets"


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    # Numbers of the entries in ReportDocument.sources the table draws on.
    sources: list[int] = field(default_factory=list)
    kind: Literal["table"] = "table"


@dataclass
class Chart:
    """A Vega-Lite chart with its data inline; ``table`` is its accessible
    equivalent, printed beside it (HTML) or under it (PDF, DOCX)."""

    caption: str
    vega_lite: dict[str, Any]
    alt_text: str
    table: Table
    kind: Literal["chart"] = "chart"


@dataclass
class Note:
    """A boxed remark, e.g. "invented demo data" or "no data for this objective"."""

    text: str
    kind: Literal["note"] = "note"


Block = Paragraph | BulletList | Table | Chart | Note
_BLOCK_TYPES = {cls.__dataclass_fields__["kind"].default: cls for cls in (Paragraph, BulletList, Table, Chart, Note)}


@dataclass
class Section:
    # Stable across builds and languages ("methodology", "objective-7", …):
    # narratives are stored against it and snapshot comparison pairs on it.
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    # The editable narrative written by people (plain text, blank lines
    # separate paragraphs); rendered after the pre-filled blocks.
    narrative: str = ""
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Source:
    number: int
    title: str
    url: str = ""
    detail: str = ""  # publisher, year, series code …


@dataclass
class ReportDocument:
    kind: str  # vgr | regional | vnr | 10.7.2
    language: str  # en | fr | es
    title: str
    subtitle: str
    area_code: str
    area_name: str
    date_label: str  # already formatted in the report's language
    sections: list[Section] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    # Set when any content is invented demo data; every renderer says so.
    demo_notice: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportDocument:
        return cls(
            **{
                **data,
                "sections": [_section_from_dict(s) for s in data.get("sections", [])],
                "sources": [Source(**s) for s in data.get("sources", [])],
            }
        )

    def walk(self):
        """Every section, depth first, with its depth (1 = top level)."""

        def visit(sections, depth):
            for section in sections:
                yield section, depth
                yield from visit(section.subsections, depth + 1)

        yield from visit(self.sections, 1)


def _block_from_dict(data: dict[str, Any]) -> Block:
    cls = _BLOCK_TYPES[data["kind"]]
    if cls is Chart:
        return Chart(**{**data, "table": Table(**data["table"])})
    return cls(**data)


def _section_from_dict(data: dict[str, Any]) -> Section:
    return Section(
        **{
            **data,
            "blocks": [_block_from_dict(b) for b in data.get("blocks", [])],
            "subsections": [_section_from_dict(s) for s in data.get("subsections", [])],
        }
    )
