"""A report as DOCX (python-docx), for ministries to keep editing.

What makes the file work in Word, LibreOffice and screen readers:

* section titles are real ``Heading 1…6`` paragraphs, so the navigation pane,
  the outline and the table of contents follow them; the title page uses the
  ``Title``/``Subtitle`` styles (not headings, so not in the contents);
* the table of contents is a ``TOC \\o "1-3" \\h`` field, pre-filled with the
  section titles and marked for updating when the file is opened (page
  numbers appear once Word or LibreOffice updates it);
* tables have a repeated header row (``w:tblHeader``), a caption paragraph
  above them and ``w:tblCaption``; charts are PNG pictures (drawn from the
  same SVG as the PDF) whose ``descr`` is the chart's alt text, followed by
  their data table;
* sources are numbered ``[n]`` with bookmarks the tables' ``Sources: [n]``
  link to; page numbers are a PAGE field in the footer;
* the language (``w:lang`` on the document defaults, so spelling and
  hyphenation follow it) and the core properties (title, subject, language,
  keywords) are set; python-docx's own defaults ("python-docx" as author)
  are replaced.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from gcmhub.reports.document import ReportDocument

from . import charts
from .common import WORD_LANGUAGE, Layout, TableOut, layout

TEXT_WIDTH_CM = 16.0
AUTHOR = "GCM Hub"


def _el(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(name), value)
    return element


def _set_language(document, tag: str) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    for lang in rpr.findall(qn("w:lang")):
        rpr.remove(lang)
    rpr.append(_el("w:lang", **{"w:val": tag, "w:eastAsia": tag, "w:bidi": tag}))
    # Styles of the template that name a language of their own follow too.
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (``PAGE``, ``TOC …``) in one paragraph."""
    run = paragraph.add_run()
    run._r.append(_el("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
    instr = _el("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_el("w:fldChar", **{"w:fldCharType": "separate"}))
    if placeholder:
        paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(_el("w:fldChar", **{"w:fldCharType": "end"}))


def _hyperlink(paragraph, text: str, *, url: str = "", anchor: str = "", colour: bool = True):
    link = _el("w:hyperlink")
    if url:
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), rel)
    else:
        link.set(qn("w:anchor"), anchor)
    run = _el("w:r")
    rpr = _el("w:rPr")
    if colour:
        rpr.append(_el("w:color", **{"w:val": "0B5394"}))
        rpr.append(_el("w:u", **{"w:val": "single"}))
    run.append(rpr)
    t = _el("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _bookmark(paragraph, name: str, bookmark_id: int) -> None:
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, _el("w:bookmarkStart", **{"w:id": str(bookmark_id), "w:name": name}))
    paragraph._p.append(_el("w:bookmarkEnd", **{"w:id": str(bookmark_id)}))


def _box(paragraph, fill: str = "FFF4E5", border: str = "C98A1A") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = _el("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        borders.append(_el(f"w:{side}", **{"w:val": "single", "w:sz": "6", "w:space": "4", "w:color": border}))
    ppr.append(borders)
    ppr.append(_el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill}))


def _lines(paragraph, lines: list[str], bold_prefix: str = "") -> None:
    if bold_prefix:
        paragraph.add_run(bold_prefix).bold = True
        paragraph.add_run(" ")
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        paragraph.add_run(line)


