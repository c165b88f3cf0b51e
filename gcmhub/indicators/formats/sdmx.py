"""SDMX data: SDMX-ML 2.1 messages (through sdmx1) and SDMX-CSV 1.0 / 2.x.

Mapping, for the SDG data structure (METHODS §8.2) and any other:

* ``SERIES`` → series (without one: ``options["series"]``, else the
  dataflow id); the indicator from the built-in migration-series table;
* ``REF_AREA`` → area, scheme ``m49`` for digits, ``iso3``/``iso2`` for
  three/two letters;
* ``TIME_PERIOD`` → period (``2019``, ``2019-Q3``, ``2019-07``, …);
  ``OBS_VALUE`` → value (``NaN`` and the usual markers are missing);
* attributes: ``UNIT_MEASURE`` → unit, ``UNIT_MULT`` → unit_mult,
  ``OBS_STATUS`` → obs_status, ``NATURE`` → nature, ``COMMENT_OBS`` →
  footnote, ``SOURCE_DETAIL`` → source; the other known attributes
  (``COMMENT_TS``, ``DATA_LAST_UPDATE``, ``TIME_DETAIL``, …) are dropped;
* every other component is a dimension, ``_T``/``_Z`` values (total, not
  applicable) omitted; ``FREQ`` is dropped and ``REPORTING_TYPE`` kept only
  when it is neither ``G`` (global) nor ``N`` (national), the two ordinary
  reporting types, so that a national file's headline has no dimensions. Which components are attributes is known from the
  SDG DSD; without a DSD a structure-specific message cannot say, so
  ``options["attributes"]`` may list more.

SDMX-CSV is read by our own streaming parser (``csv`` module): sdmx1's CSV
reader needs the DSD, reads only 2.x and builds the whole message in memory.
Version 1.0 starts with ``DATAFLOW`` (``AGENCY:ID(VERSION)``), 2.x with
``STRUCTURE, STRUCTURE_ID[, STRUCTURE_NAME], ACTION``; rows with action
``D`` (delete) are reported as problems, since an import only adds. Headers
written with labels (``labels=both``: ``SEX: Sex``) are cut to their ids,
and so are coded values in such a file (``F: Female``); free-text
attributes (``COMMENT_OBS``, ``SOURCE_DETAIL``) are never cut. SDMX-ML is parsed by ``sdmx1`` (which
holds the message in memory; SDG files are small); its observations have no
line numbers, so ``line`` is ``"obs N"`` in document order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from .codes import ATTRIBUTE_IDS, TOTAL_CODES, indicator_for_series, obs_status_code, unit_multiplier
from .context import Context
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .textfiles import CsvSource, HeaderIndex, check_not_binary
from .values import parse_number

FORMAT = "sdmx"

_SKIPPED_DIMENSIONS = {"FREQ", "TIME_PERIOD", "SERIES", "REF_AREA"}
_CODED_ATTRIBUTES = {"UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "TIME_DETAIL", "BASE_PER"}
_CSV_FIXED = {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY", "OBS_KEY"}


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from an SDMX-ML 2.1 data message or an SDMX-CSV file."""
    try:
        with open(path, "rb") as raw:
            head = raw.read(4096)
    except IsADirectoryError:
        raise FormatError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise FormatError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FormatError(str(path), "the file is empty")
    check_not_binary(str(path), head, "an SDMX-ML or SDMX-CSV file")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        ctx = Context(path, stats, options, labelled=True)
        yield from _read_xml(ctx, path, default_area)
    else:
        ctx = Context(path, stats, options)
        yield from _read_csv(ctx, path, default_area)
    return ctx.stats


def _id(text: str) -> str:
    """``SEX: Sex`` → ``SEX``; ``F: Female`` → ``F`` (SDMX-CSV ``labels=both``)."""
    text = text.strip()
    if ": " in text:
        return text.split(": ", 1)[0].strip()
    return text


def _scheme(area: str) -> str:
    if re.fullmatch(r"\d{1,3}", area):
        return "m49"
    if re.fullmatch(r"[A-Za-z]{3}", area):
        return "iso3"
    if re.fullmatch(r"[A-Za-z]{2}", area):
        return "iso2"
    return "name"


