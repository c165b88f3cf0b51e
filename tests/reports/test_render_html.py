"""render_html: structure, accessibility and escaping, parsed with html.parser;
and the same content in HTML, PDF and DOCX."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import docx
import pytest

from gcmhub.reports.document import Chart, ReportDocument, Section, Table
from gcmhub.reports.render import render_html
from gcmhub.reports.render.charts import inline_svg
from gcmhub.reports.render.samples import objective_titles
from tests.reports.render_support import (
    ACCENTED,
    LANGUAGES,
    OBJECTIVE_WORD,
    TRICKY,
    document,
    html,
    pdf_pages_text,
    squash,
)
from tests.reports.render_support import docx as rendered_docx

VOID = {"br", "meta", "img", "input", "link", "hr", "col", "source"}


class Tree(HTMLParser):
    """A small DOM: every element with its attributes, parent and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = {"tag": "#root", "attrs": {}, "children": [], "text": [], "parent": None}
        self.current = self.root
        self.elements = []
        self.errors = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "children": [], "text": [], "parent": self.current}
        self.current["children"].append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "children": [], "text": [], "parent": self.current}
        self.current["children"].append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.current["tag"] != tag:
            self.errors.append(f"</{tag}> closes <{self.current['tag']}>")
            return
        self.current = self.current["parent"]

    def handle_data(self, data):
        node = self.current
        while node is not None:
            node["text"].append(data)
            node = node["parent"]

    def find(self, tag=None, **attrs):
        return [
            e for e in self.elements
            if (tag is None or e["tag"] == tag) and all(e["attrs"].get(k) == v for k, v in attrs.items())
        ]


def text_of(element) -> str:
    return "".join(element["text"])


def parse(markup: str) -> Tree:
    tree = Tree()
    tree.feed(markup)
    tree.close()
    assert not tree.errors, tree.errors[:5]
    assert tree.current is tree.root, "unclosed elements"
    return tree


@pytest.mark.parametrize("language", LANGUAGES)
def test_standalone_page_language_title_and_headings(language):
    tree = parse(html(language))
    doc = document(language)
    assert html(language).startswith("<!DOCTYPE html>")
    assert tree.find("html")[0]["attrs"]["lang"] == language
    assert text_of(tree.find("title")[0]) == doc.title
    assert len(tree.find("h1")) == 1 and text_of(tree.find("h1")[0]) == doc.title
    # Section headings: h2 for top level, one level per depth, in order.
    levels = [(int(e["tag"][1]), text_of(e)) for e in tree.elements if e["tag"] in ("h2", "h3", "h4", "h5", "h6")]
    section_levels = [(1 + depth, section.title) for section, depth in doc.walk()]
    assert [lv for lv in levels if lv in section_levels] == section_levels
    previous = 1
    for level, _text in levels:
        assert level <= previous + 1, "a heading level is skipped"
        previous = level
    titles = objective_titles(language)
    h2 = {text for level, text in levels if level == 2}
    for number in range(1, 24):
        assert f"{OBJECTIVE_WORD[language]} {number} — {titles[number]}" in h2


@pytest.mark.parametrize("language", LANGUAGES)
def test_fragment_has_no_inline_style_or_script_and_starts_at_h2(language):
    fragment = html(language, standalone=False)
    tree = parse(fragment)
    assert not tree.find("style") and not tree.find("script") and not tree.find("html")
    assert not [e for e in tree.elements if "style" in e["attrs"]]
    assert not [e for e in tree.elements if any(name.startswith("on") for name in e["attrs"])]
    article = tree.find("article")[0]
    assert article["attrs"]["lang"] == language and article["attrs"]["class"] == "report"
    assert not tree.find("h1")
    assert text_of(tree.find("h2")[0]) == document(language).title
    assert tree.find("h3", id="report-objective-7-title")
    # Every class it uses is styled by the static stylesheet the page links.
    from gcmhub.reports.render.html import stylesheet

    classes = {c for e in tree.elements for c in e["attrs"].get("class", "").split() if c.startswith("report")}
    css = stylesheet()
    missing = {c for c in classes if f".{c}" not in css and not c.startswith("report-depth-")}
    assert not missing, missing


def test_tables_have_captions_and_column_headers():
    tree = parse(html("en"))
    tables = tree.find("table")
    assert len(tables) == 46
    for table in tables:
        kids = [c["tag"] for c in table["children"]]
        assert kids[:3] == ["caption", "thead", "tbody"]
        assert all(th["attrs"].get("scope") == "col" for th in table["children"][1]["children"][0]["children"])
        region = table["parent"]
        assert region["attrs"]["role"] == "region" and region["attrs"]["tabindex"] == "0"
        assert tree.find(id=region["attrs"]["aria-labelledby"])