class _Writer:
    def __init__(self, plan: Layout):
        self.plan = plan
        self.words = plan.labels
        self.document = Document()
        self.bookmark_id = 0
        # Style ids resolved once: python-docx looks a style up by name by
        # scanning every style, which dominated the time of a long report.
        self.style_ids = {
            name: self.document.styles[name].style_id
            for name in ("Title", "Subtitle", "Caption", "List Bullet", "TOC Heading", "Table Grid")
            + tuple(f"Heading {n}" for n in range(1, 10))
        }

    def paragraph(self, text: str = "", style: str = ""):
        paragraph = self.document.add_paragraph()
        if style:
            paragraph._p.style = self.style_ids[style]
        if text:
            paragraph.add_run(text)
        return paragraph

    # --- setup --------------------------------------------------------------------------

    def setup(self) -> None:
        plan, document = self.plan, self.document
        tag = WORD_LANGUAGE.get(plan.language, "en-GB")
        _set_language(document, tag)
        core = document.core_properties
        core.title = plan.title
        core.subject = plan.subtitle
        core.language = tag
        core.keywords = ", ".join(k for k in ("GCM", plan.area_code, plan.kind) if k)
        core.author = AUTHOR
        core.last_modified_by = AUTHOR
        core.comments = plan.demo_notice
        core.category = plan.kind
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        core.created = core.modified = now
        core.revision = 1
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.4)
        normal = document.styles["Normal"]
        normal.font.size = Pt(10.5)
        # Word asks to update the fields (the contents' page numbers) on opening.
        document.settings.element.append(_el("w:updateFields", **{"w:val": "true"}))

    # --- parts --------------------------------------------------------------------------

    def title_page(self) -> None:
        plan, document = self.plan, self.document
        if plan.area_name:
            area = self.paragraph()
            run = area.add_run(plan.area_name)
            run.font.all_caps = True
            run.font.color.rgb = RGBColor(0x55, 0x5E, 0x68)
            area.paragraph_format.space_before = Pt(72)
        self.paragraph(plan.title, "Title")
        if plan.subtitle:
            self.paragraph(plan.subtitle, "Subtitle")
        if plan.date_label:
            document.add_paragraph(plan.date_label)
        if plan.demo_notice:
            note = self.paragraph()
            _lines(note, [plan.demo_notice], bold_prefix=self.words["demo"])
            _box(note)

    def contents(self) -> None:
        document = self.document
        self.paragraph(self.words["contents"], "TOC Heading")
        # The field's result, until it is updated: the section titles.
        entries = [(s.depth, s.title) for s in self.plan.sections if s.depth <= 3]
        if self.plan.sources:
            entries.append((1, self.words["sources"]))
        first = self.paragraph()
        run = first.add_run()
        run._r.append(_el("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
        instr = _el("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = ' TOC \\o "1-3" \\h \\z \\u '
        first.add_run()._r.append(instr)
        first.add_run()._r.append(_el("w:fldChar", **{"w:fldCharType": "separate"}))
        last = first
        if not entries:
            first.add_run(self.words["toc_field"])
        for index, (depth, title) in enumerate(entries):
            paragraph = first if index == 0 else self.paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.6 * (depth - 1))
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run(title)
            last = paragraph
        last.add_run()._r.append(_el("w:fldChar", **{"w:fldCharType": "end"}))

    def caption(self, label: str, text: str, *, keep_with_next: bool) -> None:
        paragraph = self.paragraph(style="Caption")
        paragraph.add_run(label).bold = True
        paragraph.add_run(" " + text)
        paragraph.paragraph_format.keep_with_next = keep_with_next

    def table(self, table: TableOut) -> None:
        document = self.document
        self.caption(table.label, table.caption, keep_with_next=True)
        grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
        grid._tbl.tblPr.style = self.style_ids["Table Grid"]
        tblpr = grid._tbl.tblPr
        tblpr.append(_el("w:tblCaption", **{"w:val": f"{table.label} {table.caption}"[:255]}))
        header = grid.rows[0]
        trpr = header._tr.get_or_add_trPr()
        trpr.append(_el("w:tblHeader", **{"w:val": "true"}))
        for cell, text in zip(header.cells, table.columns, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
        for row, values in zip(grid.rows[1:], table.rows, strict=True):
            for cell, text in zip(row.cells, values, strict=True):
                if text:
                    cell.paragraphs[0].add_run(text)
        if table.sources:
            paragraph = self.paragraph()
            paragraph.add_run(self.words["sources_prefix"] + " ").font.size = Pt(9)
            for index, ref in enumerate(table.sources):
                if index:
                    paragraph.add_run(", ")
                _hyperlink(paragraph, f"[{ref['number']}]", anchor=_bookmark_name(ref["anchor"]))
        else:
            self.paragraph()

    def chart(self, chart) -> None:
        document = self.document
        svg = charts.chart_svg(chart.spec, self.plan.language)
        png = charts.chart_png(chart.spec, self.plan.language)
        width_px, _height = charts.svg_size(svg)
        width_cm = min(TEXT_WIDTH_CM, width_px / 96 * 2.54) if width_px else TEXT_WIDTH_CM
        picture = self.paragraph()
        inline = picture.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        picture.paragraph_format.keep_with_next = True
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc_pr = inline._inline.docPr
        doc_pr.set("descr", chart.alt)
        doc_pr.set("title", chart.caption or chart.label)
        self.caption(chart.label, chart.caption, keep_with_next=False)
        self.table(chart.table)

    def body(self) -> None:
        document = self.document
        for index, section in enumerate(self.plan.sections):
            heading = self.paragraph(section.title, f"Heading {min(section.depth, 9)}")
            if section.depth == 1 and index > 0:
                heading.paragraph_format.page_break_before = True
            for block in section.blocks:
                if block.kind == "paragraph":
                    _lines(self.paragraph(), block.lines)
                elif block.kind == "bullets":
                    for item in block.items:
                        self.paragraph(item, "List Bullet")
                elif block.kind == "note":
                    note = self.paragraph()
                    _lines(note, block.lines)
                    _box(note)
                elif block.kind == "table":
                    self.table(block.table)
                elif block.kind == "chart":
                    self.chart(block.chart)
            for paragraph in section.narrative:
                _lines(self.paragraph(), paragraph)

    def sources(self) -> None:
        if not self.plan.sources:
            return
        document = self.document
        heading = self.paragraph(self.words["sources"], "Heading 1")
        heading.paragraph_format.page_break_before = True
        for source in self.plan.sources:
            paragraph = self.paragraph()
            paragraph.paragraph_format.left_indent = Cm(1.0)
            paragraph.paragraph_format.first_line_indent = Cm(-1.0)
            paragraph.add_run(f"[{source.number}]\t{source.title}")
            if source.detail:
                paragraph.add_run(f". {source.detail}")
            if source.url:
                paragraph.add_run(". ")
                _hyperlink(paragraph, source.url, url=source.url)
            self.bookmark_id += 1
            _bookmark(paragraph, _bookmark_name(source.anchor), self.bookmark_id)

    def write(self) -> bytes:
        self.setup()
        self.title_page()
        # The report proper starts a new section: the title page has no header.
        body = self.document.add_section(WD_SECTION.NEW_PAGE)
        body.different_first_page_header_footer = False
        body._sectPr.append(_el("w:pgNumType", **{"w:start": "1"}))
        self.page_furniture_body(body)
        self.contents()
        self.body()
        self.sources()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    def page_furniture_body(self, section) -> None:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        text = self.plan.title + (f" — {self.words['demo']}" if self.plan.demo_notice else "")
        header.add_run(text).font.size = Pt(8.5)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE", "1")


def _bookmark_name(anchor: str) -> str:
    # Word bookmarks: a letter first, then letters, digits and underscores.
    return anchor.replace("-", "_")[:40]


def render_docx(doc: ReportDocument) -> bytes:
    """``doc`` as a Word document (bytes)."""
    return _Writer(layout(doc)).write()
