"""One way to walk the rows of a CSV file or of a workbook sheet.

Readers of formats published both as CSV and as a spreadsheet (WDI, UN
DESA) use ``table_rows``: it yields ``(line, cells)`` with ``line`` an int
for CSV and ``"Sheet!row"`` for a workbook, and ``cells`` a list (strings
for CSV; numbers, strings or ``None`` for a workbook).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .context import Context
from .records import ReadStats
from .spreadsheets import is_workbook, open_workbook
from .textfiles import CsvSource

__all__ = ["cell_text", "new_context", "table_rows"]


def new_context(path, stats: ReadStats | None, options: dict | None) -> Context:
    return Context(path, stats, options, labelled=is_workbook(path))


def cell_text(cell) -> str:
    """A cell as text: ``None`` → ``""``, ``1990.0`` → ``"1990"``, stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


@contextmanager
def table_rows(ctx: Context, path, *, sheet: str | None = None, default_sheet: str | None = None):
    """Context manager giving ``(source, rows)``; ``source`` is a CsvSource or None."""
    if is_workbook(path):
        with open_workbook(path) as book:
            name = book.sheet(sheet, default=default_sheet)

            def rows() -> Iterator:
                for number, values in book.rows(name):
                    yield f"{name}!{number}", list(values)

            yield None, rows()
    else:
        with CsvSource(path, encoding=ctx.options.get("encoding")) as source:
            yield source, source.rows()


def is_blank(cells) -> bool:
    return not any(cell_text(c) for c in cells)
