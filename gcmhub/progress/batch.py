"""``gcmhub progress-calc --batch IN.jsonl [--method opensdg|escap|eurostat]``.

Pure: reads JSON lines, writes JSON lines, needs no Django. One output line
per input line, in input order. Each input line is one series::

    {"id": "KEN-10.c.1", "data": [{"year": 2015, "value": 7.5}, ...],
     "base_year": 2015, "target": 3.0, "target_year": 2030,
     "direction": "negative", "limit": null}

and each output line::

    {"id", "status", "score", "progress_value", "base_year", "base_value",
     "current_year", "current_value", "method", "reason",
     "method_status", "method_version", "flags"}

A line that cannot be read or validated (bad JSON, no id, non-numeric value,
duplicate year...) gives ``{"id": ..., "status": "error", "reason": ...}`` and
the exit status is 1 at the end; the other lines are still assessed. All valid
lines are assessed in one vectorised call. Lines are decoded and validated by
``batchinput`` (typed decoding, whole-array checks, ``parse_record`` for
anything unusual, so error messages come from one place).

The Django management command is a thin wrapper::

    class Command(BaseCommand):
        def run_from_argv(self, argv):
            sys.exit(batch.main(argv[2:]))
"""

from __future__ import annotations

import argparse
import codecs
import gc
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import msgspec
import numpy as np

from .batchinput import parse_lines
from .engine import DEFAULT_METHOD, Assessment, assess, available_methods

EXIT_OK, EXIT_LINE_ERRORS, EXIT_USAGE = 0, 1, 2

OUTPUT_KEYS = (
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


@dataclass
class BatchOutput:
    """Output lines (without newline) in input order, and how many were errors.

    When no line is an error the lines are kept as the encoder wrote them,
    UTF-8 chunks (``encoded``, each line ending in a newline), and split into
    strings only if asked: the command writes the chunks as they are."""

    error_count: int = 0
    encoded: list[bytes] | None = None
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = b"".join(self.encoded or ()).decode("utf-8").splitlines()
        return self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def write_to(self, stream: IO[str]) -> None:
        """Every line, each ending in a newline."""
        if self.encoded is not None and _is_utf8(stream):
            stream.flush()
            for chunk in self.encoded:
                stream.buffer.write(chunk)  # type: ignore[attr-defined]
        elif self.lines:
            stream.write("\n".join(self.lines) + "\n")


def _is_utf8(stream: IO[str]) -> bool:
    """A text stream over a UTF-8 byte stream (standard output, a file), so
    encoded bytes can go straight to it."""
    try:
        return hasattr(stream, "buffer") and codecs.lookup(stream.encoding).name == "utf-8"
    except (LookupError, TypeError):
        return False


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def _error_line(series_id: Any, method: str, reason: str) -> str:
    rec = {key: None for key in OUTPUT_KEYS}
    rec.update(id=series_id, status="error", method=method, reason=reason)
    return _dumps(rec)


_ID_PATTERN = re.compile(r'[{,]\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s*[,}]')


def _salvage_id(text: str) -> Any:
    """Best effort: the id of a line that is not valid JSON (so the error line
    can still be matched to its input)."""
    match = _ID_PATTERN.search(text)
    if not match:
        return None
    try:
        series_id = json.loads(match.group(1))
    except ValueError:
        return None
    return series_id if isinstance(series_id, (str, int)) or math.isfinite(series_id) else None


_ENCODER = msgspec.json.Encoder()


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Millions of short-lived objects (decoded lines, result dicts) and no
    reference cycles: the cyclic collector's repeated scans cost about a
    quarter of the run, so it is paused (reference counting still frees
    everything) and restored as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Results are built and encoded this many at a time: the memory of one chunk's
# records is reused for the next instead of a dict per series held at once
# (a quarter of a 100,000-series run's memory, and the page faults to get it).
RESULT_CHUNK = 8192


def _encoded_results(result: Assessment, details: bool) -> list[bytes] | list[str]:
    """The result records as JSON lines, encoded a chunk at a time (each line
    ends in a newline; a string can hold no raw newline, so the chunks split
    safely on them). If msgspec cannot encode a record (an id with a lone
    surrogate), every record is written by ``json`` instead, as strings."""
    chunks = []
    try:
        for start in range(0, len(result), RESULT_CHUNK):
            chunk = np.arange(start, min(start + RESULT_CHUNK, len(result)))
            chunks.append(_ENCODER.encode_lines(result.to_records(details=details, indices=chunk)))
    except (UnicodeEncodeError, msgspec.EncodeError):
        return [_dumps(rec) for rec in result.to_records(details=details)]
    return chunks


def run_batch(
    lines: Iterable[str], method: str = DEFAULT_METHOD, *, details: bool = False, **params: Any
) -> BatchOutput:
    """Assess every JSON line of ``lines``; blank lines are skipped.

    Returns the output lines in input order and the number of error lines.
    Raises ``ValueError`` only for an unknown method or bad ``params``.
    """
    if method not in available_methods():
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(available_methods())}")
    with _cyclic_gc_paused():
        parsed = parse_lines(lines, _salvage_id)
        encoded: list[bytes] | list[str] = []
        if parsed.batch is not None:
            result = assess(parsed.batch, method, **params)
            encoded = _encoded_results(result, details)
    if not parsed.error_count and all(isinstance(chunk, bytes) for chunk in encoded):
        return BatchOutput(encoded=encoded)
    if encoded and isinstance(encoded[0], bytes):
        encoded = b"".join(encoded).decode("utf-8").splitlines()
    results = iter(encoded)
    lines_out = [next(results) if slot is None else _error_line(slot.series_id, method, slot.reason)
                 for slot in parsed.slots]  # fmt: skip
    return BatchOutput(error_count=parsed.error_count, _lines=lines_out)


