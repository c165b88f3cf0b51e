"""Graduated timelines: is a target on track, off track, overdue or achieved?

Pure module (no Django, no database). The IDM 2017 report asked for goals on
a graduated timeline — 2, 5 and 15 years — and for dashboards that say
plainly where a State is behind. A ``Timeline`` is a target with a start, a
due date and an expected path from the start value to the target value;
``evaluate`` compares the latest observation with that path on a given day.

Expected path (``trajectory``):

* ``"linear"`` — a straight line: ``v(t) = v0 + (vT − v0)·f``;
* ``"cagr"`` — constant compound growth, the path the progress methods'
  required growth rate describes: ``v(t) = v0·(vT/v0)^f``. It needs a start
  value that is not 0 and a target of the same sign; otherwise the straight
  line is used and ``trajectory_used`` says so;

where ``f`` is the elapsed share of the time from start to end, clipped to
[0, 1].

Dates. A target set for a *year* ("3 % by 2030", baseline 2015) runs from the
middle of the baseline year to the middle of the target year — an annual
observation for year Y is taken to describe the middle of Y, so the path
between two years is the one the growth methods use — and is *due* at the
end of the target year. A target set with a *horizon* (2, 5 or 15 years from
a start date) runs from that date to the same day N years later, which is
also when it is due.

Statuses, checked in this order:

=================  ==========================================================
``not_available``  no observation at all: a missing figure is never shown as
                   good or bad
``achieved``       the latest value is at or beyond the target (whatever the
                   date)
``overdue``        the due date has passed and the target is not met
``not_available``  no observation after the start, so no progress to judge
``on_track``       the latest value is at least as good as the expected path
                   at the date of that observation (less ``tolerance`` times
                   the total change required)
``off_track``      otherwise
=================  ==========================================================

The latest observation is compared with the path *at its own date*, not at
today's: statistics arrive a year or two late, and a State is not behind
because the data are.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date

from .methods._common import TARGET_TOLERANCE

__all__ = [
    "HORIZON_YEARS",
    "STATUSES",
    "TRAJECTORIES",
    "Timeline",
    "TimelineResult",
    "add_years",
    "evaluate",
    "expected_value",
    "for_horizon",
    "for_years",
    "horizon_years",
    "year_point",
]

ACHIEVED, ON_TRACK, OFF_TRACK, OVERDUE, NOT_AVAILABLE = "achieved", "on_track", "off_track", "overdue", "not_available"
# Best first: the order pages sort by.
STATUSES: tuple[str, ...] = (ACHIEVED, ON_TRACK, OFF_TRACK, OVERDUE, NOT_AVAILABLE)
LINEAR, CAGR = "linear", "cagr"
TRAJECTORIES: tuple[str, ...] = (LINEAR, CAGR)
# The graduated timeline of the report, as stored on indicators.Target.horizon.
HORIZON_YEARS = {"2y": 2, "5y": 5, "15y": 15}

# Reason codes (the pages translate them; see presentation.TIMELINE_REASONS).
R_NO_DATA = "no_data"
R_NO_DATA_SINCE_START = "no_data_since_start"
R_CAGR_IMPOSSIBLE = "cagr_impossible"
R_NO_START = "no_start"  # no baseline value to draw the path from


def horizon_years(horizon: str | int) -> int:
    """``"2y"`` → 2, ``5`` → 5. Raises ValueError for anything else."""
    if isinstance(horizon, bool):
        raise ValueError(f"not a horizon: {horizon!r}")
    if isinstance(horizon, int):
        if horizon <= 0:
            raise ValueError(f"a horizon must be a positive number of years, got {horizon}")
        return horizon
    text = str(horizon).strip().lower()
    if text in HORIZON_YEARS:
        return HORIZON_YEARS[text]
    if text.endswith("y") and text[:-1].isdigit() and int(text[:-1]) > 0:
        return int(text[:-1])
    raise ValueError(f"not a horizon: {horizon!r} (use 2y, 5y, 15y or a number of years)")


def add_years(start: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February)."""
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return start.replace(year=year, day=day)


def year_point(year: int) -> date:
    """The date an annual observation for ``year`` stands for: 1 July."""
    return date(int(year), 7, 1)


@dataclass(frozen=True)
class Timeline:
    """A target with a start, an end of the expected path and a due date."""

    start: date
    end: date  # where the expected path reaches the target
    due: date  # after this day an unmet target is overdue
    start_value: float
    target_value: float
    direction: str = "positive"  # "positive": higher is better; "negative": lower is better
    trajectory: str = CAGR

    def __post_init__(self):
        if self.direction not in ("positive", "negative"):
            raise ValueError(f"direction must be 'positive' or 'negative', got {self.direction!r}")
        if self.trajectory not in TRAJECTORIES:
            raise ValueError(f"trajectory must be one of {', '.join(TRAJECTORIES)}, got {self.trajectory!r}")
        if not (math.isfinite(self.start_value) and math.isfinite(self.target_value)):
            raise ValueError("start and target values must be finite numbers")
        if self.end <= self.start:
            raise ValueError(f"the timeline must end after it starts ({self.start} → {self.end})")
        if self.due < self.end:
            raise ValueError("the due date cannot come before the end of the expected path")

    @property
    def sign(self) -> int:
        return 1 if self.direction == "positive" else -1

    @property
    def trajectory_used(self) -> str:
        """``cagr`` when possible, else ``linear`` (0 start, or target of the other sign)."""
        if self.trajectory == CAGR and cagr_possible(self.start_value, self.target_value):
            return CAGR
        return LINEAR

    def met(self, value: float) -> bool:
        """At or beyond the target, with the engine's tolerance (``target_achieved``)."""
        return self.sign * (value - self.target_value) >= -TARGET_TOLERANCE * abs(self.target_value)


