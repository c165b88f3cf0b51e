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
from itertools import chain, count, islice
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
_DIRECTION_WORDS = _DIRECTION_CODES | {None: _DIRECTION_CODES[DEFAULT_DIRECTION]}


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
_DATA_OF, _YEAR_OF, _VALUE_OF = attrgetter("data"), attrgetter("year"), attrgetter("value")


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


def _column(lines: list[_Line], name: str, default: float) -> np.ndarray:
    """A float column of one field of the lines; None -> ``default``."""
    column = np.array(list(map(attrgetter(name), lines)), dtype=np.float64)  # None -> NaN
    if not math.isnan(default):
        column[np.isnan(column)] = default
    return column


def _check_block(lines: list[_Line]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Whole-array checks on decoded lines; returns which lines pass and
    their columns (observations of passing and failing lines alike)."""
    n = len(lines)
    lengths = np.fromiter(map(len, map(_DATA_OF, lines)), dtype=np.int64, count=n)
    total = int(lengths.sum())
    # One flat list of the block's observations, then map/attrgetter: the
    # per-observation loops stay in C.
    observations = list(chain.from_iterable(map(_DATA_OF, lines)))
    years = np.fromiter(map(_YEAR_OF, observations), np.int64, total)
    # numpy turns None into NaN: a missing value, dropped like Open SDG's NA
    values = np.array(list(map(_VALUE_OF, observations)), np.float64)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    present = ~np.isnan(values)
    ok = np.ones(n, dtype=bool)
    ok[owner[present & np.isinf(values)]] = False

    key = owner[present] * (MAX_YEAR + 1) + years[present]
    if not np.all(key[1:] > key[:-1]):  # years in order (the usual case) cannot repeat: no sort needed
        key.sort()
        ok[key[1:][key[1:] == key[:-1]] // (MAX_YEAR + 1)] = False  # duplicate years

    target = _column(lines, "target", math.nan)
    limit = _column(lines, "limit", math.nan)
    ok &= ~np.isinf(target) & ~np.isinf(limit)
    # The usual words by one dict lookup each; anything else (case, spaces, unknown) by _direction_code.
    direction = np.array(
        [_DIRECTION_WORDS.get(word) or _direction_code(word) for word in map(attrgetter("direction"), lines)],
        dtype=np.int8,
    )
    ok &= direction != 0
    columns = {
        "lengths": lengths,
        "years": years,
        "values": values,
        "base_year": _column(lines, "base_year", DEFAULT_BASE_YEAR).astype(np.int64),
        "target": target,
        "target_year": _column(lines, "target_year", DEFAULT_TARGET_YEAR).astype(np.int64),
        "direction": direction,
        "limit": limit,
    }
    return ok, columns


def _direction_code(raw: str | None) -> int:
    if raw is None:
        raw = DEFAULT_DIRECTION
    code = _DIRECTION_CODES.get(raw)
    return code if code is not None else _DIRECTION_CODES.get(raw.strip().lower(), 0)


def _blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """The lines in blocks, each with the 1-based number of its first line
    (unstripped: the decoder skips surrounding whitespace, and blank lines
    are told apart only when a line does not decode)."""
    remaining, first = iter(lines), 1
    while block := list(islice(remaining, BLOCK_LINES)):
        yield first, block
        first += len(block)


def _decode(block: list[str]) -> list[_Line | None]:
    """Each line decoded into the common shape, or None where it is not in it."""
    try:
        return list(map(_DECODER.decode, block))  # the usual case: one call per block, no per-line try
    except msgspec.DecodeError:  # includes ValidationError: some line is not the common shape
        pass
    decoded: list[_Line | None] = []
    for raw in block:
        try:
            decoded.append(_DECODER.decode(raw))
        except msgspec.DecodeError:
            decoded.append(None)
    return decoded


def parse_lines(lines: Iterable[str], salvage_id) -> ParsedLines:
    """Read and validate every line; ``salvage_id(text)`` finds the id of a
    line that is not valid JSON, for its error line."""
    slots: list[LineError | None] = []
    columns = _Columns()
    for first, block in _blocks(lines):
        decoded = _decode(block)
        typed = [line for line in decoded if line is not None]
        ok, cols = _check_block(typed) if typed else (np.zeros(0, dtype=bool), {})
        if len(typed) == len(block) and ok.all():  # every line in the common shape and valid
            slots += [None] * len(typed)
            _add_block(columns, typed, ok, cols, [None] * len(typed))
            continue
        passed = iter(ok.tolist())
        pending: list[ParsedSeries | None] = []  # per accepted line: None = from the typed columns
        for lineno, raw, line in zip(count(first), block, decoded):
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
