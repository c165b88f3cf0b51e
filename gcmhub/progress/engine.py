"""The progress-assessment engine: pure Python + numpy, no Django.

Many series are assessed in one call. Observations of all series sit in flat
arrays (``SeriesBatch``): series ``i`` owns ``years[offsets[i]:offsets[i+1]]``
and the matching ``values``, sorted by year; per-series parameters (base year,
target, target year, direction, limit) are arrays of length ``n_series``. Each
method computes every result as whole-array operations (no Python loop per
series), and returns an ``Assessment`` of per-series arrays that records the
method, its version, its parameters and the inputs.

    >>> batch = SeriesBatch.from_records([
    ...     {"id": "10.c.1", "data": [{"year": 2015, "value": 7.5}, {"year": 2023, "value": 6.0}],
    ...      "target": 3.0, "direction": "negative"}])
    >>> assess(batch).to_records()[0]["status"]
    'limited_progress'

Methods: ``opensdg`` (default; Open SDG / Statistics Canada, matching
open-sdg/sdg-build), ``escap`` and ``eurostat``. See docs/progress-methods.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from gcmhub.errors import InvalidInput

from .methods import METHODS
from .methods._common import (
    FLAG_NAMES,
    FLAG,
    NOT_AVAILABLE,
    R_FLAT_ZERO,
    R_NONE,
    REASON_TEMPLATES,
    STATUS_NAMES,
    TARGET_ACHIEVED,
    Resolved,
    broadcast_param,
    flat_zero_rule,
)

__all__ = [
    "DEFAULT_BASE_YEAR",
    "DEFAULT_DIRECTION",
    "DEFAULT_METHOD",
    "DEFAULT_TARGET_YEAR",
    "FLAG_NAMES",
    "STATUS_NAMES",
    "Assessment",
    "DuplicateYearError",
    "ParsedSeries",
    "SeriesBatch",
    "SeriesInputError",
    "assess",
    "assess_records",
    "available_methods",
    "parse_record",
]

DEFAULT_METHOD = "opensdg"
DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030
DEFAULT_DIRECTION = "negative"  # Open SDG's default when no direction is configured
MIN_YEAR, MAX_YEAR = 1, 9999


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class SeriesInputError(InvalidInput):
    """A series cannot be assessed as given (bad field, non-numeric value...)."""

    def __init__(self, message: str, *, series_id: Any = None, field: str | None = None):
        super().__init__(message, field=field)
        self.series_id = series_id


class DuplicateYearError(SeriesInputError):
    """A series has two values for the same year."""


# --------------------------------------------------------------------------
# Parsing one series given as a mapping (the batch line format)
# --------------------------------------------------------------------------

_YEAR_PREFIX = re.compile(r"\d{4}", re.ASCII)
_DIRECTIONS = {"positive": 1, "negative": -1, 1: 1, -1: -1}


@dataclass(frozen=True)
class ParsedSeries:
    """One validated series: years and values (missing values dropped) and parameters."""

    id: Any
    years: tuple[int, ...]
    values: tuple[float, ...]
    base_year: int = DEFAULT_BASE_YEAR
    target: float = math.nan  # NaN: no target
    target_year: int = DEFAULT_TARGET_YEAR
    direction: int = -1  # +1: increase desirable, -1: decrease desirable
    limit: float = math.nan  # NaN: no limit


def parse_year(raw: Any, where: str) -> int:
    """A year: an integer, an integral number, or a string starting with four
    digits ("2015", "2015-16", "2000/01", "1980 to 1990" -> first year, the
    Open SDG rule)."""
    if isinstance(raw, bool) or raw is None:
        raise SeriesInputError(f"{where}: {_clip(raw)} is not a year", field=where)
    if isinstance(raw, (int, np.integer)):
        year = int(raw)
    elif isinstance(raw, (float, np.floating)):
        if not math.isfinite(raw) or raw != int(raw):
            raise SeriesInputError(f"{where}: {_clip(raw)} is not a whole year", field=where)
        year = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not _YEAR_PREFIX.match(text) or (len(text) > 4 and text[4].isdigit()):
            raise SeriesInputError(f"{where}: {_clip(raw)} is not a year", field=where)
        year = int(text[:4])
    else:
        raise SeriesInputError(f"{where}: {_clip(raw)} is not a year", field=where)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise SeriesInputError(f"{where}: year {_clip(year)} is out of range", field=where)
    return year


def _clip(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_number(raw: Any, where: str, *, missing_ok: bool = False) -> float | None:
    """A finite number (numeric strings accepted). ``None`` (and NaN) mean
    missing, allowed only when ``missing_ok``."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        if missing_ok:
            return None
        raise SeriesInputError(f"{where}: a number is required", field=where)
    if isinstance(raw, bool):
        raise SeriesInputError(f"{where}: {_clip(raw)} is not a number", field=where)
    if isinstance(raw, (int, float, np.integer, np.floating, str)):
        try:
            value = float(raw.strip() if isinstance(raw, str) else raw)
        except (ValueError, OverflowError):
            raise SeriesInputError(f"{where}: {_clip(raw)} is not a number", field=where) from None
    else:
        raise SeriesInputError(f"{where}: {_clip(raw)} is not a number", field=where)
    if not math.isfinite(value):
        raise SeriesInputError(f"{where}: {_clip(raw)} is not a finite number", field=where)
    return value


