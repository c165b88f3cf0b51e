"""Reading batch lines fast: typed decoding plus whole-array validation.

``parse_record`` validates one Python dict at a time and is the reference for
what a batch line may contain and for the wording of every error. Running it
on 100,000 lines costs seconds, so the batch reads lines in two tiers:

1. The common shape (``{"id": str|int, "data": [{"year": int, "value":
   number|null}...], "base_year": int, "target": number, "target_year": int,
   "direction": str, "limit": number}``, optional keys null or absent) is
   decoded by msgspec straight into typed structs, which checks types and year
   ranges while it parses. What is left — finite numbers, duplicate years,
   the direction word — is checked on whole arrays, a block of lines at a time.
2. Any line that is not in that shape or fails a check goes through
   ``json.loads`` + ``parse_record`` exactly as before: it is either accepted
   (the lenient forms, e.g. ``"year": "2015-16"`` or ``[year, value]`` pairs)
   or refused with the same message as before.

So the fast tier only ever accepts lines the reference accepts, with the same
values, and every error message still comes from the reference.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Annotated, Any

import msgspec
import numpy as np

from .engine import (
    DEFAULT_BASE_YEAR,
    DEFAULT_DIRECTION,
    DEFAULT_TARGET_YEAR,
    MAX_YEAR,
    MIN_YEAR,
    ParsedSeries,
    SeriesBatch,
    SeriesInputError,
    parse_record,
)

# Lines checked together: big enough for whole-array checks to pay, small
# enough that the text of a block's lines is cheap to keep for the fallback.
BLOCK_LINES = 8192

Year = Annotated[int, msgspec.Meta(ge=MIN_YEAR, le=MAX_YEAR)]
_DIRECTION_CODES = {"positive": 1, "negative": -1}


class _Observation(msgspec.Struct, gc=False):
    year: Year
    value: float | None = None


class _Line(msgspec.Struct, gc=False):
    id: str | int
    data: list[_Observation]
    base_year: Year | None = None
    target: float | None = None
    target_year: Year | None = None
    direction: str | None = None
    limit: float | None = None


_DECODER = msgspec.json.Decoder(_Line)
_YEAR_OF, _VALUE_OF = attrgetter("year"), attrgetter("value")


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not valid JSON")


@dataclass
class LineError:
    """A line that cannot be assessed: the id (when one can be told) and why."""

    series_id: Any
    reason: str


@dataclass
class ParsedLines:
    """The lines of a batch: ``slots`` in input order holds, per non-blank
    line, ``None`` (assessed: the next series of ``batch``) or a ``LineError``."""

    slots: list[LineError | None]
    batch: SeriesBatch | None

    @property
    def error_count(self) -> int:
        return sum(slot is not None for slot in self.slots)


def parse_slow(text: str, lineno: int, salvage_id) -> ParsedSeries | LineError:
    """The reference path for one line: ``json.loads`` + ``parse_record``."""
    where = f"line {lineno}"
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        return LineError(salvage_id(text), f"{where}: invalid JSON ({exc})")
    try:
        return parse_record(obj, where=where)
    except SeriesInputError as exc:
        series_id = obj.get("id") if isinstance(obj, dict) else None
        if isinstance(series_id, (dict, list)) or (isinstance(series_id, float) and not math.isfinite(series_id)):
            series_id = None
        return LineError(series_id, exc.message)


class _Columns:
    """Growing flat arrays of the accepted series, in input order."""

    def __init__(self) -> None:
        self.years: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.params: dict[str, list[np.ndarray]] = {
            name: [] for name in ("base_year", "target", "target_year", "direction", "limit")
        }
        self.ids: list[Any] = []

    def add(self, years, values, lengths, ids, **params) -> None:
        self.years.append(np.asarray(years, dtype=np.int64))
        self.values.append(np.asarray(values, dtype=np.float64))
        self.lengths.append(np.asarray(lengths, dtype=np.int64))
        self.ids.extend(ids)
        for name, arr in params.items():
            self.params[name].append(arr)

    def add_parsed(self, p: ParsedSeries) -> None:
        self.add(
            p.years,
            p.values,
            [len(p.years)],
            [p.id],
            base_year=np.array([p.base_year], dtype=np.int64),
            target=np.array([p.target]),
            target_year=np.array([p.target_year], dtype=np.int64),
            direction=np.array([p.direction], dtype=np.int8),
            limit=np.array([p.limit]),
        )

    def batch(self) -> SeriesBatch | None:
        if not self.ids:
            return None
        lengths = np.concatenate(self.lengths)
        n = len(lengths)
        joined = {name: np.concatenate(parts) for name, parts in self.params.items()}
        return SeriesBatch.from_arrays(
            np.repeat(np.arange(n, dtype=np.int64), lengths),
            np.concatenate(self.years),
            np.concatenate(self.values),
            n_series=n,
            ids=self.ids,
            **joined,
        )


def _optional(items: list[Any], default: float) -> np.ndarray:
    """A float column from values that may be None (-> ``default``)."""
    return np.array([default if x is None else x for x in items], dtype=np.float64)


def _check_block(lines: list[_Line]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Whole-array checks on decoded lines; returns which lines pass and
    their columns (observations of passing and failing lines alike)."""
    n = len(lines)
    lengths = np.fromiter((len(line.data) for line in lines), dtype=np.int64, count=n)
    total = int(lengths.sum())
    # map/chain keep the per-observation loop in C
    years = np.fromiter(chain.from_iterable([map(_YEAR_OF, line.data) for line in lines]), np.int64, total)
    # numpy turns None into NaN: a missing value, dropped like Open SDG's NA
    values = np.array(list(chain.from_iterable([map(_VALUE_OF, line.data) for line in lines])), np.float64)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    present = ~np.isnan(values)
    ok = np.ones(n, dtype=bool)
    ok[owner[present & np.isinf(values)]] = False

    key = owner[present] * (MAX_YEAR + 1) + years[present]
    key.sort()
    ok[key[1:][key[1:] == key[:-1]] // (MAX_YEAR + 1)] = False  # duplicate years

    target = _optional([line.target for line in lines], math.nan)
    limit = _optional([line.limit for line in lines], math.nan)
    ok &= ~np.isinf(target) & ~np.isinf(limit)
    direction = np.fromiter(
        (_direction_code(line.direction) for line in lines), dtype=np.int8, count=n
    )
    ok &= direction != 0
    columns = {
        "lengths": lengths,
        "years": years,
        "values": values,
        "base_year": _optional([line.base_year for line in lines], DEFAULT_BASE_YEAR).astype(np.int64),
        "target": target,
        "target_year": _optional([line.target_year for line in lines], DEFAULT_TARGET_YEAR).astype(np.int64),
        "direction": direction,
        "limit": limit,
    }
    return ok, columns


def _direction_code(raw: str | None) -> int:
    if raw is None:
        raw = DEFAULT_DIRECTION
    code = _DIRECTION_CODES.get(raw)
    return code if code is not None else _DIRECTION_CODES.get(raw.strip().lower(), 0)


def _blocks(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    """The lines with their 1-based numbers, in blocks (unstripped: the
    decoder skips surrounding whitespace, and blank lines are told apart
    only when a line does not decode)."""
    block: list[tuple[int, str]] = []
    for numbered in enumerate(lines, start=1):
        block.append(numbered)
        if len(block) == BLOCK_LINES:
            yield block
            block = []
    if block:
        yield block


def parse_lines(lines: Iterable[str], salvage_id) -> ParsedLines:
    """Read and validate every line; ``salvage_id(text)`` finds the id of a
    line that is not valid JSON, for its error line."""
    slots: list[LineError | None] = []
    columns = _Columns()
    for block in _blocks(lines):
        decoded: list[_Line | None] = []
        for _, raw in block:
            try:
                decoded.append(_DECODER.decode(raw))
            except msgspec.DecodeError:  # includes ValidationError: not the common shape
                decoded.append(None)
        typed = [line for line in decoded if line is not None]
        ok, cols = _check_block(typed) if typed else (np.zeros(0, dtype=bool), {})
        passed = iter(ok.tolist())
        pending: list[ParsedSeries | None] = []  # per accepted line: None = from the typed columns
        for (lineno, raw), line in zip(block, decoded):
            if line is not None and next(passed):
                pending.append(None)
                slots.append(None)
                continue
            text = raw.strip().lstrip("\ufeff")
            if not text:
                continue  # a blank line: no output line
            result = parse_slow(text, lineno, salvage_id)
            if isinstance(result, LineError):
                slots.append(result)
            else:
                pending.append(result)
                slots.append(None)
        _add_block(columns, typed, ok, cols, pending)
    return ParsedLines(slots=slots, batch=columns.batch())


def _add_block(columns: _Columns, typed, keep, cols, pending) -> None:
    """Append a block's accepted series to ``columns`` in input order: runs of
    fast-path lines as array slices, fallback lines one by one."""
    kept = iter(np.flatnonzero(keep).tolist())
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        idx = np.asarray(run, dtype=np.int64)
        in_run = np.zeros(len(typed), dtype=bool)
        in_run[idx] = True
        rows = np.repeat(in_run, cols["lengths"])
        columns.add(
            cols["years"][rows],
            cols["values"][rows],
            cols["lengths"][idx],
            [typed[i].id for i in run],
            **{name: cols[name][idx] for name in ("base_year", "target", "target_year", "direction", "limit")},
        )
        run.clear()

    for parsed in pending:
        if parsed is None:
            run.append(next(kept))
        else:
            flush()
            columns.add_parsed(parsed)
    flush()
