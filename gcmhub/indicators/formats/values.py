"""Numbers as statistical files write them.

``parse_number`` is the one place that decides what a value cell means:

* missing-value markers — blank, ``NA``, ``N/A``, ``..``, ``...``, ``-``,
  ``–``, ``—``, ``NaN`` (any case, surrounding spaces ignored) — give ``None``;
* thousands separators (``1,022``, ``1 022`` with normal, no-break or thin
  spaces), stray quotes (``"12.5"`` inside an already-quoted field) and
  surrounding spaces are accepted;
* anything else that is not a finite decimal number — including ``inf`` and
  numbers too large for a double, such as ``1e400`` — raises ``ValueError``
  whose message is the reason shown to the user (``'abc' is not a number``).

A decimal comma (``1,5``) is refused rather than guessed: ``1,500`` could be
either. Readers pass ``extra_missing`` for markers specific to a format
(UNSD's ``N``).
"""

from __future__ import annotations

import math
import re

__all__ = ["MISSING_MARKERS", "parse_cell", "parse_number"]

MISSING_MARKERS = frozenset({"", "na", "n/a", "..", "...", "-", "–", "—", "nan"})

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:(?P<sep>[,\u00a0\u202f ])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?")
_QUOTES = "\"'\u201c\u201d\u2018\u2019"
_FLOAT_CHARS = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str, extra_missing: frozenset[str] = frozenset()) -> float | None:
    """The number in ``text``, ``None`` for a missing-value marker.

    Raises ``ValueError`` (with a message meant for the user) otherwise.
    """
    try:
        value = float(text)
    except ValueError:
        return _parse_slow(text, extra_missing)
    except TypeError:
        return parse_cell(text, extra_missing)
    if value - value != 0.0 or "_" in text:  # nan, inf, or 1_000 (Python-only syntax)
        return _parse_slow(text, extra_missing)
    return value


def _parse_slow(text: str, extra_missing: frozenset[str]) -> float | None:
    stripped = text.strip().strip(_QUOTES).strip()
    lowered = stripped.lower()
    if lowered in MISSING_MARKERS or stripped in extra_missing:
        return None
    shown = text if len(text) <= 40 else text[:37] + "..."
    number = None
    if _FLOAT_CHARS.fullmatch(stripped):
        number = float(stripped)
    elif match := _THOUSANDS.fullmatch(stripped):
        number = float(stripped.replace(match.group("sep"), ""))
    if number is not None:
        if number - number:  # 1e400 overflows to inf: stored, it would come back as "Infinity"
            raise ValueError(f"{shown!r} is not a finite number (too large)")
        return number
    if lowered in {"inf", "+inf", "-inf", "infinity", "-infinity"}:
        raise ValueError(f"{shown!r} is not a finite number")
    if re.fullmatch(r"[+-]?\d+,\d+", stripped):
        raise ValueError(f"{shown!r} is not a number (decimal comma? write {stripped.replace(',', '.')})")
    if stripped[:1] in "<>" and _FLOAT_CHARS.fullmatch(stripped[1:].strip()):
        raise ValueError(f"{shown!r} is a censored value, not a number")
    raise ValueError(f"{shown!r} is not a number")


def parse_cell(value, extra_missing: frozenset[str] = frozenset()) -> float | None:
    """Like ``parse_number`` for a spreadsheet cell (int, float, str, None, …)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(f"{value!r} is not a finite number")
        return value
    if isinstance(value, str):
        return parse_number(value, extra_missing)
    raise ValueError(f"{str(value)!r} is not a number")
