"""Reference periods: what the files write, and the one form we keep.

==========================  ======================  =====
written                     kept as ``period``      year
==========================  ======================  =====
``2019``, ``2019.0``        ``2019``                2019
``2019-Q3``, ``2019Q3``,    ``2019-Q3``             2019
``2019 Q3``, ``Q3 2019``,
``2019Q3 [YR2019Q3]``
``2019-S1``, ``2019S1``     ``2019-S1``             2019
``2019-07``, ``2019M07``    ``2019-07``             2019
``2019-07-15``              ``2019-07-15``          2019
``2015-16``, ``2015/16``,   ``2015/2016``           2015
``2015-2016``, ``2015/2016``,
``1980 to 1990``, ``2000/01``
``2019-01-01/2019-12-31``   unchanged               2019
==========================  ======================  =====

Ranges are ISO 8601 intervals of whole years; ``year`` is the first year
(as METHODS §3.6 wants for progress: "2015-16" → 2015). Anything else is not
a period and raises ``ValueError``.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["parse_period"]

_YEAR = re.compile(r"(\d{4})(?:\.0+)?")
_QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*-?\s*(\d{4})", re.IGNORECASE)
_SEMESTER = re.compile(r"(\d{4})\s*-?\s*[SH]([12])", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-?M?(\d{2})", re.IGNORECASE)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_RANGE = re.compile(r"(\d{4})\s*(?:-|–|/|to)\s*(\d{2}|\d{4})", re.IGNORECASE)
_INTERVAL = re.compile(r"(\d{4})(?:-\d{2}(?:-\d{2})?)?/(\d{4})(?:-\d{2}(?:-\d{2})?)?")
_DATABANK = re.compile(r"\s*\[[^\]]*\]\s*$")  # "2011Q1 [YR2011Q1]"

_cache: dict[str, tuple[str, int]] = {}
_MIN_YEAR, _MAX_YEAR = 1000, 2999


def parse_period(text) -> tuple[str, int]:
    """``(period, year)`` for what a file writes as the period."""
    if not isinstance(text, str):
        text = _cell_text(text)
    hit = _cache.get(text)
    if hit is not None:
        return hit
    result = _parse(text)
    if len(_cache) < 10_000:
        _cache[text] = result
    return result


def _cell_text(value) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not a period")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def _year(text: str) -> int:
    year = int(text)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError
    return year


def _parse(raw: str) -> tuple[str, int]:
    text = _DATABANK.sub("", raw.strip())
    try:
        if m := _YEAR.fullmatch(text):
            year = _year(m.group(1))
            return str(year), year
        if m := _QUARTER.fullmatch(text):
            year = _year(m.group(1) or m.group(4))
            return f"{year}-Q{m.group(2) or m.group(3)}", year
        if m := _SEMESTER.fullmatch(text):
            year = _year(m.group(1))
            return f"{year}-S{m.group(2)}", year
        if m := _DAY.fullmatch(text):
            day = date(_year(m.group(1)), int(m.group(2)), int(m.group(3)))
            return day.isoformat(), day.year
        if m := _MONTH.fullmatch(text):
            year, month = _year(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return f"{year}-{month:02d}", year
        if m := _RANGE.fullmatch(text):
            start = _year(m.group(1))
            end_text = m.group(2)
            end = _year(end_text) if len(end_text) == 4 else start - start % 100 + int(end_text)
            if len(end_text) == 2 and end < start:
                end += 100
            if end > start and (len(end_text) == 4 or end - start <= 10):
                return f"{start}/{end}", start
        if m := _INTERVAL.fullmatch(text):
            start, end = _year(m.group(1)), _year(m.group(2))
            if end >= start:
                return text, start
    except ValueError:
        pass
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    raise ValueError(f"{shown!r} is not a year or period")
