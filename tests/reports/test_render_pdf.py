"""render_pdf: the PDF read back with pypdf (text, outline, metadata, tags)."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from gcmhub.reports.document import Chart, Paragraph, ReportDocument, Section, Source, Table
from gcmhub.reports.render import render_pdf
from gcmhub.reports.render.samples import objective_titles
from tests.reports.render_support import (
    ACCENTED,
    LANGUAGES,
    OBJECTIVE_WORD,
    TRICKY,
    document,
    pdf,
    pdf_pages_text,
    pdf_reader,
    squash,
    words,
)


def _outline_titles(reader: PdfReader) -> list[str]:
    titles = []

    def visit(items):
        for item in items:
            if isinstance(item, list):
                visit(item)
            else:
                titles.append(item.title)

    visit(reader.outline)
    return titles


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_objective_has_its_numbered_heading(language):
    titles = objective_titles(language)
    outline = _outline_titles(pdf_reader(language))
    body = words(" ".join(pdf_pages_text(language)[2:]))
    for number in range(1, 24):
        heading = f"{OBJECTIVE_WORD[language]} {number} — {titles[number]}"
        # In the PDF's outline (bookmarks) exactly, and as searchable text.
        assert heading in outline
        assert words(heading) in body, heading


@pytest.mark.parametrize("language", LANGUAGES)
def test_outline_follows_the_document(language):
    doc = document(language)
    expected = [section.title for section, _depth in doc.walk()]
    outline = _outline_titles(pdf_reader(language))
    # The contents page and the sources list are bookmarked too.
    assert [title for title in outline if title in expected] == expected
    assert outline[-1] == {"en": "Sources", "fr": "Sources", "es": "Fuentes"}[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_title_page_contents_and_numbers(language):
    pages = pdf_pages_text(language)
    # Title page, contents (two pages or more), one page per objective at least.
    assert len(pages) >= 1 + 1 + 1 + 23
    assert words(document(language).subtitle) in words(pages[0])
    contents = {"en": "Contents", "fr": "Table des matières", "es": "Índice"}[language]
    assert contents in pages[1]
    # The body is numbered from 1 after the title page; the title page has no number.
    assert pages[1].strip().splitlines()[-1].strip() == "1"
    assert pages[-1].strip().splitlines()[-1].strip() == str(len(pages) - 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_metadata_language_and_tags(language):
    reader = pdf_reader(language)
    doc = document(language)
    assert reader.metadata.title == doc.title
    assert reader.metadata.subject == doc.subtitle
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language
    # Tagged (structure tree, marked content) and claiming PDF/UA-1, which
    # typst checks while writing (alt text for images, title, language …).
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert f"<rdf:li>{language}</rdf:li>" in xmp


@pytest.mark.parametrize("language", LANGUAGES)
def test_accents_come_out_right(language):
    text = words(" ".join(pdf_pages_text(language)))
    for word in ACCENTED[language]:
        assert word in text
    for title in objective_titles(language).values():
        assert words(title) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_typst_syntax_in_text_prints_as_itself(language):
    text = " ".join(pdf_pages_text(language))
    # In the title, headings, table cells, captions, narratives and sources.
    assert squash(TRICKY) in squash(text)
    assert squash(text).count(squash(TRICKY)) >= 23 * 3
    # Nothing of it ran: no red text, no evaluated #{1+1}.
    assert "#{1+1}" in text


def test_charts_are_vector_images_with_their_data_tables():
    reader = pdf_reader("en")
    text = words(" ".join(pdf_pages_text("en")))
    for number in range(1, 24):
        assert f"Figure {number}. Indicator values by year" in text
        assert f"Indicator values by year (Objective {number})" in text
    # Chart labels are text in the PDF (the SVG is drawn, not rasterised).
    page = next(p for p in reader.pages if "Figure 1." in (p.extract_text() or ""))
    assert "2019" in page.extract_text() and "Year" in page.extract_text()
    xobjects = page["/Resources"].get("/XObject", {})
    assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())


def test_sources_are_numbered_and_only_safe_links_kept():
    text = " ".join(pdf_pages_text("en"))
    assert "[1]" in text and "[2]" in text
    assert "https://example.org/data?x=1&y=2" in squash(text)
    assert "javascript:" not in text
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in pdf_reader("en").pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert "https://example.org/data?x=1&y=2" in uris
    assert not any(uri and "javascript" in uri for uri in uris)


def test_demo_notice_on_title_page_and_every_header():
    pages = pdf_pages_text("en")
    assert "Invented sample content" in pages[0]
    assert all("Demo data" in page for page in pages[2:])


def _small(text: str, language: str = "en") -> ReportDocument:
    return ReportDocument(
        kind="vgr",
        language=language,
        title=text,
        subtitle="s",
        area_code="X",
        area_name="A",
        date_label="d",
        sections=[
            Section(
                key="objective-7",
                title=f"Objective 7 — {text}",
                blocks=[Table(caption="c", columns=["k", "v"], rows=[["cell", text]], sources=[1])],
                narrative=text,
            )
        ],
        sources=[Source(1, text)],
    )


ALPHABET = st.sampled_from(list("#$*_@<>[]\\`/=+-~{}()\"'&;:!?%^|aZé9 ") + ["\n", "//", "/*", "*/", "$$", "#{", "<<"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, min_size=1, max_size=40).map("".join).filter(lambda s: s.strip()))
def test_any_text_is_printed_verbatim(text):
    reader = PdfReader(io.BytesIO(render_pdf(_small(text))))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    assert squash(text) in squash(extracted)
    assert squash(reader.metadata.title) == squash(text)


def test_deep_sections_empty_blocks_and_odd_sources():
    doc = _small("x")
    doc.sections[0].subsections = [
        Section(key="a", title="Level two", subsections=[Section(key="a", title="Level three", subsections=[
            Section(key="b", title="Level four", blocks=[Paragraph("")])])])
    ]
    # A chart whose table has ragged rows, a duplicate source number, a source
    # a table cites that does not exist.
    doc.sections[0].blocks.append(
        Chart(
            caption="",
            alt_text="",
            vega_lite={"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a"}}},
            table=Table(caption="t", columns=["a", "b"], rows=[["1"], ["1", "2", "3"]], sources=[9]),
        )
    )
    doc.sources.append(Source(1, "duplicate"))
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    titles = _outline_titles(reader)
    assert {"Level two", "Level three", "Level four"} <= set(titles)


def test_remote_chart_data_is_refused():
    from gcmhub.reports.render.charts import ChartError

    doc = _small("x")
    doc.sections[0].blocks.append(
        Chart(caption="c", alt_text="a", vega_lite={"data": {"url": "https://example.org/d.csv"}, "mark": "bar"},
              table=Table(caption="t", columns=["a"], rows=[]))
    )
    with pytest.raises(ChartError, match="inline"):
        render_pdf(doc)


def test_structure_tags_headings_figures_with_alt_text_and_table_headers():
    import collections

    counts, alts = collections.Counter(), []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            kind = node.get("/S")
            counts[kind] += 1
            if kind == "/Figure":
                alts.append(node.get("/Alt"))
            if node.get("/K") is not None:
                walk(node["/K"])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(pdf_reader("en").trailer["/Root"]["/StructTreeRoot"])
    doc = document("en")
    top_level = len(doc.sections)
    # Each top-level section, the contents and the sources are level-1 headings.
    assert counts["/H1"] == top_level + 2
    assert counts["/H2"] == 1  # the one subsection
    assert alts == [doc.sections[1].blocks[1].alt_text] * 23
    assert counts["/Table"] == 46 and counts["/TH"] == 46 * 2 + 23
    assert counts["/TOC"] >= 1 and counts["/Caption"] == 23 + 46
