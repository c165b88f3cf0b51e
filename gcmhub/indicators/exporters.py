"""Writing observations out: tidy CSV, Open SDG CSV, SDMX-CSV, XLSX, JSON.

Every exporter takes the same plain rows (``ExportRow``, built by
``services.export_rows``) and streams: text formats are generators of text
pieces (``chunks``) that an HTTP response or a file consumes as they come;
XLSX uses openpyxl's write-only mode. Nothing holds the whole table.

Each text format reads back through a reader and gives the same observations
(tests/indicators/test_exporters.py):

* ``csv`` — one row per observation; ``Area`` is the M49 code (regions have
  no ISO code), ``ISO3`` and ``AreaName`` are for people; one column per
  dimension, holding the code (blank = total). ``mapping_for`` writes the
  tidy mapping that reads it back (the CLI saves it as ``<file>.mapping.yml``).
* ``opensdg`` — ``Year``, ``SERIES``, ``UNIT_MEASURE``, ``UNIT_MULT``, one
  column per dimension (SDMX codes, blank = total), ``GeoCode`` (M49, only
  when several areas are exported), attributes, ``Value`` last.
* ``sdmx-csv`` — SDMX-CSV 1.0: ``DATAFLOW``, the dimensions in the SDG data
  structure's order (``FREQ``, ``REPORTING_TYPE``, ``SERIES``, ``REF_AREA``
  as M49, ``SEX`` … with ``_T`` for a total), ``TIME_PERIOD``,
  ``OBS_VALUE``, then ``UNIT_MEASURE``, ``UNIT_MULT``, ``OBS_STATUS``,
  ``NATURE``, ``COMMENT_OBS``, ``SOURCE_DETAIL``.
* ``xlsx`` — the ``csv`` columns in a sheet named Data.
* ``json`` — ``{"observations": [...]}`` with ``dimensions`` as an object.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import yaml

from .formats.codes import DIMENSION_IDS

__all__ = ["EXPORT_FORMATS", "ExportRow", "chunks", "content_type", "mapping_for", "suffix", "write", "write_xlsx"]

EXPORT_FORMATS = ("csv", "opensdg", "sdmx-csv", "xlsx", "json")
DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.0)"
_ROWS_PER_CHUNK = 500


class ExportRow(NamedTuple):
    series: str
    indicator: str
    area_m49: str
    area_iso3: str
    area_name: str
    period: str
    year: int
    dimensions: tuple  # ((code, value), ...) sorted by code; () = headline
    value: float | None
    unit: str
    unit_mult: int | None
    obs_status: str
    nature: str
    footnote: str
    source: str


def content_type(fmt: str) -> str:
    return {
        "csv": "text/csv; charset=utf-8",
        "opensdg": "text/csv; charset=utf-8",
        "sdmx-csv": "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }[fmt]


def suffix(fmt: str) -> str:
    return {"csv": ".csv", "opensdg": ".csv", "sdmx-csv": ".csv", "xlsx": ".xlsx", "json": ".json"}[fmt]


def number(value: float | None) -> str:
    """The shortest text that reads back as the same float; blank for missing."""
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _text(value) -> str:
    return "" if value is None else str(value)


# --- tidy CSV ------------------------------------------------------------------

_TIDY_HEAD = ["Series", "Indicator", "Area", "ISO3", "AreaName", "Period"]
_TIDY_TAIL = ["Value", "Unit", "UnitMult", "ObsStatus", "Nature", "Footnote", "Source"]


def _tidy_header(dimension_codes: list[str]) -> list[str]:
    return [*_TIDY_HEAD, *dimension_codes, *_TIDY_TAIL]


def _tidy_cells(row: ExportRow, dimension_codes: list[str]) -> list:
    dims = dict(row.dimensions)
    return [
        row.series, row.indicator, row.area_m49, row.area_iso3, row.area_name, row.period,
        *[dims.get(code, "") for code in dimension_codes],
        number(row.value), row.unit, _text(row.unit_mult), row.obs_status, row.nature, row.footnote, row.source,
    ]  # fmt: skip


def mapping_for(dimension_codes: list[str]) -> str:
    """The tidy-reader mapping (YAML) that reads an exported ``csv`` back."""
    mapping = {
        "area": "Area",
        "area_scheme": "m49",
        "period": "Period",
        "value": "Value",
        "series": {"column": "Series"},
        "indicator": {"column": "Indicator"},
        "unit": {"column": "Unit"},
        "unit_mult": {"column": "UnitMult"},
        "obs_status": {"column": "ObsStatus"},
        "nature": {"column": "Nature"},
        "footnote": {"column": "Footnote"},
        "source": {"column": "Source"},
    }
    if dimension_codes:
        mapping["dimensions"] = {code: code for code in dimension_codes}
    return yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True)


# --- Open SDG ----------------------------------------------------------------------


def _opensdg_header(dimension_codes: list[str], with_geocode: bool) -> list[str]:
    head = ["Year", "SERIES", "UNIT_MEASURE", "UNIT_MULT", *dimension_codes]
    if with_geocode:
        head.append("GeoCode")
    return [*head, "OBS_STATUS", "NATURE", "COMMENT_OBS", "SOURCE_DETAIL", "Value"]


def _opensdg_cells(row: ExportRow, dimension_codes: list[str], with_geocode: bool) -> list:
    dims = dict(row.dimensions)
    cells = [row.period, row.series, row.unit, _text(row.unit_mult), *[dims.get(c, "") for c in dimension_codes]]
    if with_geocode:
        cells.append(row.area_m49)
    return [*cells, row.obs_status, row.nature, row.footnote, row.source, number(row.value)]


# --- SDMX-CSV 1.0 ------------------------------------------------------------------

_SDMX_ORDER = {code: i for i, code in enumerate(DIMENSION_IDS)}
_SDMX_ATTRIBUTES = ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "COMMENT_OBS", "SOURCE_DETAIL"]


def _frequency(period: str) -> str:
    if "/" in period or len(period) == 4:
        return "A"
    if "-Q" in period:
        return "Q"
    if "-S" in period:
        return "S"
    if len(period) == 7:
        return "M"
    return "D"


def _sdmx_dimensions(dimension_codes: list[str]) -> list[str]:
    known = [c for c in dimension_codes if c in _SDMX_ORDER and c not in {"FREQ", "SERIES", "REF_AREA", "TIME_PERIOD"}]
    known.sort(key=_SDMX_ORDER.__getitem__)
    others = [c for c in dimension_codes if c not in _SDMX_ORDER]
    # SERIES and REF_AREA keep their DSD places: FREQ, [REPORTING_TYPE], SERIES, REF_AREA, then the rest.
    before = [c for c in known if c == "REPORTING_TYPE"]
    after = [c for c in known if c != "REPORTING_TYPE"]
    return ["FREQ", *before, "SERIES", "REF_AREA", *after, *others]


def _sdmx_header(dimension_codes: list[str]) -> list[str]:
    return ["DATAFLOW", *_sdmx_dimensions(dimension_codes), "TIME_PERIOD", "OBS_VALUE", *_SDMX_ATTRIBUTES]


def _sdmx_cells(row: ExportRow, columns: list[str]) -> list:
    dims = dict(row.dimensions)
    cells = [DATAFLOW]
    for column in columns:
        if column == "FREQ":
            cells.append(_frequency(row.period))
        elif column == "SERIES":
            cells.append(row.series)
        elif column == "REF_AREA":
            cells.append(row.area_m49)
        else:
            cells.append(dims.get(column, "_T" if column in _SDMX_ORDER else ""))
    return [*cells, row.period, number(row.value), row.unit, _text(row.unit_mult), row.obs_status, row.nature,
            row.footnote, row.source]  # fmt: skip


# --- JSON --------------------------------------------------------------------------


def _json_object(row: ExportRow) -> dict:
    return {
        "series": row.series,
        "indicator": row.indicator or None,
        "area": row.area_iso3 or row.area_m49,
        "area_m49": row.area_m49,
        "area_name": row.area_name,
        "period": row.period,
        "year": row.year,
        "dimensions": dict(row.dimensions),
        "value": row.value,
        "unit": row.unit or None,
        "unit_mult": row.unit_mult,
        "obs_status": row.obs_status or None,
        "nature": row.nature or None,
        "footnote": row.footnote or None,
        "source": row.source or None,
    }


def _json_chunks(rows: Iterable[ExportRow]) -> Iterator[str]:
    yield '{"observations": ['
    first = True
    pieces: list[str] = []
    for row in rows:
        pieces.append(("\n" if first else ",\n") + json.dumps(_json_object(row), ensure_ascii=False))
        first = False
        if len(pieces) >= _ROWS_PER_CHUNK:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "\n]}\n"


# --- entry points --------------------------------------------------------------------


class _Buffer:
    """A file-like that hands back what csv.writer wrote."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts = []
        return text


