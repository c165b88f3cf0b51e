"""Side by side: the official self-assessment and the stakeholder scorecards.

Pure Python, no Django: the service (``gcmhub.reviews.scorecards``) reads the
answers the caller may see and hands them here as plain values; the web page,
the API and the CSV/XLSX export all show the rows this module returns, so the
disagreement rule lives in one place.

For each question (an objective) and each domain, a :class:`Row` gives the
official answer, every scorecard's answer, the **spread** (the distance
between the highest and the lowest rated answer, official included) and
**disagreement**.

The disagreement rule (method ``gcmhub-disagreement``, version 1):

* an ordinal scale (``well_developed`` > ``developing`` > ``room_to_develop``)
  compares positions on the scale: the official answer and a scorecard
  disagree when they are **two levels or more** apart (one level is an
  ordinary difference of judgement);
* a numeric score (0–100 points, such as a domain score) disagrees when the
  two are **40 points or more** apart;
* ``disagreement`` compares the official answer with each scorecard: a
  scorecard is an independent check on the official account, so it is that
  gap the flag reports. Scorecards that differ from each other widen the
  ``spread`` (shown for every row) and set ``scorecards_disagree``, but do
  not set ``disagreement``;
* ``not_applicable`` and a missing answer never count as a disagreement (and
  never enter the spread); they are shown as such.

    >>> scale = Scale.ordinal(["well_developed", "developing", "room_to_develop"])
    >>> row = compare_row(scale, "objective-7", "Objective 7",
    ...     Position("official", "Government", "well_developed"),
    ...     [Position("sc-1", "Union", "room_to_develop"), Position("sc-2", "NGO", "developing")])
    >>> (int(row.spread), row.disagreement, [c.disagrees for c in row.scorecards])
    (2, True, [True, False])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

METHOD = "gcmhub-disagreement"
METHOD_VERSION = 1
# The thresholds of the issue: "two levels or more (or 40 points)".
LEVELS_APART = 2
POINTS_APART = Decimal(40)
NOT_APPLICABLE = "not_applicable"

RATED = "rated"
NOT_APPLICABLE_STATUS = "not_applicable"
MISSING = "missing"


@dataclass(frozen=True)
class Scale:
    """How answers compare: an ordinal list of levels (best first), or numeric points."""

    kind: str  # "ordinal" | "numeric"
    levels: tuple[str, ...] = ()
    not_applicable: frozenset[str] = frozenset({NOT_APPLICABLE})

    @classmethod
    def ordinal(cls, levels: Iterable[str], not_applicable: Iterable[str] = (NOT_APPLICABLE,)) -> Scale:
        levels = tuple(levels)
        if len(levels) < 2 or len(set(levels)) != len(levels):
            raise ValueError("An ordinal scale needs two or more distinct levels.")
        return cls("ordinal", levels, frozenset(not_applicable))

    @classmethod
    def numeric(cls) -> Scale:
        return cls("numeric")

    @property
    def threshold(self) -> Decimal:
        return Decimal(LEVELS_APART) if self.kind == "ordinal" else POINTS_APART

    def position(self, value) -> tuple[str, Decimal | None]:
        """(status, comparable number) of one answer. On an ordinal scale the
        number counts levels from the lowest (0) up; a numeric answer is its
        points. Unknown level codes count as missing rather than guessed."""
        if value is None or value == "":
            return MISSING, None
        if isinstance(value, str) and value in self.not_applicable:
            return NOT_APPLICABLE_STATUS, None
        if self.kind == "ordinal":
            if value not in self.levels:
                return MISSING, None
            return RATED, Decimal(len(self.levels) - 1 - self.levels.index(value))
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            return MISSING, None
        if not number.is_finite():
            return MISSING, None
        return RATED, number


@dataclass(frozen=True)
class Position:
    """One source's answer to one question: the official one or a scorecard's."""

    source: str  # a stable key, e.g. "official" or "scorecard-12"
    label: str  # who, as shown (organisation name)
    value: str | float | Decimal | None
    justification: str = ""
    display: str = ""  # the value as shown (a translated level name, "62.5")


@dataclass(frozen=True)
class Cell:
    source: str
    label: str
    value: str | float | Decimal | None
    display: str
    status: str  # rated | not_applicable | missing
    number: Decimal | None  # position on the scale (levels from the lowest, or points)
    justification: str
    difference: Decimal | None = None  # scorecard minus official, when both are rated
    disagrees: bool = False  # with the official answer


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    scale: str
    official: Cell
    scorecards: tuple[Cell, ...]
    spread: Decimal | None  # highest minus lowest rated answer (levels or points)
    disagreement: bool  # official vs. some scorecard, at or over the threshold
    scorecards_disagree: bool  # two scorecards at or over the threshold
    domain: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def all_cells(self) -> tuple[Cell, ...]:
        return (self.official, *self.scorecards)

    @property
    def rated_count(self) -> int:
        return sum(1 for cell in self.all_cells if cell.status == RATED)


def apart(scale: Scale, first: Decimal | None, second: Decimal | None) -> bool:
    """True when two rated answers are at least the scale's threshold apart."""
    if first is None or second is None:
        return False
    return abs(first - second) >= scale.threshold


