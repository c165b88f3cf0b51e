"""Roll-ups: series → indicator → objective → country, and countries → region.

Pure module (no database). Results are combined by their **mean score,
never by their labels** (METHODS §3.6), and the mean is turned back into a
status with the Open SDG bands (METHODS §3.4):

===========================  ===================
mean score                   status
===========================  ===================
[2.5, 5]                     substantial_progress
[0, 2.5)                     moderate_progress
[−2.5, 0)                    limited_progress
[−5, −2.5)                   deterioration
every assessed series met    target_achieved
nothing assessed             not_available
===========================  ===================

Every roll-up carries its **coverage** — how many of the linked series (or
countries) have a result — so that a missing figure is never shown as good
or bad: a country with one improving series out of eleven reads "moderate
progress, assessed 1 of 11 linked series", not just "moderate progress".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .methods._common import STATUS_NAMES

__all__ = ["OPEN_SDG_BANDS", "Rollup", "combine", "leaf", "missing", "status_for_score"]

NOT_AVAILABLE = "not_available"
TARGET_ACHIEVED = "target_achieved"

# (lower bound of the band, status), highest first (METHODS §3.4).
OPEN_SDG_BANDS: tuple[tuple[float, str], ...] = (
    (2.5, "substantial_progress"),
    (0.0, "moderate_progress"),
    (-2.5, "limited_progress"),
    (-math.inf, "deterioration"),
)


def status_for_score(score: float | None, *, all_achieved: bool = False, bands=OPEN_SDG_BANDS) -> str:
    """The status a (mean) score stands for; ``target_achieved`` only when
    every assessed series achieved its target."""
    if score is None or not math.isfinite(score):
        return NOT_AVAILABLE
    if all_achieved:
        return TARGET_ACHIEVED
    for lower, status in bands:
        if score >= lower:
            return status
    return bands[-1][1]


@dataclass(frozen=True)
class Rollup:
    """A status with the numbers behind it.

    ``assessed`` / ``total`` count the leaves (series, or series × policy
    domain) below this node; ``parts_assessed`` / ``parts_total`` count its
    direct children (indicators of an objective, objectives of a country,
    countries of a region). ``achieved`` counts leaves whose target is met.
    """

    status: str
    score: float | None
    assessed: int
    total: int
    achieved: int = 0
    parts_assessed: int = 0
    parts_total: int = 0

    @property
    def coverage(self) -> float | None:
        """Share of the linked leaves with a result (None when nothing is linked)."""
        return self.assessed / self.total if self.total else None

    @property
    def parts_coverage(self) -> float | None:
        return self.parts_assessed / self.parts_total if self.parts_total else None

    @property
    def is_assessed(self) -> bool:
        return self.score is not None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "score": self.score,
            "assessed": self.assessed,
            "total": self.total,
            "achieved": self.achieved,
            "parts_assessed": self.parts_assessed,
            "parts_total": self.parts_total,
        }


def leaf(status: str, score: float | None) -> Rollup:
    """One assessed series (or a series without a result: ``not_available``)."""
    if status not in STATUS_NAMES:
        raise ValueError(f"unknown status {status!r}")
    has_result = status != NOT_AVAILABLE and score is not None and math.isfinite(score)
    if not has_result:
        return missing()
    return Rollup(
        status=status,
        score=float(score),
        assessed=1,
        total=1,
        achieved=int(status == TARGET_ACHIEVED),
        parts_assessed=1,
        parts_total=1,
    )


def missing(total: int = 1) -> Rollup:
    """``total`` linked leaves without any result."""
    return Rollup(NOT_AVAILABLE, None, 0, total, 0, 0, total)


def combine(children: Sequence[Rollup] | Iterable[Rollup], *, bands=OPEN_SDG_BANDS) -> Rollup:
    """The mean of the children's scores, with their coverage added up.

    Each child weighs the same whatever number of series it holds: an
    indicator reported in five series does not outweigh one reported in one.
    """
    children = list(children)
    scored = [child.score for child in children if child.score is not None]
    assessed = sum(child.assessed for child in children)
    achieved = sum(child.achieved for child in children)
    score = math.fsum(scored) / len(scored) if scored else None
    return Rollup(
        status=status_for_score(score, all_achieved=assessed > 0 and achieved == assessed, bands=bands),
        score=score,
        assessed=assessed,
        total=sum(child.total for child in children),
        achieved=achieved,
        parts_assessed=len(scored),
        parts_total=len(children),
    )