def test_charts_are_inline_svg_images_with_a_label_and_their_table():
    tree = parse(html("en"))
    svgs = tree.find("svg")
    assert len(svgs) == 23
    alt = document("en").sections[1].blocks[1].alt_text
    for svg in svgs:
        assert svg["attrs"]["role"] == "img" and svg["attrs"]["aria-label"] == alt
        assert svg["children"][0]["tag"] == "title" and text_of(svg["children"][0]) == alt
        assert "viewbox" in svg["attrs"] and "width" in svg["attrs"]
        inner = [e for e in tree.elements if _inside(e, svg)]
        assert not [e for e in inner if "role" in e["attrs"] or "aria-label" in e["attrs"]]
        figure = svg["parent"]["parent"]
        assert figure["tag"] == "figure"
        # Its data table follows the figure.
        siblings = figure["parent"]["children"]
        following = siblings[siblings.index(figure) + 1]
        assert following["children"][0]["tag"] == "table"
    ids = [e["attrs"]["id"] for e in tree.elements if "id" in e["attrs"]]
    assert len(ids) == len(set(ids)), "ids are unique (charts' clip paths too)"


def _inside(element, ancestor) -> bool:
    node = element["parent"]
    while node is not None:
        if node is ancestor:
            return True
        node = node["parent"]
    return False


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_is_escaped_and_round_trips(language):
    markup = html(language)
    tree = parse(markup)
    assert "<script>" not in markup and "<lab>" not in markup
    assert len(tree.find("script")) == 0
    text = text_of(tree.root)
    assert text.count(TRICKY) >= 23 * 3
    for word in ACCENTED[language]:
        assert word in text


def test_links_contents_and_sources():
    tree = parse(html("en"))
    ids = {e["attrs"]["id"] for e in tree.elements if "id" in e["attrs"]}
    hrefs = [a["attrs"]["href"] for a in tree.find("a")]
    internal = [h for h in hrefs if h.startswith("#")]
    assert internal and all(h[1:] in ids for h in internal)
    assert "https://example.org/data?x=1&y=2" in hrefs
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    toc = tree.find("nav")[0]
    toc_links = [a for a in tree.find("a") if _inside(a, toc)]
    assert len(toc_links) == 1 + 23 + 1 + 1  # methodology, objectives, a subsection, sources
    sources = tree.find("ol", **{"class": "report-source-list"})[0]
    assert [li["attrs"]["id"] for li in sources["children"]] == ["report-source-1", "report-source-2"]
    assert [li["attrs"]["value"] for li in sources["children"]] == ["1", "2"]
    notes = [e for e in tree.elements if e["attrs"].get("role") == "note"]
    assert "Invented sample content" in text_of(notes[0])


def test_inline_svg_drops_anything_that_runs_or_loads():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
        'height="5" onload="alert(1)"><script>alert(2)</script><defs><clipPath id="c1"><rect/></clipPath></defs>'
        '<g clip-path="url(#c1)" style="fill:red" role="graphics-object"><image href="https://x.org/a.png"/>'
        '<foreignObject><div>x</div></foreignObject><a href="javascript:1"><text>t</text></a>'
        '<use xlink:href="#c1"/><text>Été &lt;b&gt;</text></g></svg>'
    )
    out = inline_svg(svg, label='Alt "quoted" <text>', id_prefix="fig-1")
    tree = parse(out)
    tags = {e["tag"] for e in tree.elements}
    assert not tags & {"script", "image", "foreignobject", "a", "use"}
    root = tree.find("svg")[0]
    assert root["attrs"]["aria-label"] == 'Alt "quoted" <text>'
    assert root["attrs"]["viewbox"] == "0 0 10 5"
    assert "onload" not in out and "style=" not in out and "graphics-object" not in out
    assert tree.find("clippath", id="fig-1-c1") and 'clip-path="url(#fig-1-c1)"' in out
    assert "Été &lt;b&gt;" in out


def test_same_content_in_all_three_formats():
    doc = document("fr")
    expected = [doc.title, doc.subtitle, doc.demo_notice]
    for section, _depth in doc.walk():
        expected.append(section.title)
        for block in section.blocks:
            if isinstance(block, Table):
                expected += [block.caption, *block.columns, *[cell for row in block.rows for cell in row]]
            elif isinstance(block, Chart):
                expected += [block.caption, block.table.caption]
    expected += [s.title for s in doc.sources]
    html_text = squash(text_of(parse(html("fr")).root))
    pdf_text = squash(" ".join(pdf_pages_text("fr")))
    d = docx.Document(io.BytesIO(rendered_docx("fr")))
    docx_text = squash(
        "\n".join(p.text for p in d.paragraphs)
        + "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    )
    for item in expected:
        for name, text in (("html", html_text), ("pdf", pdf_text), ("docx", docx_text)):
            assert squash(item) in text, (name, item)
    # Numbering of tables and figures agrees.
    for label in ("Tableau 46.", "Figure 23."):
        assert squash(label) in html_text and squash(label) in pdf_text and squash(label) in docx_text


def test_sections_nest_and_deep_levels_stop_at_h6():
    def nested(depth):
        if depth > 7:
            return []
        return [Section(key=f"d{depth}", title=f"Depth {depth}", subsections=nested(depth + 1))]

    doc = ReportDocument(
        kind="vgr", language="en", title="T", subtitle="", area_code="", area_name="", date_label="",
        sections=nested(1) + [Section(key="d1", title="Again")],
    )
    tree = parse(render_html(doc, standalone=False))
    sections = tree.find("section")
    assert len(sections) == 8
    assert sections[1]["parent"] is sections[0]
    assert text_of(tree.find("h6")[-1]) == "Depth 7"
    assert tree.find("section", id="report-d1-2")  # repeated keys get unique anchors