def _cell(scale: Scale, position: Position | None, source: str = "official") -> Cell:
    if position is None:
        return Cell(source, "", None, "", MISSING, None, "")
    status, number = scale.position(position.value)
    display = position.display or ("" if position.value is None else str(position.value))
    return Cell(
        position.source, position.label, position.value, display, status, number, position.justification or ""
    )


def compare_row(
    scale: Scale,
    key: str,
    label: str,
    official: Position | None,
    scorecards: Sequence[Position],
    *,
    domain: str = "",
) -> Row:
    """Compare one question (or one domain) across the official answer and the scorecards."""
    official_cell = _cell(scale, official)
    cells = []
    for position in scorecards:
        cell = _cell(scale, position, position.source)
        if cell.number is not None and official_cell.number is not None:
            difference = cell.number - official_cell.number
            cell = Cell(
                cell.source,
                cell.label,
                cell.value,
                cell.display,
                cell.status,
                cell.number,
                cell.justification,
                difference=difference,
                disagrees=apart(scale, cell.number, official_cell.number),
            )
        cells.append(cell)
    numbers = [c.number for c in (official_cell, *cells) if c.number is not None]
    spread = (max(numbers) - min(numbers)) if len(numbers) >= 2 else None
    scorecard_numbers = [c.number for c in cells if c.number is not None]
    scorecards_disagree = bool(
        len(scorecard_numbers) >= 2 and max(scorecard_numbers) - min(scorecard_numbers) >= scale.threshold
    )
    return Row(
        key=key,
        label=label,
        scale=scale.kind,
        official=official_cell,
        scorecards=tuple(cells),
        spread=spread,
        disagreement=any(c.disagrees for c in cells),
        scorecards_disagree=scorecards_disagree,
        domain=domain,
    )


@dataclass(frozen=True)
class Comparison:
    """Every question row and every domain row of one review's comparison."""

    instrument: str
    sources: tuple[tuple[str, str], ...]  # (source key, label), official first
    questions: tuple[Row, ...]
    domains: tuple[Row, ...]
    method: str = METHOD
    method_version: int = METHOD_VERSION

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.questions if row.disagreement)


def to_number(value) -> float | None:
    """A JSON-friendly number for a Decimal (None stays None)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def row_record(row: Row) -> dict:
    """A row as plain JSON-ready data (the API and the exports use it)."""

    def cell(c: Cell) -> dict:
        return {
            "source": c.source,
            "label": c.label,
            "value": None if c.value is None else str(c.value),
            "display": c.display,
            "status": c.status,
            "justification": c.justification,
            "difference": to_number(c.difference),
            "disagrees": c.disagrees,
        }

    return {
        "key": row.key,
        "label": row.label,
        "domain": row.domain,
        "scale": row.scale,
        "official": cell(row.official),
        "scorecards": [cell(c) for c in row.scorecards],
        "spread": to_number(row.spread),
        "disagreement": row.disagreement,
        "scorecards_disagree": row.scorecards_disagree,
    }