def for_years(
    start_year: int,
    target_year: int,
    start_value: float,
    target_value: float,
    *,
    direction: str = "positive",
    trajectory: str = CAGR,
) -> Timeline:
    """A target "``target_value`` by ``target_year``" from a baseline year."""
    return Timeline(
        start=year_point(start_year),
        end=year_point(target_year),
        due=date(int(target_year), 12, 31),
        start_value=float(start_value),
        target_value=float(target_value),
        direction=direction,
        trajectory=trajectory,
    )


def for_horizon(
    start: date,
    horizon: str | int,
    start_value: float,
    target_value: float,
    *,
    direction: str = "positive",
    trajectory: str = CAGR,
) -> Timeline:
    """A target "``target_value`` within ``horizon`` years of ``start``"."""
    due = add_years(start, horizon_years(horizon))
    return Timeline(
        start=start,
        end=due,
        due=due,
        start_value=float(start_value),
        target_value=float(target_value),
        direction=direction,
        trajectory=trajectory,
    )


def cagr_possible(start_value: float, target_value: float) -> bool:
    return start_value != 0 and target_value / start_value > 0


def _elapsed(timeline: Timeline, when: date) -> float:
    span = (timeline.end - timeline.start).days
    share = (when - timeline.start).days / span
    return min(max(share, 0.0), 1.0)


def expected_value(timeline: Timeline, when: date) -> float:
    """The value the expected path gives on ``when`` (held flat outside start..end)."""
    share = _elapsed(timeline, when)
    v0, vt = timeline.start_value, timeline.target_value
    if timeline.trajectory_used == CAGR:
        return v0 * (vt / v0) ** share
    return v0 + (vt - v0) * share


def required_annual_growth(timeline: Timeline) -> float | None:
    """The constant yearly growth rate of the CAGR path (None when impossible)."""
    if not cagr_possible(timeline.start_value, timeline.target_value):
        return None
    years = (timeline.end - timeline.start).days / 365.2425
    return (timeline.target_value / timeline.start_value) ** (1 / years) - 1


@dataclass(frozen=True)
class TimelineResult:
    status: str
    on: date  # the day of the evaluation
    expected: float | None  # the path's value at the latest observation's date
    gap: float | None  # direction-adjusted: latest − expected (negative = behind)
    share_of_path: float | None  # how far along the path (0..1) the latest observation is
    trajectory_used: str
    reason: str | None = None

    @property
    def is_problem(self) -> bool:
        return self.status in (OFF_TRACK, OVERDUE)


def evaluate(
    timeline: Timeline,
    latest_value: float | None,
    latest_date: date | None,
    today: date,
    *,
    tolerance: float = 0.0,
) -> TimelineResult:
    """The status of ``timeline`` on ``today`` given its latest observation.

    ``tolerance`` (≥ 0) is a share of the total change required
    (|target − start|) by which the latest value may fall short of the path
    and still count as on track; 0 by default.
    """
    used = timeline.trajectory_used
    reason = R_CAGR_IMPOSSIBLE if timeline.trajectory == CAGR and used == LINEAR else None
    if latest_value is None or latest_date is None or not math.isfinite(latest_value):
        return TimelineResult(NOT_AVAILABLE, today, None, None, None, used, R_NO_DATA)
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    share = _elapsed(timeline, latest_date)
    if timeline.met(latest_value):
        expected = expected_value(timeline, latest_date)
        return TimelineResult(ACHIEVED, today, expected, timeline.sign * (latest_value - expected), share, used, reason)
    if today > timeline.due:
        expected = expected_value(timeline, latest_date)
        return TimelineResult(OVERDUE, today, expected, timeline.sign * (latest_value - expected), share, used, reason)
    if latest_date <= timeline.start:
        return TimelineResult(NOT_AVAILABLE, today, None, None, None, used, R_NO_DATA_SINCE_START)
    expected = expected_value(timeline, latest_date)
    gap = timeline.sign * (latest_value - expected)
    allowance = tolerance * abs(timeline.target_value - timeline.start_value)
    status = ON_TRACK if gap >= -allowance - 1e-12 * max(1.0, abs(expected)) else OFF_TRACK
    return TimelineResult(status, today, expected, gap, share, used, reason)
