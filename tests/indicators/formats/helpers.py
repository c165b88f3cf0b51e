"""Shared helpers for the reader tests (pure: no Django, no database)."""

from __future__ import annotations

from pathlib import Path

from gcmhub.indicators.formats import Observation, Problem, ReadStats

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def collect(reader, path, **kwargs):
    """``(observations, problems, stats)`` from reading ``path`` to the end."""
    stats = ReadStats()
    observations, problems = [], []
    for record in reader.read(path, stats=stats, **kwargs):
        if isinstance(record, Observation):
            observations.append(record)
        elif isinstance(record, Problem):
            problems.append(record)
        else:  # pragma: no cover - a reader yielding anything else is a bug
            raise AssertionError(f"unexpected record {record!r}")
    return observations, problems, stats


def by_line(observations):
    return {o.line: o for o in observations}


def write_xlsx(path, sheets: dict) -> Path:
    """A small workbook: ``{sheet name: [row, …]}``."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return Path(path)
