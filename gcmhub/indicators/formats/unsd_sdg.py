"""UN SDG Global Database extracts (UNSD).

Two layouts, told apart by the header:

* **SDG API / database download CSV** — ``Goal, Target, Indicator,
  SeriesCode, SeriesDescription, GeoAreaCode, GeoAreaName, TimePeriod,
  Value, Time_Detail, Source, FootNote, Nature, Units`` and one column per
  dimension (``Sex``, ``Age``, ``Location``, ``Migratory status``,
  ``Policy Domains``, …). Column names in ``[brackets]`` (the website's
  download) are accepted. ``SeriesCode`` is the series, ``Indicator`` the
  indicator, ``GeoAreaCode`` the area (M49, as written: ``4`` for
  Afghanistan), ``TimePeriod`` the period. ``Units``, ``Nature``,
  ``FootNote``, ``Source`` and ``Observation Status``/``Unit multiplier``
  if present are attributes; ``Reporting Type`` is a dimension only when it
  is neither ``G`` (global) nor ``N`` (national); ``Time_Detail``, ``TimeCoverage``, ``UpperBound``,
  ``LowerBound``, ``BasePeriod``, ``GeoInfoUrl``, ``Goal``, ``Target`` and
  ``GeoAreaName`` are not kept.
* **DDF datapoints** (``ddf--datapoints--sm_dth_migr--by--geo_area--…csv``,
  the open-numbers extract in ``unsd-sdg-global/``) — ``geo_area``,
  ``year``, ``nature``, ``units``, lower-case dimension columns
  (``sex: bothsex|female|male``, ``migratory_status: t|migper|nonmig|…``,
  ``policy_domains: alldomains|domain1…6``, ``age: allage|15_24|…``) and
  one measure column named after the series (``sm_dth_migr`` →
  ``SM_DTH_MIGR``). The indicator comes from ``ddf--concepts--continuous.csv``
  beside the file when present, else from the built-in table of migration
  series. ``nature`` and ``units`` are upper-cased to UNSD codes.

Dimension labels and codes become SDMX codes through ``codes.dimension_for``
(``BOTHSEX``/``bothsex``/``t``/``notspec`` are totals). Besides the common
missing-value markers, UNSD's ``N`` (no data: 350 of the 1,127 SG_CPA_MIGRS
scores in the extract) is a missing value. Censored values such as ``<0.1``
are reported as problems, not guessed.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator

from .codes import dimension_for, indicator_for_series, obs_status_code, unit_multiplier
from .context import Context
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .textfiles import CsvSource, HeaderIndex, normalise_name
from .values import parse_number

FORMAT = "unsd-sdg"
EXTRA_MISSING = frozenset({"N", "NaN"})

_API_NOT_DIMENSIONS = {normalise_name(n) for n in (
    "Goal", "Target", "Indicator", "SeriesCode", "SeriesDescription", "GeoAreaCode", "GeoAreaName",
    "TimePeriod", "Value", "Time_Detail", "TimeCoverage", "UpperBound", "LowerBound", "BasePeriod",
    "Source", "GeoInfoUrl", "FootNote", "Nature", "Units", "Reporting Type", "Observation Status",
    "Unit multiplier", "Series Code", "Series Description", "Geo Area Code", "Geo Area Name",
    "Time Period", "Unit Mult", "ReleaseName", "Release Version",
)}  # fmt: skip
_DDF_NOT_DIMENSIONS = {"geo_area", "year", "nature", "units", "time", "geo"}


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a UNSD SDG API CSV or a DDF datapoints file."""
    ctx = Context(path, stats, options)
    with CsvSource(path, encoding=ctx.options.get("encoding")) as source:
        rows = source.rows()
        header = None
        for line, row in rows:
            if any(cell.strip() for cell in row):
                header = HeaderIndex(row, ctx.file, line)
                break
        if header is None:
            raise FormatError(ctx.file, "the file is empty")
        source.expect_width(len(header))
        if header.find("geo_area") is not None and header.find("SeriesCode", "Series Code") is None:
            yield from _read_ddf(ctx, path, header, rows)
        else:
            yield from _read_api(ctx, header, rows)
    return ctx.stats


def _cell(row, position) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position].strip()


def _rows(ctx: Context, header: HeaderIndex, rows):
    width = len(header)
    for line, row in ctx.data_rows(rows):
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            yield line, row, ctx.problem(line, None, f"the row has {len(row)} columns, the header {width}", row)
            continue
        yield line, row, None


