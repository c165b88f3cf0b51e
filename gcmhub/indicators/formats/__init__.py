"""Pure readers for indicator data files — no Django, no database.

Every reader module has ``FORMAT`` (its name on the command line) and::

    read(path, *, default_area=None, options=None, stats=None)
        -> Iterator[Observation | Problem]

It streams the file and yields normalised ``Observation`` records, or
``Problem`` records for rows it cannot use (file, line, column, reason); it
raises ``FormatError`` when the file as a whole cannot be read. Pass a
``ReadStats`` as ``stats`` to get counts (rows, repeats skipped, rows left
out by reason, warnings); the generator also returns it.

    from gcmhub.indicators.formats import get_reader
    for record in get_reader("opensdg").read("sdg-data/", default_area="KEN"):
        ...

``docs/data-formats.md`` describes each format.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    desa_matrix,
    desa_stock,
    json_export,
    missing_migrants,
    opensdg,
    rpw,
    sdmx,
    tidy,
    unhcr,
    unsd_sdg,
    wdi,
)
from .records import FormatError, Observation, Problem, ReadStats
from .values import parse_number

__all__ = [
    "READERS",
    "FormatError",
    "Observation",
    "Problem",
    "ReadStats",
    "UnknownFormat",
    "get_reader",
    "parse_number",
]

READERS: dict[str, ModuleType] = {
    module.FORMAT: module
    for module in (opensdg, unsd_sdg, sdmx, wdi, rpw, desa_stock, desa_matrix, unhcr, missing_migrants, tidy,
                   json_export)  # fmt: skip
}


class UnknownFormat(ValueError):
    """A format name no reader has."""


def get_reader(name: str) -> ModuleType:
    """The reader module for a format name (``opensdg``, ``unsd-sdg``, …)."""
    key = (name or "").strip().lower().replace("_", "-")
    try:
        return READERS[key]
    except KeyError:
        valid = ", ".join(sorted(READERS))
        raise UnknownFormat(f"unknown data format {name!r}; valid formats are: {valid}") from None
