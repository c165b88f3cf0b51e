"""render_docx: the Word file read back with python-docx."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from gcmhub.reports.document import BulletList, ReportDocument, Section, Table
from gcmhub.reports.render import render_docx
from gcmhub.reports.render.samples import objective_titles
from tests.reports.render_support import ACCENTED, LANGUAGES, OBJECTIVE_WORD, TRICKY, document
from tests.reports.render_support import docx as rendered


def _open(language: str):
    return docx.Document(io.BytesIO(rendered(language)))


def _headings(document_) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document_.paragraphs
        if p.style.name.startswith("Heading ")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_sections_are_real_headings_in_document_order(language):
    headings = _headings(_open(language))
    doc = document(language)
    expected = [(depth, section.title) for section, depth in doc.walk()]
    assert headings[: len(expected)] == expected
    assert headings[-1] == (1, {"en": "Sources", "fr": "Sources", "es": "Fuentes"}[language])
    titles = objective_titles(language)
    for number in range(1, 24):
        assert (1, f"{OBJECTIVE_WORD[language]} {number} — {titles[number]}") in headings


@pytest.mark.parametrize("language", LANGUAGES)
def test_title_page_contents_field_and_page_numbers(language):
    d = _open(language)
    styles = [p.style.name for p in d.paragraphs[:8]]
    assert "Title" in styles and "Subtitle" in styles and "TOC Heading" in styles
    body = d.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith('TOC \\o "1-3"') for i in instructions)
    # Fields are updated when the file is opened (the contents get page numbers).
    assert d.settings.element.find(qn("w:updateFields")) is not None
    footers = [s.footer for s in d.sections]
    assert any("PAGE" in (t.text or "") for f in footers for t in f._element.iter(qn("w:instrText")))
    # The title page has no running header; the body's header names the report.
    assert d.sections[0].header.paragraphs[0].text == ""
    assert document(language).title in d.sections[1].header.paragraphs[0].text


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_have_captions_and_repeated_header_rows(language):
    d = _open(language)
    doc = document(language)
    # Per objective: the chart's data table and the commitments table.
    assert len(d.tables) == 23 * 2
    first = d.tables[0]
    assert [c.text for c in first.rows[0].cells] == doc.sections[1].blocks[1].table.columns
    assert first.rows[1].cells[0].text == "2019"
    for table in d.tables:
        header = table.rows[0]._tr
        assert header.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    label = {"en": "Table", "fr": "Tableau", "es": "Cuadro"}[language]
    assert f"{label} 46. " in "\n".join(captions)


@pytest.mark.parametrize("language", LANGUAGES)
def test_charts_are_pictures_with_alt_text(language):
    d = _open(language)
    doc = document(language)
    assert len(d.inline_shapes) == 23
    alt = doc.sections[1].blocks[1].alt_text
    for shape in d.inline_shapes:
        doc_pr = shape._inline.docPr
        assert doc_pr.get("descr") == alt
        assert doc_pr.get("title")
    with zipfile.ZipFile(io.BytesIO(rendered(language))) as package:
        images = [n for n in package.namelist() if n.startswith("word/media/")]
        assert images and all(n.endswith(".png") for n in images)
        assert package.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_and_core_properties(language):
    d = _open(language)
    tag = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}[language]
    props = d.core_properties
    assert props.title == document(language).title
    assert props.language == tag
    assert props.author == "GCM Hub" and "python-docx" not in (props.comments or "")
    defaults = d.styles.element.find(qn("w:docDefaults"))
    langs = list(defaults.iter(qn("w:lang")))
    assert langs and all(lang.get(qn("w:val")) == tag for lang in langs)


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_accents_and_typst_syntax_verbatim(language):
    d = _open(language)
    text = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    for word in ACCENTED[language]:
        assert word in text + cells
    assert TRICKY in text and TRICKY in cells


def test_sources_numbered_linked_and_safe():
    d = _open("en")
    paragraphs = [p for p in d.paragraphs if p.text.startswith("[")]
    assert [p.text.split("\t")[0] for p in paragraphs] == ["[1]", "[2]"]
    assert "https://example.org/data?x=1&y=2" in paragraphs[0].text
    assert "javascript" not in paragraphs[1].text
    bookmarks = {b.get(qn("w:name")) for b in d.element.body.iter(qn("w:bookmarkStart"))}
    assert {"source_1", "source_2"} <= bookmarks
    anchors = {h.get(qn("w:anchor")) for h in d.element.body.iter(qn("w:hyperlink"))}
    assert "source_1" in anchors


def test_control_characters_and_empty_parts_do_not_break_the_file():
    doc = ReportDocument(
        kind="10.7.2",
        language="xx",  # unknown: English words
        title="Bad\x00title\x0b with \ufffe controls",
        subtitle="",
        area_code="",
        area_name="",
        date_label="",
        sections=[
            Section(key="s", title="Only", blocks=[BulletList(["", "item\x01"]), Table("t", [], [])]),
            Section(key="s", title="Same key"),
        ],
    )
    d = docx.Document(io.BytesIO(render_docx(doc)))
    assert d.core_properties.title == "Badtitle with  controls"
    assert _headings(d) == [(1, "Only"), (1, "Same key")]
    assert [p.text for p in d.paragraphs if p.style.name == "List Bullet"] == ["item"]
