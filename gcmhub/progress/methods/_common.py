"""Shared vocabulary and vectorised helpers of the progress methods.

Everything here works on whole arrays (one element per series); nothing loops
over series in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --------------------------------------------------------------------------
# Shared statuses (the six names every method maps to)
# --------------------------------------------------------------------------

STATUS_NAMES: tuple[str, ...] = (
    "not_available",
    "deterioration",
    "limited_progress",
    "moderate_progress",
    "substantial_progress",
    "target_achieved",
)
NOT_AVAILABLE, DETERIORATION, LIMITED, MODERATE, SUBSTANTIAL, TARGET_ACHIEVED = range(6)

# --------------------------------------------------------------------------
# Flags (bit mask per series): facts a reader needs to trust a result
# --------------------------------------------------------------------------

FLAG_NAMES: tuple[str, ...] = (
    "base_year_shifted",  # requested base year had no value; next available year used
    "zero_base_replaced",  # base value 0 replaced by 0.001 (Open SDG rule)
    "zero_target_replaced",  # target 0 replaced by 0.001 (Open SDG rule)
    "two_point_series",  # exactly two observations from the base year to the latest year
    "limit_ignored",  # a limit was given together with a target (the target wins)
    "base_beyond_limit",  # base value already past the natural limit
    "required_growth_zero",  # target equals the base value: required growth is 0
    "negative_values",  # base value negative: growth sign inverted (Open SDG rule)
    "target_year_not_after_base",  # target year is not after the base year
    "zero_base_and_latest",  # base and latest value are both 0 (see flat_zero_rule)
)
FLAG = {name: np.int32(1 << i) for i, name in enumerate(FLAG_NAMES)}


def flag_names(mask: int) -> list[str]:
    return [name for i, name in enumerate(FLAG_NAMES) if mask & (1 << i)]


# --------------------------------------------------------------------------
# Reasons: why a status is not_available, or a non-standard handling note.
# Templates are formatted per record by Assessment.to_records().
# --------------------------------------------------------------------------

REASON_TEMPLATES: tuple[str | None, ...] = (
    None,
    "no data",
    "base year {requested_base_year} is after the latest year with data ({current_year})",
    "only one data point from the base year on ({current_year}); at least two are needed",
    "base value ({base_value}) and latest value ({current_value}) have opposite signs; "
    "transform the series (e.g. a progress column) before assessing it",
    "target ({target}) and base value ({base_value}) have opposite signs; "
    "the required growth rate is undefined",
    "target year ({target_year}) equals the base year ({base_year}); the required growth rate is undefined",
    "the method needs a target (champion-area targets are not supported)",
    "base value is 0; replaced by 0.001 for the growth rates (Open SDG rule)",
    "target is 0; replaced by 0.001 (Open SDG rule)",
    "target equals the base value: no change was required",
    "growth ratio is undefined (observed and required growth are both 0)",
    "the base value ({base_year}) and the latest value ({current_year}) are both 0: growth is undefined, "
    "and 0 neither meets a target nor is the natural limit, so no progress or decline is scored",
)
(
    R_NONE,
    R_NO_DATA,
    R_BASE_AFTER_LATEST,
    R_SINGLE_POINT,
    R_OPPOSITE_SIGNS,
    R_TARGET_OPPOSITE_SIGN,
    R_TARGET_YEAR_IS_BASE,
    R_NEEDS_TARGET,
    R_ZERO_BASE,
    R_ZERO_TARGET,
    R_TARGET_IS_BASE,
    R_RATIO_UNDEFINED,
    R_FLAT_ZERO,
) = range(len(REASON_TEMPLATES))

ZERO_REPLACEMENT = 0.001


@dataclass(frozen=True, eq=False)
class Resolved:
    """Base and latest observation of every series (NaN where there is none)."""

    has_data: np.ndarray  # bool
    requested_base_year: np.ndarray  # int64
    base_found: np.ndarray  # bool: a value at or after the requested base year exists
    base_year: np.ndarray  # float64
    base_value: np.ndarray  # float64 (as observed, never replaced)
    base_shifted: np.ndarray  # bool
    current_year: np.ndarray  # float64
    current_value: np.ndarray  # float64
    n_points: np.ndarray  # int64: observations from the base year to the latest year


def resolve(batch, requested_base_year: np.ndarray) -> Resolved:
    """Find, for every series, the latest observation and the base observation.

    The base observation is the one in the requested base year or, when that
    year has no value, the next year that has one (Open SDG rule).
    """
    n = batch.n_series
    starts = batch.offsets[:-1]
    ends = batch.offsets[1:]
    has_data = ends > starts
    last = np.where(has_data, ends - 1, 0)

    current_year = np.full(n, np.nan)
    current_value = np.full(n, np.nan)
    if batch.years.size:
        current_year[has_data] = batch.years[last[has_data]]
        current_value[has_data] = batch.values[last[has_data]]

    requested = np.asarray(requested_base_year, dtype=np.int64)
    pos = batch.first_at_or_after(requested)
    base_found = has_data & (pos < ends)
    safe = np.where(base_found, pos, 0)
    base_year = np.full(n, np.nan)
    base_value = np.full(n, np.nan)
    if batch.years.size:
        base_year[base_found] = batch.years[safe[base_found]]
        base_value[base_found] = batch.values[safe[base_found]]
    base_shifted = base_found & (base_year != requested)
    n_points = np.where(base_found, ends - safe, 0)
    return Resolved(
        has_data=has_data,
        requested_base_year=requested,
        base_found=base_found,
        base_year=base_year,
        base_value=base_value,
        base_shifted=base_shifted,
        current_year=current_year,
        current_value=current_value,
        n_points=n_points,
    )


def cagr(end_value, start_value, end_year, start_year, where):
    """Compound annual growth rate ``(end/start)**(1/(end_year-start_year)) - 1``.

    Computed only where ``where`` is true (NaN elsewhere); callers make sure
    the ratio is positive and the period non-zero there.
    """
    out = np.full(np.shape(where), np.nan)
    if np.any(where):
        ratio = end_value[where] / start_value[where]
        exponent = 1.0 / (end_year[where] - start_year[where])
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            out[where] = np.power(ratio, exponent) - 1.0
    return out


def broadcast_param(value, n: int, dtype, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=dtype)
    if arr.ndim == 0:
        return np.full(n, arr, dtype=dtype)
    if arr.shape != (n,):
        raise ValueError(f"{name}: expected a scalar or an array of length {n}, got shape {arr.shape}")
    return arr


# A latest value this close to the target (relative to it) has reached it. The
# required growth from a base one float rounding away from the target computes
# as 0 ("no change was required"), and a latest value equal to that base must
# then count as reaching the target, not as failing it by 2e-19.
TARGET_TOLERANCE = 1e-9


def target_achieved(current_value, target, direction, usable):
    """Latest value at or beyond the target in the desired direction (within
    ``TARGET_TOLERANCE`` of it)."""
    has_target = ~np.isnan(target)
    with np.errstate(invalid="ignore"):
        slack = TARGET_TOLERANCE * np.abs(target)
        met = np.where(direction > 0, current_value >= target - slack, current_value <= target + slack)
    return usable & has_target & met


def flat_zero_rule(batch, r: Resolved) -> tuple[np.ndarray, np.ndarray]:
    """Series whose base and latest values are both 0: ``(achieved, not_assessed)``.

    Growth from 0 to 0 is undefined, and Open SDG's 0 -> 0.001 replacement
    turns "no change" into a 100 % fall, scored as substantial progress (or,
    for an increase-desirable series, as decline). Such a series is never
    scored as movement: it has reached its aim where the latest value meets
    the target (a target of 0 included) or, without a target, where 0 is the
    series' natural limit (deaths, detected victims: nothing lies below 0);
    otherwise it is not assessed. ``engine.assess`` applies this to every method.
    """
    with np.errstate(invalid="ignore"):
        flat = r.base_found & (r.base_value == 0) & (r.current_value == 0) & (r.current_year > r.base_year)
        at_limit = np.isnan(batch.target) & (batch.limit == 0)
    met = target_achieved(r.current_value, batch.target, batch.direction, flat) | (flat & at_limit)
    return met, flat & ~met


def pick_reason(reason: np.ndarray, mask: np.ndarray, code: int) -> None:
    """Set ``code`` where ``mask`` is true and no reason has been set yet."""
    reason[mask & (reason == R_NONE)] = code


@dataclass(frozen=True, eq=False)
class Growth:
    """Growth rates shared by the Open SDG and Eurostat methods (arrays per series)."""

    direction: np.ndarray  # float64 +1/-1
    sign: np.ndarray  # float64: -1 where the base value is negative (Open SDG rule)
    has_target: np.ndarray
    target: np.ndarray  # target with 0 replaced by 0.001
    base_value_used: np.ndarray  # base value with 0 replaced by 0.001
    ok: np.ndarray  # observed growth computable
    ok_required: np.ndarray  # required growth computable (target given)
    cagr_actual: np.ndarray
    cagr_required: np.ndarray
    ratio: np.ndarray  # sign*d*CAGR_a/|CAGR_r| where ok_required
    directed_growth: np.ndarray  # sign*d*CAGR_a where ok
    achieved: np.ndarray
    flags: np.ndarray
    reason: np.ndarray


def growth_core(batch, r: Resolved, *, replace_zero_target: bool = True) -> Growth:
    """Observed and required compound growth with the Open SDG edge-case rules.

    - base value 0 -> 0.001 (flagged); target 0 -> 0.001 when ``replace_zero_target``;
    - base and latest value of opposite signs -> not computable;
    - base year equal to the latest year (one point) -> not computable;
    - a negative base value inverts the growth sign (``sign``);
    - target of the opposite sign to the base value, or target year equal to the
      base year -> required growth not computable (the reference crashes there).
    """
    n = batch.n_series
    d = batch.direction.astype(np.float64)
    target_in = batch.target
    has_t = ~np.isnan(target_in)
    zero_t = has_t & (target_in == 0)
    target = np.where(zero_t, ZERO_REPLACEMENT, target_in) if replace_zero_target else target_in

    usable = r.base_found
    vb_raw = r.base_value
    vt = r.current_value
    with np.errstate(invalid="ignore"):
        sign = np.where(vb_raw < 0, -1.0, 1.0)
        zero_b = usable & (vb_raw == 0)
        vb = np.where(zero_b, ZERO_REPLACEMENT, vb_raw)
        opposite = usable & (((vb > 0) & (vt < 0)) | ((vb < 0) & (vt > 0)))
        dt = r.current_year - r.base_year
        single = usable & ~opposite & ~(dt >= 1)
        ok = usable & ~opposite & (dt >= 1)

        cagr_a = cagr(vt, vb, r.current_year, r.base_year, ok)
        target_year = batch.target_year.astype(np.float64)
        d_target = target_year - r.base_year
        t_opp = ok & has_t & (((target > 0) & (vb < 0)) | ((target < 0) & (vb > 0)))
        t_same_year = ok & has_t & ~t_opp & (d_target == 0)
        ok_r = ok & has_t & ~t_opp & ~t_same_year
        cagr_r = cagr(target, vb, target_year, r.base_year, ok_r)

    directed = np.where(ok, sign * d * cagr_a, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok_r, sign * d * cagr_a / np.abs(cagr_r), np.nan)

    achieved = target_achieved(vt, target, batch.direction, usable)

    flags = np.zeros(n, dtype=np.int32)
    flags[r.base_shifted] |= FLAG["base_year_shifted"]
    flags[zero_b] |= FLAG["zero_base_replaced"]
    if replace_zero_target:
        flags[zero_t] |= FLAG["zero_target_replaced"]
    flags[usable & (r.n_points == 2)] |= FLAG["two_point_series"]
    flags[ok_r & (cagr_r == 0)] |= FLAG["required_growth_zero"]
    with np.errstate(invalid="ignore"):
        flags[usable & (vb_raw < 0)] |= FLAG["negative_values"]
        flags[usable & has_t & ~(d_target > 0)] |= FLAG["target_year_not_after_base"]

    reason = np.zeros(n, dtype=np.int8)
    pick_reason(reason, ~r.has_data, R_NO_DATA)
    pick_reason(reason, r.has_data & ~usable, R_BASE_AFTER_LATEST)
    pick_reason(reason, opposite, R_OPPOSITE_SIGNS)
    pick_reason(reason, single, R_SINGLE_POINT)
    pick_reason(reason, t_opp, R_TARGET_OPPOSITE_SIGN)
    pick_reason(reason, t_same_year, R_TARGET_YEAR_IS_BASE)
    pick_reason(reason, ok_r & np.isnan(ratio), R_RATIO_UNDEFINED)
    pick_reason(reason, zero_b, R_ZERO_BASE)
    if replace_zero_target:
        pick_reason(reason, zero_t & usable, R_ZERO_TARGET)
    pick_reason(reason, ok_r & (cagr_r == 0), R_TARGET_IS_BASE)

    return Growth(
        direction=d,
        sign=sign,
        has_target=has_t,
        target=target,
        base_value_used=vb,
        ok=ok,
        ok_required=ok_r,
        cagr_actual=cagr_a,
        cagr_required=cagr_r,
        ratio=ratio,
        directed_growth=directed,
        achieved=achieved,
        flags=flags,
        reason=reason,
    )


def classify(value: np.ndarray, cuts: tuple[float, ...], codes: tuple[int, ...], default: int) -> np.ndarray:
    """Code per value: ``codes[0]`` below ``cuts[0]``, ``codes[i]`` in ``[cuts[i-1], cuts[i])``,
    ``codes[-1]`` at or above ``cuts[-1]``; ``default`` where value is NaN.

    ``cuts`` may be scalars or per-series arrays and must be non-decreasing.
    """
    out = np.full(value.shape, default, dtype=np.int8)
    valid = ~np.isnan(value)
    out[valid] = codes[0]
    for cut, code in zip(cuts, codes[1:]):
        out[valid & (value >= cut)] = code
    return out
