"""A report as HTML: a page to download, or a fragment for a site page.

* ``render_html(doc)`` — a complete document (``<!DOCTYPE html>``, ``lang``,
  ``<title>``) with the report's stylesheet in a ``<style>`` block, so the
  file reads well on its own. Serve it only as a download (``attachment``):
  under the site's CSP an inline ``<style>`` would be refused.
* ``render_html(doc, standalone=False)`` — an ``<article class="report">``
  with no inline script or style at all, styled by the static file
  ``reports/report.css``; the site page includes that stylesheet. The
  fragment's headings start at ``<h2>`` (the report title) so it sits under
  the page's own ``<h1>``; sections are ``<h3>`` and deeper.

Every text goes through ``html.escape``; links are http(s)/mailto only;
charts are inline SVG (``role="img"``, ``aria-label``, ``<title>``) with
their data table beside them; tables have a ``<caption>`` and ``<th
scope="col">``; the table of contents is a ``<nav>`` of links to the
sections' ids (``report-<key>``).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path

from gcmhub.reports.document import ReportDocument

from . import charts
from .common import Layout, TableOut, layout

CSS_FILE = Path(__file__).resolve().parent.parent / "static" / "reports" / "report.css"
PREFIX = "report-"
# The page around a downloaded report (the site's pages have their own).
PAGE_CSS = (
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;"
    "line-height:1.5;color:#1b1f24;background:#fff}"
    "main{max-width:52rem;margin:0 auto;padding:1.5rem 1rem}"
)


def e(text: str) -> str:
    return escape(text, quote=True)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


def _heading(level: int, text: str, id_: str, css: str = "") -> str:
    level = min(6, max(1, level))
    cls = f' class="{css}"' if css else ""
    return f'<h{level} id="{e(id_)}"{cls}>{e(text)}</h{level}>'


def _lines(lines: list[str]) -> str:
    return "<br>".join(e(line) for line in lines)


def _table(table: TableOut, id_: str, words: dict[str, str]) -> str:
    caption_id = f"{id_}-caption"
    head = "".join(f'<th scope="col">{e(column)}</th>' for column in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    parts = [
        # A focusable, labelled region: wide tables scroll sideways on a
        # phone and keyboard users can scroll them too.
        f'<div class="report-table-wrap" role="region" aria-labelledby="{caption_id}" tabindex="0">',
        f'<table class="report-table" id="{id_}">',
        f'<caption id="{caption_id}"><span class="report-label">{e(table.label)}</span> {e(table.caption)}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        f"<tbody>{body}</tbody>",
        "</table></div>",
    ]
    if table.sources:
        links = ", ".join(
            f'<a href="#{PREFIX}{ref["anchor"]}" aria-label="{e(words["source_link"] % {"number": ref["number"]})}">'
            f'[{ref["number"]}]</a>'
            for ref in table.sources
        )
        parts.append(f'<p class="report-table-sources">{e(words["sources_prefix"])} {links}</p>')
    return "".join(parts)


def _article(plan: Layout, base: int) -> str:
    words = plan.labels
    out: list[str] = []
    out.append(f'<article class="report" lang="{e(plan.language)}" aria-labelledby="{PREFIX}title">')
    out.append('<header class="report-cover">')
    if plan.area_name:
        out.append(f'<p class="report-area">{e(plan.area_name)}</p>')
    out.append(_heading(base, plan.title, f"{PREFIX}title", "report-title"))
    if plan.subtitle:
        out.append(f'<p class="report-subtitle">{e(plan.subtitle)}</p>')
    if plan.date_label:
        out.append(f'<p class="report-date">{e(plan.date_label)}</p>')
    if plan.demo_notice:
        out.append(
            f'<div class="report-note report-demo" role="note"><p><strong>{e(words["demo"])}</strong> '
            f"{e(plan.demo_notice)}</p></div>"
        )
    out.append("</header>")

    # Table of contents: nested lists following the sections' depth.
    out.append(f'<nav class="report-toc" aria-labelledby="{PREFIX}toc">')
    out.append(_heading(base + 1, words["contents"], f"{PREFIX}toc"))
    entries = [(s.depth, s.anchor, s.title) for s in plan.sections]
    if plan.sources:
        entries.append((1, "sources", words["sources"]))
    depth = 0
    for entry_depth, anchor, title in entries:
        entry_depth = min(entry_depth, depth + 1)
        if entry_depth > depth:
            out.append("<ol>")
        else:
            out.append("</li>")
            while depth > entry_depth:
                out.append("</ol></li>")
                depth -= 1
        depth = entry_depth
        out.append(f'<li><a href="#{PREFIX}{anchor}">{e(title)}</a>')
    while depth > 0:
        out.append("</li></ol>")
        depth -= 1
    out.append("</nav>")

    open_depths: list[int] = []
    table_index = 0
    for section in plan.sections:
        while open_depths and open_depths[-1] >= section.depth:
            out.append("</section>")
            open_depths.pop()
        open_depths.append(section.depth)
        section_id = f"{PREFIX}{section.anchor}"
        out.append(
            f'<section class="report-section report-depth-{min(section.depth, 4)}" id="{section_id}" '
            f'aria-labelledby="{section_id}-title">'
        )
        out.append(_heading(base + section.depth, section.title, f"{section_id}-title"))
        for block in section.blocks:
            if block.kind == "paragraph":
                out.append(f"<p>{_lines(block.lines)}</p>")
            elif block.kind == "bullets":
                out.append('<ul class="report-bullets">' + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
            elif block.kind == "note":
                out.append(f'<div class="report-note" role="note"><p>{_lines(block.lines)}</p></div>')
            elif block.kind == "table":
                table_index += 1
                out.append(_table(block.table, f"{PREFIX}table-{table_index}", words))
            elif block.kind == "chart":
                chart = block.chart
                table_index += 1
                figure_id = f"{PREFIX}figure-{table_index}"
                svg = charts.inline_svg(
                    charts.chart_svg(chart.spec, plan.language), label=chart.alt, id_prefix=figure_id
                )
                out.append(
                    f'<figure class="report-figure" id="{figure_id}">'
                    f'<div class="report-chart">{svg}</div>'
                    f'<figcaption><span class="report-label">{e(chart.label)}</span> {e(chart.caption)} '
                    f'<span class="report-visually-hidden">{e(words["chart_data"])}</span></figcaption></figure>'
                )
                out.append(_table(chart.table, f"{PREFIX}table-{table_index}", words))
        if section.narrative:
            out.append(
                '<div class="report-narrative">' + "".join(f"<p>{_lines(p)}</p>" for p in section.narrative) + "</div>"
            )
    while open_depths:
        out.append("</section>")
        open_depths.pop()

    if plan.sources:
        out.append(f'<section class="report-section report-sources" id="{PREFIX}sources" aria-labelledby="{PREFIX}sources-title">')
        out.append(_heading(base + 1, words["sources"], f"{PREFIX}sources-title"))
        out.append('<ol class="report-source-list">')
        for source in plan.sources:
            text = e(source.title)
            if source.detail:
                text += f". {e(source.detail)}"
            if source.url:
                text += f'. <a href="{e(source.url)}" rel="noopener noreferrer">{e(source.url)}</a>'
            out.append(
                f'<li id="{PREFIX}{source.anchor}" value="{source.number}">'
                f'<span class="report-source-number">[{source.number}]</span> {text}</li>'
            )
        out.append("</ol></section>")
    out.append("</article>")
    return "\n".join(out)


def render_html(doc: ReportDocument, *, standalone: bool = True) -> str:
    plan = layout(doc)
    if not standalone:
        return _article(plan, base=2)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(plan.language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="GCM Hub">\n'
        f"<title>{e(plan.title)}</title>\n"
        f"<style>\n{PAGE_CSS}\n{stylesheet()}</style>\n</head>\n<body>\n<main>\n"
        f"{_article(plan, base=1)}\n</main>\n</body>\n</html>\n"
    )