# What `gcmhub progress-calc --help` says about the files (see the module docstring).
FORMAT_HELP = """\
input (IN.jsonl): one JSON object per line, one series each; blank lines are skipped.
  id           string or number, copied to the output line (required)
  data         the observations, [{"year": 2015, "value": 7.5}, ...] (required;
               null values are dropped, two values for one year are an error)
  base_year    year progress is measured from (default 2015)
  target       target value (default none: the trend alone is assessed)
  target_year  year the target is due (default 2030)
  direction    "negative" (lower is better, the default) or "positive"
  limit        the natural maximum or minimum of the values (default none)

output (standard output): one JSON object per input line, in input order:
  id, status, score, progress_value, base_year, base_value, current_year,
  current_value, method, reason, method_status, method_version, flags;
  --details adds the inputs used and the method's components (CAGRs, ratio,
  projection...). A line that cannot be read gives status "error" and a reason.

exit status: 0 all lines assessed, 1 some lines were errors, 2 usage or file error.

example:
  echo '{"id": "KEN", "data": [{"year": 2015, "value": 7.5}, {"year": 2022, "value": 6.1}], "target": 3}' \\
    | gcmhub progress-calc --batch -
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gcmhub progress-calc",
        description="Assess progress of many series: one JSON line in, one JSON line out.",
        epilog=FORMAT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--batch", required=True, metavar="IN.jsonl", help="input JSON lines ('-' for standard input)"
    )
    parser.add_argument(
        "--method", default=DEFAULT_METHOD, choices=available_methods(), help="default: %(default)s"
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="add inputs and components (CAGRs, ratio, projection...) to each line",
    )
    return parser


def main(
    argv: list[str] | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command; returns the exit status (0 fine, 1 some lines were
    errors, 2 usage or file error)."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    parser = build_parser()
    try:
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr  # argparse prints --help/usage errors there
        try:
            args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        finally:
            sys.stdout, sys.stderr = old_out, old_err
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE

    try:
        if args.batch == "-":
            output = run_batch(stdin, args.method, details=args.details)
        else:
            with open(args.batch, encoding="utf-8-sig") as handle:
                output = run_batch(handle, args.method, details=args.details)
    except OSError as exc:
        print(f"gcmhub progress-calc: cannot read {args.batch}: {exc.strerror or exc}", file=stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        print(
            f"gcmhub progress-calc: {args.batch} is not UTF-8 text ({exc.reason} at byte {exc.start})",
            file=stderr,
        )
        return EXIT_USAGE
    output.write_to(stdout)
    stdout.flush()
    if output.error_count:
        print(
            f'gcmhub progress-calc: {output.error_count} line(s) could not be assessed (status "error")',
            file=stderr,
        )
        return EXIT_LINE_ERRORS
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
