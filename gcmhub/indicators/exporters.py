"""Writing observations out: tidy CSV, Open SDG CSV, SDMX-CSV, XLSX, JSON.

Every exporter takes the same plain rows (``ExportRow``, built by
``services.export_rows``) and streams: text formats are generators of text
pieces (``chunks``) that an HTTP response or a file consumes as they come;
XLSX uses openpyxl's write-only mode. Nothing holds the whole table.

Each text format reads back through a reader and gives the same observations
(tests/indicators/test_exporters.py):

* ``csv`` — one row per observation; ``Area`` is the M49 code (regions have
  no ISO code), ``ISO3`` and ``AreaName`` are for people; one column per
  dimension, holding the code (blank = total); ``SeriesName`` names the
  series for a catalogue that does not know it. ``mapping_for`` writes the
  tidy mapping that reads it back (the CLI saves it as ``<file>.mapping.yml``).
* ``opensdg`` — Open SDG's own column names, so that a platform built with
  sdg-build's default options finds the same disaggregations and headline:
  ``Year``, ``SERIES`` (code), ``Series`` (description), ``Units``,
  ``Unit multiplier``, ``Observation status``, one column per dimension
  (SDMX codes, blank = total), ``GeoCode`` (M49 as text, only when several
  areas are exported), ``COMMENT_OBS``, ``Value`` last. NATURE and the
  source are not Open SDG columns: they go to the metadata beside the file
  (``OpenSdgLedger``), or with ``opensdg_attributes="columns"`` to
  ``NATURE`` and ``SOURCE_DETAIL`` columns.
* ``sdmx-csv`` — SDMX-CSV 2.0 (``STRUCTURE,STRUCTURE_ID,ACTION``) or 1.0
  (``DATAFLOW``): every dimension of the SDG data structure in its order
  (``FREQ``, ``REPORTING_TYPE`` = ``G``, ``SERIES``, ``REF_AREA`` as in
  CL_AREA, ``SEX`` … with ``_T`` for a total), ``TIME_PERIOD``,
  ``OBS_VALUE``, then ``UNIT_MEASURE`` (CL_UNIT_MEASURE code), ``UNIT_MULT``,
  ``OBS_STATUS``, ``NATURE`` (CL_NATURE code), ``COMMENT_OBS``,
  ``SOURCE_DETAIL``; dimensions the DSD lacks come last, as custom columns.
* ``xlsx`` — the ``csv`` columns (with ``SeriesName``) in a sheet named Data.
* ``json`` — ``{"observations": [...]}`` with ``dimensions`` as an object;
  integral values are written as integers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import yaml

from .formats.codes import DIMENSION_IDS, nature_code, sdmx_area_code, unit_measure_code

__all__ = ["EXPORT_FORMATS", "ExportRow", "chunks", "content_type", "mapping_for", "suffix", "write", "write_xlsx"]

EXPORT_FORMATS = ("csv", "opensdg", "sdmx-csv", "xlsx", "json")
DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.0)"  # the SDG dataflow, whose structure is the SDG DSD
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
    series_name: str = ""  # the series' description, for people and for a fresh catalogue


def content_type(fmt: str, *, sdmx_csv_version: int = 2) -> str:
    return {
        "csv": "text/csv; charset=utf-8",
        "opensdg": "text/csv; charset=utf-8",
        "sdmx-csv": f"application/vnd.sdmx.data+csv; version={sdmx_csv_version}.0.0; charset=utf-8",
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


def _tidy_header(dimension_codes: list[str], series_names: bool = False) -> list[str]:
    return [*_TIDY_HEAD, *dimension_codes, *_TIDY_TAIL, *(["SeriesName"] if series_names else [])]


def _tidy_cells(row: ExportRow, dimension_codes: list[str], series_names: bool = False) -> list:
    dims = dict(row.dimensions)
    return [
        row.series, row.indicator, row.area_m49, row.area_iso3, row.area_name, row.period,
        *[dims.get(code, "") for code in dimension_codes],
        number(row.value), row.unit, _text(row.unit_mult), row.obs_status, row.nature, row.footnote, row.source,
        *([row.series_name] if series_names else []),
    ]  # fmt: skip


def mapping_for(dimension_codes: list[str], *, series_names: bool = False) -> str:
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
    if series_names:  # so that a fresh catalogue can take a series it does not know (SM.POP.TOTL)
        mapping["series_name"] = {"column": "SeriesName"}
    if dimension_codes:
        mapping["dimensions"] = {code: code for code in dimension_codes}
    return yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True)


# --- Open SDG ----------------------------------------------------------------------

# Columns an Open SDG platform (sdg-build) does not take as disaggregations
# with its default options; every other column is one, and its headline is
# the rows where all of them are blank. NATURE and SOURCE_DETAIL are not
# among them, so by default they go to the metadata written beside the file
# (``OpenSdgLedger``).
OPENSDG_NON_DISAGGREGATION = (
    "Year", "Units", "Series", "Value", "GeoCode", "Observation status", "Unit multiplier", "Unit measure",
    "UNIT_MEASURE", "SERIES", "COMMENT_TS", "DATA_LAST_UPDATE",
)  # fmt: skip
OPENSDG_OBSERVATION_ATTRIBUTES = ("COMMENT_OBS",)
OPENSDG_ATTRIBUTE_MODES = ("metadata", "columns")
_OPENSDG_EXTRA = ["NATURE", "SOURCE_DETAIL"]


def _opensdg_header(dimension_codes: list[str], with_geocode: bool, attribute_columns: bool) -> list[str]:
    head = ["Year", "SERIES", "Series", "Units", "Unit multiplier", "Observation status", *dimension_codes]
    if with_geocode:
        head.append("GeoCode")
    head.append("COMMENT_OBS")
    if attribute_columns:
        head.extend(_OPENSDG_EXTRA)
    return [*head, "Value"]


def _opensdg_cells(row: ExportRow, dimension_codes: list[str], with_geocode: bool, attribute_columns: bool) -> list:
    dims = dict(row.dimensions)
    cells = [row.period, row.series, row.series_name or row.series, row.unit, _text(row.unit_mult), row.obs_status,
             *[dims.get(c, "") for c in dimension_codes]]  # fmt: skip
    if with_geocode:
        cells.append(row.area_m49)  # text: "004", as M49 writes it
    cells.append(row.footnote)
    if attribute_columns:
        cells.extend((row.nature, row.source))
    return [*cells, number(row.value)]


class OpenSdgLedger:
    """The source and nature of every row of an Open SDG export, for the
    metadata written beside it (``metadata()``): the most common source as
    Open SDG's ``source_organisation_1``, the most common nature as
    ``NATURE``, and the rows that differ under ``gcmhub_row_attributes``
    (data rows numbered from 1, in runs: ``{"UN DESA": "4-5,9"}``), which
    the Open SDG reader applies again. Open SDG itself ignores that key.
    """

    FIELDS = (("SOURCE_DETAIL", "source_organisation_1"), ("NATURE", "NATURE"))

    def __init__(self):
        self.rows = 0
        self.runs: dict[str, dict[str, list[list[int]]]] = {key: {} for key, _field in self.FIELDS}

    def watch(self, rows: Iterable[ExportRow]) -> Iterator[ExportRow]:
        for row in rows:
            self.rows += 1
            for key, value in (("SOURCE_DETAIL", row.source or ""), ("NATURE", row.nature or "")):
                runs = self.runs[key].setdefault(value, [])
                if runs and runs[-1][1] == self.rows - 1:
                    runs[-1][1] = self.rows
                else:
                    runs.append([self.rows, self.rows])
            yield row

    def metadata(self, *, indicator: str = "") -> str:
        meta: dict = {"indicator_number": indicator} if indicator else {}
        exceptions = {}
        for key, field in self.FIELDS:
            by_value = self.runs[key]
            if not by_value:
                continue
            common = max(by_value, key=lambda value: (sum(end - start + 1 for start, end in by_value[value]), value))
            if common:
                meta[field] = common
            others = {value: _runs_text(runs) for value, runs in sorted(by_value.items()) if value != common}
            if others:
                exceptions[key] = others
        if exceptions:
            meta["gcmhub_row_attributes"] = exceptions
        return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) if meta else ""


def _runs_text(runs: list[list[int]]) -> str:
    return ",".join(str(start) if start == end else f"{start}-{end}" for start, end in runs)


# --- SDMX-CSV 2.0 and 1.0 -------------------------------------------------------------

_SDMX_ORDER = {code: i for i, code in enumerate(DIMENSION_IDS)}
_SDMX_KEY = [code for code in DIMENSION_IDS if code != "TIME_PERIOD"]  # the SDG DSD's dimensions, in order
_SDMX_ATTRIBUTES = ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "COMMENT_OBS", "SOURCE_DETAIL"]
SDMX_CSV_VERSIONS = (2, 1)


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


def _sdmx_header(dimension_codes: list[str], version: int) -> list[str]:
    """Every dimension of the SDG DSD, the measure and attributes, then the
    dimensions the DSD does not have (custom columns, which sdmx1 passes over)."""
    fixed = ["DATAFLOW"] if version == 1 else ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    others = [code for code in dimension_codes if code not in _SDMX_ORDER]
    return [*fixed, *_SDMX_KEY, "TIME_PERIOD", "OBS_VALUE", *_SDMX_ATTRIBUTES, *others]


def _sdmx_cells(row: ExportRow, fixed: list[str], others: list[str]) -> list:
    dims = dict(row.dimensions)
    cells = list(fixed)
    for code in _SDMX_KEY:
        if code == "FREQ":
            cells.append(_frequency(row.period))
        elif code == "SERIES":
            cells.append(row.series)
        elif code == "REF_AREA":
            cells.append(sdmx_area_code(row.area_m49))
        elif code == "REPORTING_TYPE":
            cells.append(dims.get(code, "G"))
        else:
            cells.append(dims.get(code, "_T"))
    return [*cells, row.period, number(row.value), unit_measure_code(row.unit), _text(row.unit_mult), row.obs_status,
            nature_code(row.nature), row.footnote, row.source, *[dims.get(code, "") for code in others]]  # fmt: skip


def in_sdg_dsd(series: str, sdg_series: set[str], *, sdg_indicator: bool) -> bool:
    """Whether a series is one of the SDG data structure's: in the framework's
    list of SDG series, or an SDG-shaped code (``XX_YYY…``) of a series that
    reports an SDG indicator (an SDG series GCM Hub does not list). Not:
    ``SM.POP.TOTL``, ``UNDESA_IMS_POP`` (no SDG indicator), ``OSDG_10_7_2``
    (a national code derived from an Open SDG file).
    """
    if series in sdg_series:
        return True
    return sdg_indicator and bool(_SDG_SERIES_SHAPE.fullmatch(series)) and not series.startswith("OSDG_")


_SDG_SERIES_SHAPE = re.compile(r"[A-Z]{2}_[A-Z0-9]+(?:_[A-Z0-9]+)*")


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
        "value": _json_number(row.value),
        "unit": row.unit or None,
        "unit_mult": row.unit_mult,
        "obs_status": row.obs_status or None,
        "nature": row.nature or None,
        "footnote": row.footnote or None,
        "source": row.source or None,
        "series_name": row.series_name or None,
    }


def _json_number(value: float | None):
    """An integral value as an integer (``298089``, not ``298089.0``): the
    shortest exact text, as in the other formats (-0.0 stays a float)."""
    if value is None or not value.is_integer() or abs(value) >= 1e15:
        return value
    if value == 0 and math.copysign(1.0, value) < 0:
        return value
    return int(value)


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


def chunks(fmt: str, rows: Iterable[ExportRow], *, dimension_codes: list[str], several_areas: bool = True,
           sdmx_csv_version: int = 2, opensdg_attributes: str = "metadata", series_names: bool = False,
           ) -> Iterator[str]:  # fmt: skip
    """Pieces of text of a ``csv``, ``opensdg``, ``sdmx-csv`` or ``json`` export.

    ``series_names``: a ``csv`` export gets a ``SeriesName`` column (user
    exports do; the demo extract, whose series are all SDG series, does not).
    ``sdmx_csv_version``: 2 (SDMX-CSV 2.0, the default) or 1. ``opensdg_attributes``:
    ``metadata`` (NATURE and SOURCE_DETAIL left out of the CSV, for the metadata
    beside it) or ``columns`` (kept as columns, which an Open SDG platform must
    then list among its non-disaggregation columns).
    """
    if fmt == "json":
        yield from _json_chunks(rows)
        return
    if fmt == "csv":
        header = _tidy_header(dimension_codes, series_names)

        def cells(row):
            return _tidy_cells(row, dimension_codes, series_names)
    elif fmt == "opensdg":
        if opensdg_attributes not in OPENSDG_ATTRIBUTE_MODES:
            raise ValueError(f"opensdg_attributes must be one of {OPENSDG_ATTRIBUTE_MODES}, not {opensdg_attributes!r}")
        as_columns = opensdg_attributes == "columns"
        header = _opensdg_header(dimension_codes, several_areas, as_columns)

        def cells(row):
            return _opensdg_cells(row, dimension_codes, several_areas, as_columns)
    elif fmt == "sdmx-csv":
        if sdmx_csv_version not in SDMX_CSV_VERSIONS:
            raise ValueError(f"sdmx_csv_version must be 2 or 1, not {sdmx_csv_version!r}")
        header = _sdmx_header(dimension_codes, sdmx_csv_version)
        fixed = [DATAFLOW] if sdmx_csv_version == 1 else ["dataflow", DATAFLOW, "I"]
        others = [code for code in dimension_codes if code not in _SDMX_ORDER]

        def cells(row):
            return _sdmx_cells(row, fixed, others)
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
    header = _tidy_header(dimension_codes, series_names=True)
    value_at, mult_at = header.index("Value"), header.index("UnitMult")
    sheet.append(header)
    count = 0
    for row in rows:
        cells = _tidy_cells(row, dimension_codes, series_names=True)
        cells[value_at] = row.value  # numbers stay numbers in a spreadsheet
        cells[mult_at] = row.unit_mult
        sheet.append(cells)
        count += 1
    book.save(out)
    return count


def write(fmt: str, rows: Iterable[ExportRow], out, *, dimension_codes: list[str], **settings) -> None:
    """Write an export to ``out``: a text stream, or for xlsx a path or binary stream.
    ``settings``: ``several_areas`` and the options of ``chunks``."""
    if fmt == "xlsx":
        write_xlsx(rows, out, dimension_codes=dimension_codes)
        return
    for piece in chunks(fmt, rows, dimension_codes=dimension_codes, **settings):
        out.write(piece)


def to_text(fmt: str, rows: Iterable[ExportRow], *, dimension_codes: list[str], **settings) -> str:
    out = io.StringIO()
    write(fmt, rows, out, dimension_codes=dimension_codes, **settings)
    return out.getvalue()
