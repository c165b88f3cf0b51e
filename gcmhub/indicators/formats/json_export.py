"""GCM Hub's own JSON export, read back: ``{"observations": [{...}, ...]}``.

Each observation is an object with the fields ``gcmhub export json`` writes:
``series``, ``indicator``, ``area_m49`` (or ``area``: ISO3 or M49),
``period``, ``dimensions`` (an object, code → value), ``value``, ``unit``,
``unit_mult``, ``obs_status``, ``nature``, ``footnote``, ``source`` and
``series_name``; ``area_name`` and ``year`` are for people and ignored.

The array is read one object at a time (``json.JSONDecoder.raw_decode`` over
a buffer), so a large export is not held in memory; ``line`` is the line on
which the object starts. Anything that is not this shape is a
``FormatError`` naming the line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

from .codes import unit_multiplier
from .context import Context
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .textfiles import check_not_binary

FORMAT = "json"

_BLOCK = 1 << 20
_TEXT_FIELDS = ("unit", "obs_status", "nature", "footnote", "source", "series_name", "indicator")


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a GCM Hub JSON export."""
    ctx = Context(path, stats, options)
    try:
        with open(path, "rb") as raw:
            check_not_binary(ctx.file, raw.read(4096), "a JSON file")
    except IsADirectoryError:
        raise FormatError(ctx.file, "is a folder, not a file") from None
    except OSError as exc:
        raise FormatError(ctx.file, f"cannot be read: {exc.strerror or exc}") from None
    count = 0
    for line, item in _objects(ctx.file, path):
        count += 1
        ctx.stats.rows += 1
        result = _observation(ctx, line, item, default_area)
        if result is not None:
            yield result
    if count == 0:
        raise FormatError(ctx.file, "holds no observations")
    return ctx.stats


class _Stream:
    """Text of a file in blocks, with the line number of the current position."""

    def __init__(self, fh):
        self.fh = fh
        self.text = ""
        self.pos = 0
        self.line = 1
        self.done = False

    def more(self) -> bool:
        if self.done:
            return False
        block = self.fh.read(_BLOCK)
        if not block:
            self.done = True
            return False
        self.line += self.text.count("\n", 0, self.pos)
        self.text = self.text[self.pos :] + block
        self.pos = 0
        return True

    def skip_space(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def line_here(self) -> int:
        return self.line + self.text.count("\n", 0, self.pos)


def _objects(file: str, path) -> Iterator[tuple[int, object]]:
    decoder = json.JSONDecoder()
    try:
        fh = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed in finally
    except UnicodeDecodeError:  # pragma: no cover - decoding happens on read
        raise FormatError(file, "is not UTF-8 text") from None
    try:
        stream = _Stream(fh)
        _expect(stream, file, "{", 'the file must start with {"observations": [')
        stream.pos += 1
        if stream.skip_space() != '"':
            raise FormatError(file, 'the file must start with {"observations": [', line=stream.line_here())
        key = _decode(stream, decoder, file)
        if key != "observations":
            raise FormatError(file, f'the first key must be "observations", not {key!r}', line=stream.line_here())
        _expect(stream, file, ":", 'a ":" must follow "observations"')
        stream.pos += 1
        _expect(stream, file, "[", '"observations" must be a list')
        stream.pos += 1
        first = True
        while True:
            char = stream.skip_space()
            if char == "]":
                return
            if not first:
                if char != ",":
                    raise FormatError(file, "a ',' or ']' must follow an observation", line=stream.line_here())
                stream.pos += 1
                stream.skip_space()
            first = False
            line = stream.line_here()
            yield line, _decode(stream, decoder, file)
    except UnicodeDecodeError:
        raise FormatError(file, "is not UTF-8 text") from None
    finally:
        fh.close()


def _expect(stream: _Stream, file: str, char: str, reason: str) -> None:
    if stream.skip_space() != char:
        raise FormatError(file, reason, line=stream.line_here())


def _decode(stream: _Stream, decoder: json.JSONDecoder, file: str):
    """The JSON value at the stream's position, reading more text until it is whole."""
    while True:
        try:
            value, end = decoder.raw_decode(stream.text, stream.pos)
        except json.JSONDecodeError as exc:
            # cut off by the end of the block: read on (at the end of the file, it is an error)
            if (exc.pos >= len(stream.text) - 64 or "Unterminated" in exc.msg) and stream.more():
                continue
            raise FormatError(file, f"is not valid JSON ({exc.msg})", line=stream.line_here()) from None
        if end >= len(stream.text) and not stream.done and stream.more():
            continue  # a number may go on in the next block
        stream.pos = end
        return value


def _observation(ctx: Context, line: int, item, default_area):
    if not isinstance(item, dict):
        return ctx.problem(line, None, "an observation must be an object")
    series = item.get("series")
    if not isinstance(series, str) or not series.strip():
        return ctx.problem(line, "series", "the series is missing")
    area, scheme = item.get("area_m49"), "m49"
    if not area:
        area = item.get("area")
        scheme = "m49" if isinstance(area, str) and area.isdigit() else "iso3"
    if not area:
        if default_area is None:
            return ctx.problem(line, "area", "no area and no default area was given")
        area, scheme = default_area, "default"
    try:
        period, year = parse_period(str(item.get("period") or ""))
    except ValueError as exc:
        return ctx.problem(line, "period", str(exc))
    value = item.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return ctx.problem(line, "value", f"{value!r} is not a number")
    if value is not None and not math.isfinite(value):
        return ctx.problem(line, "value", f"{value!r} is not a finite number")
    dimensions = item.get("dimensions") or {}
    if not isinstance(dimensions, dict) or not all(isinstance(v, str) for v in dimensions.values()):
        return ctx.problem(line, "dimensions", "dimensions must map codes to text")
    try:
        mult = unit_multiplier(item.get("unit_mult"))
    except ValueError as exc:
        return ctx.problem(line, "unit_mult", str(exc))
    text = {name: _text(item.get(name)) for name in _TEXT_FIELDS}
    obs = Observation(
        series.strip(), text["indicator"], str(area), scheme, period, year,
        None if value is None else float(value), tuple(sorted(dimensions.items())),
        text["unit"], mult, text["obs_status"], text["nature"], text["footnote"], text["source"], line,
        text["series_name"],
    )  # fmt: skip
    return ctx.accept(obs, None)


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