def parse_record(obj: Any, *, where: str = "") -> ParsedSeries:
    """Validate one series given as ``{"id", "data": [{"year", "value"}...],
    "base_year", "target", "target_year", "direction", "limit"}``.

    Defaults: base_year 2015, target none, target_year 2030, direction
    "negative" (Open SDG's default), limit none. Observations whose value is
    null (or NaN) are dropped, as Open SDG drops NA, without checking their
    year (placeholder rows such as "There is no data..."). Raises ``SeriesInputError``
    (``DuplicateYearError`` for two values in one year) naming the field.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(obj, Mapping):
        raise SeriesInputError(f"{prefix}expected a JSON object, got {type(obj).__name__}")
    series_id = obj.get("id")
    if series_id is None:
        raise SeriesInputError(f"{prefix}missing 'id'", field="id")
    if isinstance(series_id, bool) or not isinstance(series_id, (str, int, float)):
        raise SeriesInputError(f"{prefix}'id' must be a string or a number", field="id")

    def fail(exc: SeriesInputError) -> SeriesInputError:
        kind = DuplicateYearError if isinstance(exc, DuplicateYearError) else SeriesInputError
        return kind(f"{prefix}{exc.message}", series_id=series_id, field=exc.field)

    try:
        data = obj.get("data")
        if data is None:
            raise SeriesInputError("missing 'data'", field="data")
        if not isinstance(data, (list, tuple)):
            raise SeriesInputError('\'data\' must be a list of {"year", "value"} objects', field="data")
        years: list[int] = []
        values: list[float] = []
        seen: dict[int, int] = {}
        for k, item in enumerate(data):
            if type(item) is dict:  # fast path: {"year": int, "value": int|float}
                raw_year, raw_value = item.get("year"), item.get("value")
                if (
                    type(raw_year) is int
                    and MIN_YEAR <= raw_year <= MAX_YEAR
                    and (
                        (type(raw_value) is float and math.isfinite(raw_value))
                        or (type(raw_value) is int and -1e300 < raw_value < 1e300)
                    )
                ):
                    if raw_year in seen:
                        raise DuplicateYearError(
                            f"duplicate year {raw_year} (data[{seen[raw_year]}] and data[{k}])",
                            field=f"data[{k}].year",
                        )
                    seen[raw_year] = k
                    years.append(raw_year)
                    values.append(float(raw_value))
                    continue
            if isinstance(item, Mapping):
                raw_year, raw_value = item.get("year"), item.get("value")
                missing_year = "year" not in item
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                (raw_year, raw_value), missing_year = item, False
            else:
                raise SeriesInputError(f'data[{k}]: expected {{"year", "value"}}', field=f"data[{k}]")
            value = parse_number(raw_value, f"data[{k}].value", missing_ok=True)
            if value is None:
                continue  # no value: the observation does not exist (its year is not checked)
            if missing_year:
                raise SeriesInputError(f"data[{k}]: missing 'year'", field=f"data[{k}].year")
            year = parse_year(raw_year, f"data[{k}].year")
            if year in seen:
                raise DuplicateYearError(
                    f"duplicate year {year} (data[{seen[year]}] and data[{k}])", field=f"data[{k}].year"
                )
            seen[year] = k
            years.append(year)
            values.append(value)

        base_year = obj.get("base_year")
        base_year = DEFAULT_BASE_YEAR if base_year is None else parse_year(base_year, "base_year")
        target_year = obj.get("target_year")
        target_year = DEFAULT_TARGET_YEAR if target_year is None else parse_year(target_year, "target_year")
        target = parse_number(obj.get("target"), "target", missing_ok=True)
        limit = parse_number(obj.get("limit"), "limit", missing_ok=True)
        raw_direction = obj.get("direction")
        if raw_direction is None:
            raw_direction = DEFAULT_DIRECTION
        key = raw_direction.strip().lower() if isinstance(raw_direction, str) else raw_direction
        if isinstance(key, bool) or not isinstance(key, (str, int)) or key not in _DIRECTIONS:
            raise SeriesInputError(
                f"direction: {raw_direction!r} is not 'positive' or 'negative'", field="direction"
            )
    except SeriesInputError as exc:
        raise fail(exc) from None

    return ParsedSeries(
        id=series_id,
        years=tuple(years),
        values=tuple(values),
        base_year=base_year,
        target=math.nan if target is None else target,
        target_year=target_year,
        direction=_DIRECTIONS[key],
        limit=math.nan if limit is None else limit,
    )


# --------------------------------------------------------------------------
# The columnar input
# --------------------------------------------------------------------------


def _direction_array(direction: Any, n: int) -> np.ndarray:
    """+1/-1 per series from "positive"/"negative" or +1/-1 (scalar or array)."""
    arr = np.asarray(direction)
    if arr.dtype.kind in "OUS":
        flat = arr.reshape(-1).tolist()
        text_codes = {"positive": 1, "negative": -1, "1": 1, "+1": 1, "-1": -1}
        codes = [
            text_codes.get(x.strip().lower(), 0) if isinstance(x, str) else (0 if isinstance(x, bool) else x)
            for x in flat
        ]
        codes = [c if c in (1, -1) else 0 for c in codes]
        out = np.asarray(codes, dtype=np.int8).reshape(arr.shape)
    else:
        out = np.where((arr == 1) | (arr == -1), arr, 0).astype(np.int8)
    out = broadcast_param(out, n, np.int8, "direction")
    if np.any(out == 0):
        raise ValueError("direction: every value must be 'positive'/'negative' or +1/-1")
    return out


def _float_array(value: Any, n: int, name: str) -> np.ndarray:
    if value is None:
        return np.full(n, np.nan)
    if isinstance(value, (list, tuple)):
        value = [np.nan if v is None else v for v in value]
    arr = broadcast_param(value, n, np.float64, name)
    if np.any(np.isinf(arr)):
        raise ValueError(f"{name}: values must be finite (NaN means none)")
    return arr


def _year_array(value: Any, n: int, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            raise ValueError(f"{name}: years must be whole numbers")
    return broadcast_param(arr, n, np.int64, name)


@dataclass(frozen=True, eq=False)
class SeriesBatch:
    """Many series in flat arrays. Build it with ``from_arrays``,
    ``from_records`` or ``from_parsed``, which validate, sort and index."""

    offsets: np.ndarray  # int64, n_series + 1
    years: np.ndarray  # int64, sorted within each series, no duplicates
    values: np.ndarray  # float64, finite
    base_year: np.ndarray  # int64 per series
    target: np.ndarray  # float64 per series, NaN = no target
    target_year: np.ndarray  # int64 per series
    direction: np.ndarray  # int8 per series, +1 / -1
    limit: np.ndarray  # float64 per series, NaN = no limit
    ids: Sequence[Any] | None = None
    _key: np.ndarray | None = field(default=None, repr=False)
    _key_origin: tuple[int, int] = field(default=(0, 1), repr=False)

    @property
    def n_series(self) -> int:
        return len(self.offsets) - 1

    @property
    def n_obs(self) -> int:
        return len(self.years)

    def __len__(self) -> int:
        return self.n_series

    def id_of(self, i: int) -> Any:
        return self.ids[i] if self.ids is not None else i

    def series(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Years and values of series ``i`` (views)."""
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return self.years[lo:hi], self.values[lo:hi]

    @cached_property
    def _search_key(self) -> tuple[np.ndarray, int, int]:
        if self._key is not None:
            ymin, span = self._key_origin
            return self._key, ymin, span
        counts = np.diff(self.offsets)
        return _composite_key(np.repeat(np.arange(self.n_series, dtype=np.int64), counts), self.years)

    def first_at_or_after(self, year: np.ndarray) -> np.ndarray:
        """Index of each series' first observation in ``year[i]`` or later
        (``offsets[i+1]`` when there is none)."""
        if self.n_obs == 0:
            return self.offsets[1:].copy()
        key, ymin, span = self._search_key
        rel = np.clip(np.asarray(year, dtype=np.int64) - ymin, 0, span - 1)
        query = np.arange(self.n_series, dtype=np.int64) * span + rel
        return np.searchsorted(key, query, side="left")

    # ---- constructors ---------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        series: Any,
        years: Any,
        values: Any,
        *,
        n_series: int | None = None,
        base_year: Any = DEFAULT_BASE_YEAR,
        target: Any = None,
        target_year: Any = DEFAULT_TARGET_YEAR,
        direction: Any = DEFAULT_DIRECTION,
        limit: Any = None,
        ids: Sequence[Any] | None = None,
    ) -> SeriesBatch:
        """Build from one row per observation (``series`` index 0..n-1, year,
        value) in any order, plus per-series parameters (scalars or arrays of
        length ``n_series``; ``target``/``limit`` NaN or None = none).

        Observations with a NaN value are dropped. Raises
        ``DuplicateYearError`` if a series has two values for one year.
        """
        series = np.asarray(series, dtype=np.int64)
        years_arr = np.asarray(years)
        if years_arr.dtype.kind == "f":
            if not np.all(np.isfinite(years_arr)) or np.any(years_arr != np.floor(years_arr)):
                raise SeriesInputError("years must be whole numbers", field="year")
        years_arr = years_arr.astype(np.int64)
        values = np.asarray(values, dtype=np.float64)
        if not (series.shape == years_arr.shape == values.shape) or series.ndim != 1:
            raise ValueError("series, years and values must be 1-d arrays of one length")
        if n_series is None:
            n_series = int(series.max()) + 1 if series.size else 0
        if series.size and (series.min() < 0 or series.max() >= n_series):
            raise ValueError(f"series indices must lie in [0, {n_series})")
        if ids is not None and len(ids) != n_series:
            raise ValueError(f"ids: expected {n_series} ids, got {len(ids)}")
        if years_arr.size and (years_arr.min() < MIN_YEAR or years_arr.max() > MAX_YEAR):
            raise SeriesInputError(f"years must lie in {MIN_YEAR}..{MAX_YEAR}", field="year")

        present = ~np.isnan(values)
        if not present.all():
            series, years_arr, values = series[present], years_arr[present], values[present]
        if np.any(np.isinf(values)):
            bad = int(series[np.isinf(values)][0])
            raise SeriesInputError(
                "values must be finite", series_id=ids[bad] if ids is not None else bad, field="value"
            )

        key, ymin, span = _composite_key(series, years_arr)
        if key.size > 1 and not np.all(key[1:] > key[:-1]):
            order = np.argsort(key, kind="stable")
            key, series, years_arr, values = key[order], series[order], years_arr[order], values[order]
            dup = np.flatnonzero(key[1:] == key[:-1])
            if dup.size:
                s, y = int(series[dup[0]]), int(years_arr[dup[0]])
                sid = ids[s] if ids is not None else s
                raise DuplicateYearError(
                    f"series {sid!r}: duplicate year {y} ({dup.size} duplicate(s) in all)",
                    series_id=sid,
                    field="year",
                )
        offsets = np.zeros(n_series + 1, dtype=np.int64)
        np.cumsum(np.bincount(series, minlength=n_series), out=offsets[1:])

        return cls(
            offsets=offsets,
            years=years_arr,
            values=values,
            base_year=_year_array(base_year, n_series, "base_year"),
            target=_float_array(target, n_series, "target"),
            target_year=_year_array(target_year, n_series, "target_year"),
            direction=_direction_array(direction, n_series),
            limit=_float_array(limit, n_series, "limit"),
            ids=list(ids) if ids is not None else None,
            _key=key,
            _key_origin=(ymin, span),
        )

    @classmethod
    def from_parsed(cls, parsed: Sequence[ParsedSeries]) -> SeriesBatch:
        """Build from validated series (see ``parse_record``)."""
        n = len(parsed)
        lengths = np.fromiter((len(p.years) for p in parsed), dtype=np.int64, count=n)
        total = int(lengths.sum())
        years = np.fromiter((y for p in parsed for y in p.years), dtype=np.int64, count=total)
        values = np.fromiter((v for p in parsed for v in p.values), dtype=np.float64, count=total)
        return cls.from_arrays(
            np.repeat(np.arange(n, dtype=np.int64), lengths),
            years,
            values,
            n_series=n,
            base_year=np.fromiter((p.base_year for p in parsed), dtype=np.int64, count=n),
            target=np.fromiter((p.target for p in parsed), dtype=np.float64, count=n),
            target_year=np.fromiter((p.target_year for p in parsed), dtype=np.int64, count=n),
            direction=np.fromiter((p.direction for p in parsed), dtype=np.int8, count=n),
            limit=np.fromiter((p.limit for p in parsed), dtype=np.float64, count=n),
            ids=[p.id for p in parsed],
        )

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> SeriesBatch:
        """Build from mappings in the batch line format; raises
        ``SeriesInputError`` on the first invalid one."""
        return cls.from_parsed([parse_record(rec, where=f"series {k}") for k, rec in enumerate(records)])


