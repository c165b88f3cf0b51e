"""The renderers' shared layout and the chart cache."""

from __future__ import annotations

import pytest

from gcmhub.reports.document import Chart, Note, Paragraph, ReportDocument, Section, Source, Table
from gcmhub.reports.render import charts, render_docx, render_html, render_pdf
from gcmhub.reports.render.common import clean, layout, paragraphs, safe_url

SPEC = {
    "data": {"values": [{"k": "a", "v": 1}, {"k": "b", "v": 2}]},
    "mark": "bar",
    "width": "container",
    "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}},
}


def _doc(language="en", spec=SPEC) -> ReportDocument:
    table = Table(caption="data", columns=["k", "v"], rows=[["a", "1"], ["b", "2"]], sources=[2, 2, 7])
    return ReportDocument(
        kind="regional",
        language=language,
        title="T",
        subtitle="S",
        area_code="142",
        area_name="Asia",
        date_label="2026",
        sections=[
            Section(
                key="Objective 1!",
                title="One",
                blocks=[Paragraph(""), Note("  "), Chart("c", spec, "", table), Table("t2", ["x"], [])],
                narrative="a\nb\n\n\n  \nc",
            )
        ],
        sources=[Source(2, "two", "file:///etc/passwd"), Source(1, "one", "https://ok.example/x")],
    )


def test_layout_numbers_tables_and_figures_and_resolves_sources():
    plan = layout(_doc("fr"))
    section = plan.sections[0]
    assert section.anchor == "objective-1"
    # Empty paragraph and note are dropped; the chart's table is table 1.
    assert [b.kind for b in section.blocks] == ["chart", "table"]
    chart = section.blocks[0].chart
    assert chart.label == "Figure 1." and chart.alt == "c"  # no alt text: the caption stands in
    assert chart.table.label == "Tableau 1." and section.blocks[1].table.label == "Tableau 2."
    # Cited sources: duplicates once, unknown numbers left out.
    assert chart.table.sources == [{"number": 2, "anchor": "source-2"}]
    assert [s.number for s in plan.sources] == [1, 2]
    assert plan.sources[1].url == ""  # file: is not a link we print
    assert section.narrative == [["a", "b"], ["c"]]
    assert plan.labels["contents"] == "Table des matières"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=c&d", True),
        ("http://example.org", True),
        ("mailto:focal@example.org", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ("https://example.org/a b", False),
        ('https://example.org/"onmouseover=', False),
    ],
)
def test_safe_url(url, kept):
    assert safe_url(url) == (url if kept else "")


def test_clean_and_paragraphs():
    assert clean("a\r\nb\x00c\x1fd\ud800e") == "a\nbcde"
    assert clean(None) == ""
    assert paragraphs("\n\none\ntwo\n\n\t\nthree  \n") == [["one", "two"], ["three"]]
    assert paragraphs("   ") == []


def test_each_chart_is_drawn_once_for_all_formats():
    charts.cache_clear()
    doc = _doc()
    render_html(doc)
    render_pdf(doc)
    render_docx(doc)
    render_html(doc, standalone=False)
    info = charts.cache_info()
    assert info["svg"]["misses"] == 1 and info["svg"]["hits"] >= 3
    assert info["png"]["misses"] == 1
    # Another language: number formats differ, so a new drawing.
    render_pdf(_doc("fr"))
    assert charts.cache_info()["svg"]["misses"] == 2


def test_chart_width_font_and_locale():
    svg = charts.chart_svg(SPEC, "en")
    width, height = charts.svg_size(svg)
    assert width >= charts.DEFAULT_WIDTH and height > 0
    assert 'font-family="DejaVu Sans, sans-serif"' in svg
    big = {**SPEC, "data": {"values": [{"k": "a", "v": 1234567.5}]}}
    # Axis numbers follow the report's language.
    assert ">1,000,000<" in charts.chart_svg(big, "en")
    assert ">1\xa0000\xa0000<" in charts.chart_svg(big, "fr")
    assert ">1.000.000<" in charts.chart_svg(big, "es")


@pytest.mark.parametrize(
    "spec",
    [
        {"data": {"url": "https://example.org/data.csv"}, "mark": "bar"},
        {"layer": [{"data": {"values": []}, "mark": "bar"}, {"data": {"url": "/etc/passwd"}, "mark": "bar"}]},
        {"mark": "image", "data": {"values": [{"u": 1}]}, "encoding": {"url": {"field": "u"}}},
        "not a spec",
    ],
)
def test_specs_that_would_fetch_are_refused(spec):
    with pytest.raises(charts.ChartError):
        charts.prepare_spec(spec)


def test_database_values_in_a_spec():
    import datetime
    from decimal import Decimal

    spec = {**SPEC, "data": {"values": [{"k": datetime.date(2024, 1, 1), "v": Decimal("2.5")}]}}
    assert "2024-01-01" in charts.chart_svg(spec, "en")
    with pytest.raises(charts.ChartError, match="not JSON"):
        charts.chart_svg({**SPEC, "data": {"values": [{"k": object()}]}}, "en")
