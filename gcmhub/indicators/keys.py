"""The canonical dimension key of an observation.

An observation's disaggregation is stored as one string: the
``(code, value)`` pairs sorted by code, written ``CODE=VALUE`` and joined
with ``|`` — ``"AGE=Y15T24|SEX=F"``; the headline (no disaggregation) is
``""``. Totals (``_T``, ``_Z``) are left out, so ``SEX=_T`` and no SEX at all
are the same key. A ``\\``, ``|`` or ``=`` inside a code or value (free-text
columns of national files can hold anything) is escaped with a backslash.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["TOTAL_CODES", "dimension_key", "dimension_filter_fragment", "parse_dimension_key"]

TOTAL_CODES = frozenset({"_T", "_Z"})
_SPECIAL = ("\\", "|", "=")


def _escape(text: str) -> str:
    if "\\" in text or "|" in text or "=" in text:
        for char in _SPECIAL:
            text = text.replace(char, "\\" + char)
    return text


def dimension_key(pairs: Iterable[tuple[str, str]]) -> str:
    """``"AGE=Y15T24|SEX=F"`` for ``[("SEX", "F"), ("AGE", "Y15T24")]``."""
    kept = sorted((str(code), str(value)) for code, value in pairs if value not in TOTAL_CODES)
    return "|".join(f"{_escape(code)}={_escape(value)}" for code, value in kept)


def dimension_filter_fragment(code: str, value: str) -> str:
    """The ``CODE=VALUE`` piece as it appears inside a key."""
    return f"{_escape(code)}={_escape(value)}"


def parse_dimension_key(key: str) -> list[tuple[str, str]]:
    """The pairs of a key, in key order; the inverse of ``dimension_key``."""
    if not key:
        return []
    if "\\" not in key:
        return [tuple(part.split("=", 1)) for part in key.split("|")]  # type: ignore[misc]
    pairs: list[tuple[str, str]] = []
    code: list[str] = []
    current: list[str] = []
    chars = iter(key)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "=" and not code:
            code, current = current, []
            code = code or [""]
        elif char == "|":
            pairs.append(("".join(code), "".join(current)))
            code, current = [], []
        else:
            current.append(char)
    pairs.append(("".join(code), "".join(current)))
    return pairs
