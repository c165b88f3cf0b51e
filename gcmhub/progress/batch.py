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
lines are assessed in one vectorised call.

The Django management command is a thin wrapper::

    class Command(BaseCommand):
        def run_from_argv(self, argv):
            sys.exit(batch.main(argv[2:]))
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .engine import (
    DEFAULT_METHOD,
    ParsedSeries,
    SeriesBatch,
    SeriesInputError,
    assess,
    available_methods,
    parse_record,
)

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
    """Output lines (without newline) in input order, and how many were errors."""

    lines: list[str] = field(default_factory=list)
    error_count: int = 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


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


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not valid JSON")


def run_batch(
    lines: Iterable[str], method: str = DEFAULT_METHOD, *, details: bool = False, **params: Any
) -> BatchOutput:
    """Assess every JSON line of ``lines``; blank lines are skipped.

    Returns the output lines in input order and the number of error lines.
    Raises ``ValueError`` only for an unknown method or bad ``params``.
    """
    if method not in available_methods():
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(available_methods())}")
    slots: list[str | None] = []  # output line, or None for "filled by the assessment"
    parsed: list[ParsedSeries] = []
    errors = 0
    for lineno, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if not text:
            continue
        where = f"line {lineno}"
        try:
            obj = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            slots.append(_error_line(_salvage_id(text), method, f"{where}: invalid JSON ({exc})"))
            errors += 1
            continue
        try:
            parsed.append(parse_record(obj, where=where))
        except SeriesInputError as exc:
            series_id = obj.get("id") if isinstance(obj, dict) else None
            if isinstance(series_id, (dict, list)) or (
                isinstance(series_id, float) and not math.isfinite(series_id)
            ):
                series_id = None
            slots.append(_error_line(series_id, method, exc.message))
            errors += 1
            continue
        slots.append(None)

    records: Iterator[dict[str, Any]] = iter(())
    if parsed:
        result = assess(SeriesBatch.from_parsed(parsed), method, **params)
        records = iter(result.to_records(details=details))
    out = BatchOutput(error_count=errors)
    for slot in slots:
        out.lines.append(_dumps(next(records)) if slot is None else slot)
    return out


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
    for line in output:
        stdout.write(line + "\n")
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