def chunks(fmt: str, rows: Iterable[ExportRow], *, dimension_codes: list[str], several_areas: bool = True
           ) -> Iterator[str]:  # fmt: skip
    """Pieces of text of a ``csv``, ``opensdg``, ``sdmx-csv`` or ``json`` export."""
    if fmt == "json":
        yield from _json_chunks(rows)
        return
    if fmt == "csv":
        header = _tidy_header(dimension_codes)

        def cells(row):
            return _tidy_cells(row, dimension_codes)
    elif fmt == "opensdg":
        header = _opensdg_header(dimension_codes, several_areas)

        def cells(row):
            return _opensdg_cells(row, dimension_codes, several_areas)
    elif fmt == "sdmx-csv":
        header = _sdmx_header(dimension_codes)
        columns = header[1:-(2 + len(_SDMX_ATTRIBUTES))]

        def cells(row):
            return _sdmx_cells(row, columns)
    else:
        raise ValueError(f"not a text export format: {fmt}")
    buffer = _Buffer()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(cells(row))
        count += 1
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.take()
    yield buffer.take()


def write_xlsx(rows: Iterable[ExportRow], out, *, dimension_codes: list[str]) -> int:
    """Write an XLSX workbook (write-only mode) to ``out`` (a path or binary file)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(_tidy_header(dimension_codes))
    count = 0
    for row in rows:
        cells = _tidy_cells(row, dimension_codes)
        cells[6 + len(dimension_codes)] = row.value  # numbers stay numbers in a spreadsheet
        cells[8 + len(dimension_codes)] = row.unit_mult
        sheet.append(cells)
        count += 1
    book.save(out)
    return count


def write(fmt: str, rows: Iterable[ExportRow], out, *, dimension_codes: list[str], several_areas: bool = True) -> None:
    """Write an export to ``out``: a text stream, or for xlsx a path or binary stream."""
    if fmt == "xlsx":
        write_xlsx(rows, out, dimension_codes=dimension_codes)
        return
    for piece in chunks(fmt, rows, dimension_codes=dimension_codes, several_areas=several_areas):
        out.write(piece)


def to_text(fmt: str, rows: Iterable[ExportRow], *, dimension_codes: list[str], several_areas: bool = True) -> str:
    out = io.StringIO()
    write(fmt, rows, out, dimension_codes=dimension_codes, several_areas=several_areas)
    return out.getvalue()
