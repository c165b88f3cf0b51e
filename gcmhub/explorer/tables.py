"""The explorer's tables as HTML, rendered in Python.

A page holds hundreds of cells (a map: one row per country; a profile: a row
per year and measure); rendered by template loops and a filter per cell they
took most of a page's time. The numbers are formatted here, in one place: the
``figure_value`` template filter calls ``figure_html`` too.

Tables are ``{"caption", "columns", "rows"}`` (what ``charts.Chart.table``
holds). A cell is text, a number (``{"num": True, "value", "unit"}``: "no
data" is written out, apart from 0) or a link (``{"link": url, "text"}``).
``header`` is the index of the column whose cells head their row;
``row_classes`` (optional) gives each row a class; ``id`` names the table.
"""

from __future__ import annotations

import html

from django.utils.formats import get_format, number_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

_SEPARATORS: dict[str, tuple[str, str] | None] = {}
_NO_DATA: dict[str, SafeString] = {}


def number_separators() -> tuple[str, str] | None:
    """(decimal, thousands) of the current language, or None where digits are not
    grouped by three (then Django's ``number_format`` does it)."""
    language = get_language()
    if language not in _SEPARATORS:
        grouping = get_format("NUMBER_GROUPING")
        _SEPARATORS[language] = (
            (get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")) if grouping == 3 else None
        )
    return _SEPARATORS[language]


def number_text(value: float, unit: str = "", separators: tuple[str, str] | None | bool = False) -> str:
    """1,234,567 for counts; two decimals for percentages and fractions. ``separators``
    (of ``number_separators()``) saves looking the language up for every cell of a table."""
    decimals = 2 if unit in ("%", "PERCENT") or (isinstance(value, float) and not value.is_integer()) else 0
    if separators is False:
        separators = number_separators()
    if separators is None:
        return number_format(value if decimals else int(value), decimals, force_grouping=True)
    text = f"{value:,.{decimals}f}"
    decimal, thousands = separators
    if (decimal, thousands) != (".", ","):
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return text


def no_data_html() -> SafeString:
    language = get_language()
    if language not in _NO_DATA:  # tables have hundreds of these: translated once per language
        _NO_DATA[language] = mark_safe(f'<span class="explorer-nodata">{escape(_("no data"))}</span>')
    return _NO_DATA[language]


def figure_html(value, unit: str = "") -> SafeString:
    """The number as a table shows it, or "no data" (marked up) for None."""
    return no_data_html() if value is None else mark_safe(number_text(value, unit))


def _cell(cell, tag: str, scope: str, separators, no_data: str) -> str:
    if isinstance(cell, dict):
        if cell.get("num"):
            value = cell["value"]
            text = no_data if value is None else number_text(value, cell.get("unit", ""), separators)
            return f'<{tag}{scope} class="num">{text}</{tag}>'
        return f'<{tag}{scope}><a href="{_text(cell["link"])}">{_text(cell["text"])}</a></{tag}>'
    return f"<{tag}{scope}>{_text(cell)}</{tag}>"


def _text(value) -> str:
    """Escaped, unless already safe HTML (the standard library's escape: thousands a page)."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def table_html(table: dict) -> SafeString:
    header, table_id = table.get("header", 0), table.get("id", "")
    classes = table.get("row_classes") or []
    parts = [
        '<div class="table-wrap">',
        f'<table class="data explorer-table"{f" id={chr(34)}{escape(table_id)}{chr(34)}" if table_id else ""}>',
        f"<caption>{conditional_escape(table['caption'])}</caption>",
        "<thead><tr>",
        *(f'<th scope="col">{conditional_escape(column)}</th>' for column in table["columns"]),
        "</tr></thead><tbody>",
    ]
    separators, no_data = number_separators(), no_data_html()
    for index, row in enumerate(table["rows"]):
        css = classes[index] if index < len(classes) else ""
        parts.append(f'<tr class="{css}">' if css else "<tr>")
        parts.extend(_cell(cell, "th", ' scope="row"', separators, no_data) if i == header
                     else _cell(cell, "td", "", separators, no_data) for i, cell in enumerate(row))  # fmt: skip
        parts.append("</tr>\n")
    parts.append("</tbody></table></div>")
    return mark_safe("".join(parts))


def time_table_html(pivot: dict, caption: str) -> SafeString:
    """A table of ``views.pivot``: one row per period, one column per measure (with its
    unit), and the sources under it."""
    columns = [_("Year or period")] + [
        mark_safe(f'{escape(c["label"])} <span class="muted">({escape(c["unit"])})</span>') if c["unit"]
        else c["label"] for c in pivot["columns"]
    ]  # fmt: skip
    rows = [[row["period"], *({"num": True, "value": cell.value if cell else None, "unit": cell.unit if cell else ""}
                              for cell in row["cells"])] for row in pivot["rows"]]  # fmt: skip
    html = table_html({"caption": caption, "columns": columns, "rows": rows})
    if pivot["sources"]:
        sources = "; ".join(
            f"{escape(source)} ({', '.join(f'<code>{escape(code)}</code>' for code in series)})"
            for source, series in pivot["sources"]
        )
        html += mark_safe(f'\n<p class="explorer-sources muted">{escape(_("Sources:"))} {sources}</p>')
    return mark_safe(html)