def _composite_key(series: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, int, int]:
    """``series*span + (year - ymin)``: sorting by it sorts by (series, year)."""
    if years.size == 0:
        return np.zeros(0, dtype=np.int64), 0, 1
    ymin, ymax = int(years.min()), int(years.max())
    span = ymax - ymin + 2  # one spare slot: "after the latest year"
    return series * span + (years - ymin), ymin, span


# --------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------

_OUTPUT_KEYS = (
    "id",
    "status",
    "score",
    "progress_value",
    "base_year",
    "base_value",
    "current_year",
    "current_value",
    "method",
    "reason",
)


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else x


def _nums(arr: np.ndarray) -> list[float | None]:
    """``_num`` over a whole float array, without a Python call per item."""
    out = arr.astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def _years(arr: np.ndarray) -> list[int | None]:
    """``_year`` over a whole float array of years (NaN: none)."""
    missing = np.isnan(arr)
    out = np.where(missing, 0, arr).astype(np.int64).astype(object)
    out[missing] = None
    return out.tolist()


def _show(x: Any) -> str:
    if x is None:
        return "none"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _flag_list(mask: int, cache: dict[int, list[str]]) -> list[str]:
    if mask not in cache:
        cache[mask] = [name for k, name in enumerate(FLAG_NAMES) if mask >> k & 1]
    return cache[mask]