class _Builder:
    """Turns one observation's component values into an ``Observation``."""

    def __init__(self, ctx: Context, default_area, flow_id: str | None):
        self.ctx = ctx
        self.default_area = default_area
        self.attributes = set(ATTRIBUTE_IDS) | {str(a).upper() for a in ctx.options.get("attributes", ())}
        self.series_option = ctx.options.get("series")
        self.flow_id = flow_id

    def build(self, values: dict, raw_value, line, raw_row=None):
        ctx = self.ctx
        series = values.get("SERIES") or self.series_option or self.flow_id
        if not series:
            return ctx.problem(line, "SERIES", "no SERIES dimension and no series given", raw_row)
        try:
            value = parse_number(raw_value) if isinstance(raw_value, str) or raw_value is None else float(raw_value)
            if value is not None and value != value:
                value = None
        except (ValueError, TypeError) as exc:
            return ctx.problem(line, "OBS_VALUE", str(exc), raw_row)
        raw_period = values.get("TIME_PERIOD", "")
        try:
            period, year = parse_period(raw_period)
        except ValueError as exc:
            return ctx.problem(line, "TIME_PERIOD", str(exc), raw_row)
        area = values.get("REF_AREA") or None
        scheme = _scheme(area) if area else "default"
        if area is None:
            area = self.default_area
            if area is None:
                return ctx.problem(line, "REF_AREA", "no REF_AREA and no default area was given", raw_row)
        try:
            mult = unit_multiplier(values.get("UNIT_MULT"))
        except ValueError as exc:
            return ctx.problem(line, "UNIT_MULT", str(exc), raw_row)
        dims = []
        for code, item in values.items():
            if code in _SKIPPED_DIMENSIONS or code in self.attributes or code == "OBS_VALUE":
                continue
            if not item or item in TOTAL_CODES:
                continue
            if code == "REPORTING_TYPE" and item in ("G", "N"):
                continue
            dims.append((code, item))
        obs = Observation(
            series, indicator_for_series(series), area, scheme, period, year, value, tuple(sorted(dims)),
            values.get("UNIT_MEASURE") or None, mult, obs_status_code(values.get("OBS_STATUS")),
            values.get("NATURE") or None, values.get("COMMENT_OBS") or None,
            values.get("SOURCE_DETAIL") or None, line,
        )  # fmt: skip
        return ctx.accept(obs, raw_row)


# --- SDMX-CSV ---------------------------------------------------------------


def _read_csv(ctx: Context, path, default_area):
    with CsvSource(path, encoding=ctx.options.get("encoding")) as source:
        rows = source.rows()
        header = None
        labelled = False
        for line, row in rows:
            if any(cell.strip() for cell in row):
                header = HeaderIndex([_id(c) for c in row], ctx.file, line)
                labelled = any(": " in cell for cell in row)
                break
        if header is None:
            raise FormatError(ctx.file, "the file is empty")
        first = header.names[0].upper() if header.names else ""
        if first not in ("DATAFLOW", "STRUCTURE"):
            raise FormatError(
                ctx.file,
                f"is not SDMX-CSV: the first column must be DATAFLOW (1.0) or STRUCTURE (2.x), not {header.names[0]!r}",
                line=header.line,
            )
        value_i = header.require("OBS_VALUE")
        header.require("TIME_PERIOD")
        action_i = header.find("ACTION")
        flow_i = header.find("STRUCTURE_ID") if first == "STRUCTURE" else 0
        names = [n.upper() for n in header.names]
        source.expect_width(len(header))
        builder = _Builder(ctx, default_area, None)
        # With labels (``F: Female``) coded cells are cut to their ids; free
        # text (COMMENT_OBS, SOURCE_DETAIL) is kept whole: "type of data: B R".
        coded = {
            i for i, name in enumerate(names)
            if labelled and (name not in builder.attributes or name in _CODED_ATTRIBUTES)
        }  # fmt: skip
        width = len(header)
        for line, row in ctx.data_rows(rows):
            if len(row) < width:
                yield ctx.problem(line, None, f"the row has {len(row)} columns, the header {width}", row)
                continue
            action = row[action_i].strip().upper() if action_i is not None else ""
            if action == "D":
                yield ctx.problem(line, "ACTION", "a delete action (D) cannot be imported", row)
                continue
            flow = row[flow_i].strip()
            builder.flow_id = re.sub(r"^[^:]*:|\(.*\)$", "", flow) or None
            values = {
                name: _id(row[i]) if i in coded else row[i].strip()
                for i, name in enumerate(names)
                if name not in _CSV_FIXED and i != value_i
            }
            result = builder.build(values, row[value_i], line, row)
            if result is not None:
                yield result


# --- SDMX-ML -----------------------------------------------------------------


def _read_xml(ctx: Context, path, default_area):
    try:
        import sdmx
    except ImportError:  # pragma: no cover - sdmx1 is a project dependency
        raise FormatError(ctx.file, "reading SDMX-ML needs the sdmx1 package") from None
    logging.getLogger("sdmx").setLevel(logging.ERROR)
    try:
        message = sdmx.read_sdmx(str(path))
    except Exception as exc:  # lxml, sdmx1 and XML errors all mean "unreadable"
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FormatError(ctx.file, f"is not a readable SDMX-ML message ({text[:150]})") from None
    data_sets = getattr(message, "data", None)
    if data_sets is None:
        raise FormatError(ctx.file, f"is an SDMX {type(message).__name__}, not a data message")
    number = 0
    for data_set in data_sets:
        flow = getattr(getattr(data_set, "described_by", None), "id", None)
        builder = _Builder(ctx, default_area, flow)
        for observation in data_set.obs:
            number += 1
            ctx.stats.rows += 1
            values = {}
            try:
                for code, key_value in observation.key.values.items():
                    values[str(code)] = str(key_value.value)
                for code, attribute in observation.attrib.items():
                    values[str(code)] = str(attribute.value)
            except Exception as exc:  # pragma: no cover - malformed model objects
                yield ctx.problem(f"obs {number}", None, f"cannot be read ({exc})")
                continue
            result = builder.build(values, observation.value, f"obs {number}")
            if result is not None:
                yield result
    if number == 0:
        raise FormatError(ctx.file, "holds no observations")