def _read_api(ctx: Context, header: HeaderIndex, rows):
    series_i = header.require("SeriesCode", "Series Code", "SERIES")
    area_i = header.require("GeoAreaCode", "Geo Area Code", "REF_AREA")
    period_i = header.require("TimePeriod", "Time Period", "TIME_PERIOD")
    value_i = header.require("Value", "OBS_VALUE")
    indicator_i = header.find("Indicator")
    description_i = header.find("SeriesDescription", "Series Description")
    units_i, nature_i = header.find("Units"), header.find("Nature")
    note_i, source_i = header.find("FootNote"), header.find("Source")
    status_i, mult_i = header.find("Observation Status"), header.find("Unit multiplier", "Unit Mult")
    dimensions = [
        (position, name.strip("[] ") or f"COLUMN_{position + 1}")
        for position, name in enumerate(header.names)
        if normalise_name(name) not in _API_NOT_DIMENSIONS or normalise_name(name) == "reporting type"
    ]
    for line, row, problem in _rows(ctx, header, rows):
        if problem is not None:
            yield problem
            continue
        series = _cell(row, series_i)
        if not series:
            yield ctx.problem(line, header.names[series_i], "the series code is blank", row)
            continue
        try:
            value = parse_number(row[value_i], EXTRA_MISSING)
        except ValueError as exc:
            yield ctx.problem(line, header.names[value_i], str(exc), row)
            continue
        try:
            period, year = parse_period(row[period_i])
        except ValueError as exc:
            yield ctx.problem(line, header.names[period_i], str(exc), row)
            continue
        area = _cell(row, area_i)
        if not area:
            yield ctx.problem(line, header.names[area_i], "the area code is blank", row)
            continue
        try:
            mult = unit_multiplier(_cell(row, mult_i))
        except ValueError as exc:
            yield ctx.problem(line, header.names[mult_i], str(exc), row)
            continue
        dims = []
        for position, name in dimensions:
            pair = dimension_for(name, row[position])
            if pair is not None:
                dims.append(pair)
        indicator_text = _cell(row, indicator_i)
        match = re.search(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}", indicator_text)
        indicator = match.group(0) if match else indicator_for_series(series)
        obs = Observation(
            series, indicator, area, "m49", period, year, value, tuple(sorted(dims)),
            _cell(row, units_i) or None, mult, obs_status_code(_cell(row, status_i)),
            _cell(row, nature_i) or None, _cell(row, note_i) or None, _cell(row, source_i) or None,
            line, _cell(row, description_i) or None,
        )  # fmt: skip
        result = ctx.accept(obs, row)
        if result is not None:
            yield result


def _ddf_concepts(path) -> dict:
    """``series → (indicator, description)`` from ``ddf--concepts--continuous.csv`` beside ``path``."""
    concepts = os.path.join(os.path.dirname(os.path.abspath(str(path))), "ddf--concepts--continuous.csv")
    found: dict = {}
    if not os.path.isfile(concepts):
        return found
    try:
        with open(concepts, encoding="utf-8-sig", newline="") as fh:
            for record in csv.DictReader(fh):
                concept = (record.get("concept") or "").strip()
                if concept:
                    found[concept.upper()] = (
                        (record.get("indicator") or "").strip() or None,
                        (record.get("description") or record.get("name") or "").strip() or None,
                    )
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return found


def _read_ddf(ctx: Context, path, header: HeaderIndex, rows):
    area_i = header.require("geo_area")
    period_i = header.require("year", "time")
    units_i, nature_i = header.find("units"), header.find("nature")
    match = re.search(r"ddf--datapoints--(.+?)--by--", os.path.basename(str(path)))
    measure_i = header.find(match.group(1)) if match else None
    if measure_i is None:
        candidates = [i for i, n in enumerate(header.names) if n.lower() not in _DDF_NOT_DIMENSIONS]
        measure_i = candidates[-1] if candidates else None
    if measure_i is None:
        raise FormatError(ctx.file, "no measure column (the column named after the series)", line=header.line)
    series = header.names[measure_i].upper()
    indicator, description = _ddf_concepts(path).get(series, (None, None))
    indicator = indicator or indicator_for_series(series)
    dimensions = [
        (i, n) for i, n in enumerate(header.names) if i != measure_i and n.lower() not in _DDF_NOT_DIMENSIONS
    ]
    measure_name = header.names[measure_i]
    for line, row, problem in _rows(ctx, header, rows):
        if problem is not None:
            yield problem
            continue
        try:
            value = parse_number(row[measure_i], EXTRA_MISSING)
        except ValueError as exc:
            yield ctx.problem(line, measure_name, str(exc), row)
            continue
        try:
            period, year = parse_period(row[period_i])
        except ValueError as exc:
            yield ctx.problem(line, header.names[period_i], str(exc), row)
            continue
        area = _cell(row, area_i)
        if not area:
            yield ctx.problem(line, header.names[area_i], "the area code is blank", row)
            continue
        dims = []
        for position, name in dimensions:
            pair = dimension_for(name, row[position])
            if pair is not None:
                dims.append(pair)
        obs = Observation(
            series, indicator, area, "m49", period, year, value, tuple(sorted(dims)),
            _cell(row, units_i).upper() or None, None, None, _cell(row, nature_i).upper() or None,
            None, None, line, description,
        )  # fmt: skip
        result = ctx.accept(obs, row)
        if result is not None:
            yield result