@dataclass(frozen=True, eq=False)
class Assessment:
    """Per-series results of one method over one ``SeriesBatch``.

    Arrays (length ``n``): ``status`` (codes into ``STATUS_NAMES``),
    ``method_status`` (codes into ``method_status_names``), ``score``,
    ``progress_value``, ``cagr_actual``, ``cagr_required``, ``ratio``,
    ``projection``, ``flags`` (bit mask over ``FLAG_NAMES``), ``reason``
    (codes, text via ``reasons()``) and, in ``resolved``, base/latest year and
    value. NaN means "not available". ``extra`` holds method-specific arrays.
    ``inputs`` is the assessed batch; ``params`` the full parameter set.
    """

    method: str
    method_version: str
    params: dict[str, Any]
    method_status_names: tuple[str, ...]
    inputs: SeriesBatch
    resolved: Resolved
    status: np.ndarray
    method_status: np.ndarray
    score: np.ndarray
    progress_value: np.ndarray
    cagr_actual: np.ndarray
    cagr_required: np.ndarray
    ratio: np.ndarray
    projection: np.ndarray
    flags: np.ndarray
    reason: np.ndarray
    extra: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.status)

    @property
    def base_year(self) -> np.ndarray:
        return self.resolved.base_year

    @property
    def base_value(self) -> np.ndarray:
        return self.resolved.base_value

    @property
    def current_year(self) -> np.ndarray:
        return self.resolved.current_year

    @property
    def current_value(self) -> np.ndarray:
        return self.resolved.current_value

    @property
    def status_names(self) -> np.ndarray:
        return np.asarray(STATUS_NAMES, dtype=object)[self.status]

    @property
    def method_status_labels(self) -> np.ndarray:
        return np.asarray(self.method_status_names, dtype=object)[self.method_status]

    def provenance(self) -> dict[str, Any]:
        """What produced these results (store it with them)."""
        return {"method": self.method, "method_version": self.method_version, "parameters": dict(self.params)}

    def to_records(self, *, details: bool = False, indices: Any = None) -> list[dict[str, Any]]:
        """One dict per series, in input order (or for ``indices`` only).

        Keys: id, status, score, progress_value, base_year, base_value,
        current_year, current_value, method, reason, method_status,
        method_version, flags; with ``details`` also the inputs (requested
        base year, target, target year, direction, limit, number of points)
        and the components (CAGRs, ratio, projection, method-specific
        values). Missing numbers are ``None``; nothing is NaN or infinite.
        """
        batch, r = self.inputs, self.resolved
        sel = np.arange(len(self)) if indices is None else np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(sel)

        def col(arr: np.ndarray) -> list:
            return arr[sel].tolist()

        cols = {
            "status": col(self.status_names),
            "method_status": col(self.method_status_labels),
            "score": _nums(self.score[sel]),
            "progress_value": _nums(self.progress_value[sel]),
            "base_year": _years(r.base_year[sel]),
            "base_value": _nums(r.base_value[sel]),
            "current_year": _years(r.current_year[sel]),
            "current_value": _nums(r.current_value[sel]),
            "flags": col(self.flags),
            "reason": col(self.reason),
            "requested_base_year": col(r.requested_base_year),
            "target": col(batch.target),
            "target_year": col(batch.target_year),
            "direction": col(batch.direction),
            "limit": col(batch.limit),
        }
        if details:
            cols |= {
                "cagr_actual": col(self.cagr_actual),
                "cagr_required": col(self.cagr_required),
                "ratio": col(self.ratio),
                "projection": col(self.projection),
                "n_points": col(r.n_points),
            }
            extra = {name: col(arr) for name, arr in self.extra.items()}
        positions = sel.tolist()
        ids = positions if batch.ids is None else [batch.ids[i] for i in positions]
        flag_lists: dict[int, list[str]] = {}
        method, method_version = self.method, self.method_version
        out = []
        # One pass over zipped columns with local names: per-record lookups
        # were most of the time of a 100,000-series batch.
        rows = zip(
            ids,
            cols["status"],
            cols["score"],
            cols["progress_value"],
            cols["base_year"],
            cols["base_value"],
            cols["current_year"],
            cols["current_value"],
            cols["method_status"],
            cols["flags"],
        )
        for i, (sid, status, score, progress, base_year, base_value, current_year, current_value, mstatus, mask) in (
            enumerate(rows)
        ):
            rec = {
                "id": sid,
                "status": status,
                "score": score,
                "progress_value": progress,
                "base_year": base_year,
                "base_value": base_value,
                "current_year": current_year,
                "current_value": current_value,
                "method": method,
                "reason": None,
                "method_status": mstatus,
                "method_version": method_version,
                "flags": list(_flag_list(mask, flag_lists)),
            }
            template = REASON_TEMPLATES[cols["reason"][i]]
            if template is not None:
                rec["reason"] = template.format(
                    requested_base_year=cols["requested_base_year"][i],
                    base_year=_show(rec["base_year"]),
                    base_value=_show(rec["base_value"]),
                    current_year=_show(rec["current_year"]),
                    current_value=_show(rec["current_value"]),
                    target=_show(_num(cols["target"][i])),
                    target_year=cols["target_year"][i],
                )
            if details:
                rec |= {
                    "requested_base_year": cols["requested_base_year"][i],
                    "target": _num(cols["target"][i]),
                    "target_year": cols["target_year"][i],
                    "direction": "positive" if cols["direction"][i] > 0 else "negative",
                    "limit": _num(cols["limit"][i]),
                    "n_points": cols["n_points"][i],
                    "cagr_actual": _num(cols["cagr_actual"][i]),
                    "cagr_required": _num(cols["cagr_required"][i]),
                    "ratio": _num(cols["ratio"][i]),
                    "projection": _num(cols["projection"][i]),
                }
                rec |= {name: _num(values[i]) for name, values in extra.items()}
            out.append(rec)
        return out

    def record(self, i: int, *, details: bool = False) -> dict[str, Any]:
        """The result dict of series ``i``."""
        return self.to_records(details=details, indices=[i])[0]


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def available_methods() -> tuple[str, ...]:
    return tuple(METHODS)


