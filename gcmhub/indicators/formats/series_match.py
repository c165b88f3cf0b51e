"""Which SDG series an Open SDG file reports, from its indicator, ``Series`` and ``Units``.

An Open SDG file names its indicator (``indicator_10-c-1.csv``) and, in a
``Series`` column, describes its series in words ("Remittance costs as a
proportion of the amount remitted"); the SDG database has the series codes
and their descriptions (``SI_RMT_COST``: "Remittance costs as a proportion
of the amount remitted (%)"). ``match_series`` finds the code:

* a label that is itself one of the indicator's codes is that code;
* otherwise the words of the label are compared with each description's
  (lower case, accents and punctuation off, plural ``s`` off, the unit in
  brackets and the ", by sex and age" tail left out, small words ignored):
  the best description wins if it shares at least half of the words of the
  two, and clearly more than the next best (the only candidate: if it has
  at least half of the label's words);
* without a label, an indicator with one series has that series, and one
  with several has the series whose description is the indicator's title;
* a unit (``Percentage (%)``, ``Number``) rules out a series whose
  description names another unit (``(%)``, ``(number)``); where one label
  comes in several units, the unit must be the series' own.

Anything else is not resolved (``None``): the caller reports it rather
than guess. Pure Python, no database: the caller passes the candidates.

>>> candidates = [("SI_RMT_COST", "Remittance costs as a proportion of the amount remitted (%)"),
...               ("SI_RMT_COST_BC", "Average remittance cost of sending USD 200 to a receiving country "
...                "as a proportion of the amount remitted (%)")]
>>> match_series(candidates, "Remittance costs as a proportion of the amount remitted", "Percentage (%)")
'SI_RMT_COST'
>>> match_series(candidates, None, None, title="Remittance costs as a proportion of the amount remitted")
'SI_RMT_COST'
"""

from __future__ import annotations

import re

from .codes import _UNIT_MEASURE, _norm, unit_measure_code

__all__ = ["match_series", "is_translation_key"]

_SMALL_WORDS = frozenset({"a", "an", "the", "of", "as", "to", "in", "and", "or", "for", "on", "at", "per", "with"})
_BRACKETS = re.compile(r"\(([^()]*)\)")
_BY_TAIL = re.compile(r",\s*(?:by|per)\s.*$", re.IGNORECASE)
_TRANSLATION_KEY = re.compile(r"^[A-Za-z_][\w-]*\.[\w.-]+$")
MIN_SCORE = 0.5
TITLE_SCORE = 0.9
MARGIN = 0.05


def is_translation_key(text: str) -> bool:
    """``data.1_Yes``, ``global_indicators.10-7-2-title``: not words to compare."""
    return bool(_TRANSLATION_KEY.match(text.strip())) and " " not in text.strip()


def _words(text: str) -> frozenset[str]:
    text = _BY_TAIL.sub("", _BRACKETS.sub(" ", text))
    words = set()
    for word in _norm(text).split():
        if word in _SMALL_WORDS:
            continue
        words.add(_singular(word))
    return frozenset(words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"  # injuries → injury
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _known_unit(text: str | None) -> str | None:
    """A unit as a code of the SDG DSD, or ``None`` when it is not one we know."""
    code = unit_measure_code(text) if text else ""
    return code if code in _UNIT_MEASURE else None


def _unit_in(description: str) -> str | None:
    """The unit a description names in its last brackets, as a DSD code (``(%)`` → ``PT``)."""
    found = _BRACKETS.findall(description)
    return _known_unit(found[-1]) if found else None


def _score(label: frozenset[str], description: frozenset[str], *, alone: bool) -> float:
    """Shared words over all words; for the only candidate, the share of the label's words it has."""
    if not label or not description:
        return 0.0
    return len(label & description) / len(label if alone else label | description)


def match_series(candidates, label: str | None, unit: str | None, *, title: str | None = None,
                 unit_required: bool = False) -> str | None:  # fmt: skip
    """The code of the candidate ``(code, description)`` the label and unit describe, or ``None``."""
    if not candidates:
        return None
    label = (label or "").strip()
    if label and is_translation_key(label):
        label = ""
    by_code = {code.upper(): code for code, _description in candidates}
    if label.upper() in by_code:
        return by_code[label.upper()]
    unit_code = _known_unit(unit)
    possible = []
    for code, description in candidates:
        own_unit = _unit_in(description)
        if unit_required and (own_unit is None or own_unit != unit_code):
            continue
        if unit_code and own_unit and own_unit != unit_code:
            continue
        possible.append((code, description))
    if not possible:
        return None
    if not label:
        if len(candidates) == 1:
            return possible[0][0]
        label, threshold = title or "", TITLE_SCORE
    else:
        threshold = MIN_SCORE
    words = _words(label)
    alone = len(possible) == 1
    scored = sorted(((_score(words, _words(description), alone=alone), code) for code, description in possible),
                    reverse=True)  # fmt: skip
    best, code = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best >= threshold and best - runner_up >= MARGIN:
        return code
    return None
