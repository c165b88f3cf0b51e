"""IOM Missing Migrants Project incident CSV → SDG 10.7.3 (SM_DTH_MIGR).

Each row is an incident. Column layouts recognised by name:

=============================  =====================================  ====================
current (2014–2022 exports)    older (full export of 2021-03-27)      newest IOM download
=============================  =====================================  ====================
``Main ID``, ``Incident ID``   ``Web ID``                             ``Incident ID``
``Year``                       ``Reported Year``                      ``Incident year``
``Incident Date``              ``Reported Date``                      —
``Number Dead``                ``Number Dead``                        ``Number of Dead``
``Minimum Estimated Number     (same)                                 (same)
of Missing``
``Total Number of Dead and     ``Total Dead and Missing``             (as current)
Missing``
``UNSD Geographical Grouping`` (same)                                 (same)
=============================  =====================================  ====================

By default (``options["mode"]="aggregate"``) incidents are summed, as the
indicator is published: one observation per year and UNSD geographical
grouping (an M49 sub-region name, scheme ``name``), plus one per year for
the World (M49 ``001``) that counts every valid incident — including those
``Uncategorized`` or without a grouping (mostly at sea), which have no area
of their own. The MMP's older names ``Central Africa`` and ``South Asia``
are the M49 ``Middle Africa`` and ``Southern Asia``. An aggregate's
``line`` is the line of its first incident. Aggregates are yielded when
the whole file has been read (the running sums are the only state).

``options["mode"]="incidents"`` yields one observation per incident
instead: area as above (``001`` when uncategorized), period = the incident
date (``2022-01-02``) or the year, dimension ``INCIDENT`` = the incident id,
footnote = the location.

The value is the total dead and missing; where it is blank, dead plus
missing. Thousands separators (``"1,022"`` in the 2015 file) are read as
such. A negative or non-numeric total, or an incident with no count at
all, is a problem; the older exports' negative "minimum missing" estimates
(``-1``) are not read, since the total is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from .context import Context
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .textfiles import CsvSource, HeaderIndex
from .values import parse_number

FORMAT = "missing-migrants"
SERIES = "SM_DTH_MIGR"
INDICATOR = "10.7.3"
SOURCE = "IOM Missing Migrants Project"
GROUPING_ALIASES = {"central africa": "Middle Africa", "south asia": "Southern Asia"}
NO_GROUPING = {"", "uncategorized", "uncategorised", "unknown"}
_DATE_FORMATS = ("%a, %m/%d/%Y - %H:%M", "%B %d, %Y", "%m/%d/%Y", "%Y-%m-%d", "%d/%m/%Y")


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """SDG 10.7.3 observations from a Missing Migrants incident export."""
    ctx = Context(path, stats, options)
    mode = ctx.options.get("mode", "aggregate")
    if mode not in ("aggregate", "incidents"):
        raise FormatError(ctx.file, f"mode must be 'aggregate' or 'incidents', not {mode!r}")
    with CsvSource(path, encoding=ctx.options.get("encoding")) as source:
        header, columns, rows = _header(ctx, source)
        if mode == "aggregate":
            yield from _aggregate(ctx, header, columns, rows)
        else:
            yield from _incidents(ctx, header, columns, rows)
    return ctx.stats


def _header(ctx: Context, source: CsvSource):
    """The header (the first non-blank row), its columns, and the rows after it."""
    rows = source.rows()
    for line, row in rows:
        if any(cell.strip() for cell in row):
            header = HeaderIndex(row, ctx.file, line)
            source.expect_width(len(header))
            return header, _Columns(header), rows
    raise FormatError(ctx.file, "the file is empty")


def _each_incident(ctx: Context, header: HeaderIndex, columns: _Columns, rows):
    """Each non-blank row after the header: ``(line, row, (year, date,
    grouping, total))``, or a Problem for a row refused. The one loop over
    incidents, for every way of reading the file."""
    for line, row in ctx.data_rows(rows):
        result = _incident(ctx, header, columns, line, row)
        yield result if isinstance(result, Problem) else (line, row, result)


class _Columns:
    def __init__(self, header: HeaderIndex):
        self.id = header.find("Incident ID", "Web ID", "Main ID")
        self.year = header.find("Year", "Reported Year", "Incident year")
        self.date = header.find("Incident Date", "Reported Date")
        if self.year is None and self.date is None:
            header.require("Year")
        self.total = header.find("Total Number of Dead and Missing", "Total Dead and Missing")
        self.dead = header.find("Number Dead", "Number of Dead")
        self.missing = header.find("Minimum Estimated Number of Missing")
        if self.total is None and self.dead is None:
            header.require("Total Number of Dead and Missing")
        self.grouping = header.require("UNSD Geographical Grouping")
        self.location = header.find("Location of death", "Location Description", "Location of Incident")
        # Read only by read_incident_details (the explorer's incident map).
        self.coordinates = header.find("Coordinates", "Location Coordinates")
        self.cause = header.find("Cause of Death", "Cause of death")
        self.route = header.find("Migration route", "Migration Route", "Migrantion route")
        self.region = header.find("Region", "Region of Incident")


def _cell(row, position) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position].strip()


def _date(text: str) -> str | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _incident(ctx: Context, header: HeaderIndex, columns: _Columns, line, row):
    """``(year, date, grouping, value)`` or a Problem."""
    width = len(header)
    if len(row) < width:
        return ctx.problem(line, None, f"the row has {len(row)} columns, the header {width}", row)
    date_text = _cell(row, columns.date)
    date = _date(date_text) if date_text else None
    year_text = _cell(row, columns.year)
    try:
        if year_text:
            _, year = parse_period(year_text)
        elif date:
            year = int(date[:4])
        else:
            raise ValueError("the incident has no year")
    except ValueError as exc:
        return ctx.problem(line, header.names[columns.year] if columns.year is not None else None, str(exc), row)
    try:
        total = parse_number(_cell(row, columns.total)) if columns.total is not None else None
        if total is None:
            dead = parse_number(_cell(row, columns.dead)) if columns.dead is not None else None
            missing = parse_number(_cell(row, columns.missing)) if columns.missing is not None else None
            if dead is None and missing is None:
                return ctx.problem(line, header.names[columns.total if columns.total is not None else columns.dead],
                                   "the incident has no number of dead or missing", row)  # fmt: skip
            total = (dead or 0) + max(missing or 0, 0)
    except ValueError as exc:
        return ctx.problem(line, header.names[columns.total] if columns.total is not None else None, str(exc), row)
    if total < 0:
        column = header.names[columns.total] if columns.total is not None else None
        return ctx.problem(line, column, f"{total:g} dead and missing is negative", row)
    grouping = _cell(row, columns.grouping)
    grouping = GROUPING_ALIASES.get(grouping.lower(), grouping)
    if grouping.lower() in NO_GROUPING:
        grouping = None
    return year, date, grouping, total


def _aggregate(ctx: Context, header, columns, rows):
    sums: dict = {}  # (year, grouping or None for World) → [value, first line]
    for item in _each_incident(ctx, header, columns, rows):
        if isinstance(item, Problem):
            yield item
            continue
        line, _row, (year, _, grouping, value) = item
        for key in ((year, None), (year, grouping)) if grouping else ((year, None),):
            entry = sums.get(key)
            if entry is None:
                sums[key] = [value, line]
            else:
                entry[0] += value
    for (year, grouping), (value, line) in sorted(sums.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        area, scheme = (grouping, "name") if grouping else ("001", "m49")
        obs = Observation(
            SERIES, INDICATOR, area, scheme, str(year), year, value, (), "NUMBER", None, None, None, None,
            SOURCE, line, "Total deaths and disappearances recorded during migration",
        )  # fmt: skip
        result = ctx.accept(obs)
        if result is not None:
            yield result


def _incidents(ctx: Context, header, columns, rows):
    for item in _each_incident(ctx, header, columns, rows):
        if isinstance(item, Problem):
            yield item
            continue
        line, row, (year, date, grouping, value) = item
        ident = _cell(row, columns.id) or f"line {line}"
        area, scheme = (grouping, "name") if grouping else ("001", "m49")
        period = date if date and date.startswith(str(year)) else str(year)
        location = re.sub(r"\s+", " ", _cell(row, columns.location)) or None
        obs = Observation(
            SERIES, INDICATOR, area, scheme, period, year, value, (("INCIDENT", ident),), "NUMBER", None, None,
            None, location, SOURCE, line, "Dead and missing migrants, by incident",
        )  # fmt: skip
        result = ctx.accept(obs, row)
        if result is not None:
            yield result


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """One incident as ``read_incident_details`` yields it."""

    incident_id: str
    year: int
    date: str | None
    grouping: str | None  # an M49 sub-region name, None when uncategorised
    total: float
    dead: float | None
    missing: float | None
    mmp_region: str
    cause: str
    route: str
    location: str
    latitude: float | None
    longitude: float | None
    line: int


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """``"35.88, -3.81"`` (latitude, longitude) → floats; ``None`` for blank.

    Raises ValueError for text that is not two numbers in range.
    """
    text = text.strip()
    if not text:
        return None
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not 'latitude, longitude'")
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"{text!r} is not 'latitude, longitude'") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"{text!r} is outside the range of latitudes and longitudes")
    return latitude, longitude


def read_incident_details(path, *, options=None, stats: ReadStats | None = None) -> Iterator[IncidentRecord | Problem]:
    """Every incident of a Missing Migrants export, with its coordinates.

    The same columns and checks as ``read`` (a row refused there is refused
    here), plus the place (``Coordinates`` / ``Location Coordinates``), the
    cause, the route and the MMP region. Repeated incident ids are problems.
    """
    ctx = Context(path, stats, options)
    with CsvSource(path, encoding=ctx.options.get("encoding")) as source:
        header, columns, rows = _header(ctx, source)
        seen: dict[str, int] = {}
        for item in _each_incident(ctx, header, columns, rows):
            if isinstance(item, Problem):
                yield item
                continue
            line, row, (year, date, grouping, total) = item
            ident = _cell(row, columns.id) or f"line {line}"
            if ident in seen:
                yield ctx.problem(line, header.names[columns.id] if columns.id is not None else None,
                                  f"incident {ident} was already read at line {seen[ident]}", row)  # fmt: skip
                continue
            seen[ident] = line
            try:
                place = parse_coordinates(_cell(row, columns.coordinates))
            except ValueError as exc:
                yield ctx.problem(line, header.names[columns.coordinates], str(exc), row)
                continue
            dead = _optional_count(_cell(row, columns.dead))
            missing = _optional_count(_cell(row, columns.missing))
            ctx.stats.observations += 1
            yield IncidentRecord(
                ident, year, date, grouping, total, dead, missing,
                _cell(row, columns.region), _cell(row, columns.cause), _cell(row, columns.route),
                re.sub(r"\s+", " ", _cell(row, columns.location)),
                place[0] if place else None, place[1] if place else None, line,
            )  # fmt: skip
    return ctx.stats


def _optional_count(text: str) -> float | None:
    """A dead or missing count; the older exports' negative estimates (-1) mean unknown."""
    try:
        value = parse_number(text)
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None