def method_defaults(method: str) -> dict[str, Any]:
    return dict(_method(method).DEFAULT_PARAMS)


def _method(method: str):
    try:
        return METHODS[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}") from None


def assess(batch: SeriesBatch, method: str = DEFAULT_METHOD, **params: Any) -> Assessment:
    """Assess every series of ``batch`` with ``method`` in one vectorised pass.

    ``params`` override the method's defaults (see ``method_defaults``); the
    full set is recorded in the result.
    """
    module = _method(method)
    full_params = module.validate_params(params)
    out = module.compute(batch, full_params)
    _apply_flat_zero_rule(batch, out, module.METHOD_STATUS_NAMES)
    return Assessment(
        method=module.NAME,
        method_version=module.VERSION,
        params=full_params,
        method_status_names=module.METHOD_STATUS_NAMES,
        inputs=batch,
        **out,
    )


def _apply_flat_zero_rule(batch: SeriesBatch, out: dict[str, Any], method_status_names: Sequence[str]) -> None:
    """Overwrite a method's result for series that stay at zero (see ``flat_zero_rule``)."""
    achieved, not_assessed = flat_zero_rule(batch, out["resolved"])
    flat = achieved | not_assessed
    if not flat.any():
        return
    out["status"][achieved] = TARGET_ACHIEVED
    out["method_status"][achieved] = method_status_names.index("target_achieved")
    out["score"][achieved] = 5.0  # every method's score for an achieved target
    out["status"][not_assessed] = NOT_AVAILABLE
    out["method_status"][not_assessed] = 0  # every method lists its "no result" status first
    for name in ("score", "progress_value", "ratio", "projection"):
        out[name][not_assessed] = np.nan
    # The 0 -> 0.001 replacement played no part in these results.
    out["flags"][flat] &= ~FLAG["zero_base_replaced"]
    out["flags"][flat] |= FLAG["zero_base_and_latest"]
    out["reason"][flat] = R_NONE
    out["reason"][not_assessed] = R_FLAT_ZERO


def assess_records(
    records: Iterable[Mapping[str, Any]],
    method: str = DEFAULT_METHOD,
    *,
    details: bool = False,
    **params: Any,
) -> list[dict[str, Any]]:
    """Convenience: mappings in the batch line format in, result dicts out."""
    return assess(SeriesBatch.from_records(records), method, **params).to_records(details=details)
