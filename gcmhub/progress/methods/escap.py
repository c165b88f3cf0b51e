"""UN ESCAP-style assessment: current status index and anticipated progress.

Reconstruction of METHODS.md §3.1 (exact capping, weights and cut-offs are
unconfirmed [U]; see docs/progress-methods.md):

- current status ``CS = 10*d*(v_t - v_b)/|v_T - v_b|`` clipped to [-10, 10]
  (10 once the target is reached), compared with the elapsed share
  ``10*(t - b)/(T - b)``;
- projection ``v^ = v_t*(1 + CAGR_a)**max(T - t, 0)``;
- anticipated gap ``G = d*(v_T - v^)/|v_T - v_b|`` (equals
  ``(v^ - v_T)/(v_b - v_T)`` whenever the target lies in the desired direction):
  ``G <= 0`` maintain progress, ``0 < G < 1`` accelerate progress,
  ``G >= 1`` reverse trend.

Shared status: target reached -> target_achieved, maintain ->
substantial_progress, accelerate -> moderate_progress, reverse ->
deterioration, no target or too little data -> not_available. Score = CS/2
(in [-5, 5]); progress value = G.
"""

from __future__ import annotations

import numpy as np

from ._common import (
    DETERIORATION,
    FLAG,
    MODERATE,
    NOT_AVAILABLE,
    R_NEEDS_TARGET,
    R_NONE,
    R_RATIO_UNDEFINED,
    R_TARGET_IS_BASE,
    R_TARGET_OPPOSITE_SIGN,
    R_TARGET_YEAR_IS_BASE,
    R_ZERO_TARGET,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    growth_core,
    resolve,
)

NAME = "escap"
VERSION = "1.1 (METHODS.md §3.1 reconstruction: CAGR projection)"
METHOD_STATUS_NAMES = (
    "insufficient_data",
    "target_achieved",
    "maintain_progress",
    "accelerate_progress",
    "reverse_trend",
)
_M_NA, _M_TA, _M_MAINTAIN, _M_ACCELERATE, _M_REVERSE = range(5)

DEFAULT_PARAMS = {
    "cs_scale": 10.0,  # CS reaches this value at the target
}


def validate_params(params: dict) -> dict:
    unknown = set(params) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"escap: unknown parameter(s) {sorted(unknown)}; known: {sorted(DEFAULT_PARAMS)}")
    merged = {**DEFAULT_PARAMS, **params}
    merged["cs_scale"] = float(merged["cs_scale"])
    if not merged["cs_scale"] > 0:
        raise ValueError("escap: cs_scale must be positive")
    return merged


def compute(batch, params: dict) -> dict:
    n = batch.n_series
    scale = params["cs_scale"]
    r = resolve(batch, batch.base_year)
    # ESCAP has no zero-target rule: the target is used as given.
    g = growth_core(batch, r, replace_zero_target=False)
    d = g.direction
    target = batch.target
    has_t = g.has_target
    vb, vt = r.base_value, r.current_value
    usable = r.base_found

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = np.abs(target - vb)
        cs = scale * d * (vt - vb) / gap
        cs = np.where(np.isnan(cs), 0.0, np.clip(cs, -scale, scale))  # 0/0: no change, none required
        cs[g.achieved] = scale
        cs[~(usable & has_t)] = np.nan
        span = batch.target_year - r.base_year
        elapsed = np.where(usable & has_t & (span > 0), scale * (r.current_year - r.base_year) / span, np.nan)

        computable = g.ok & has_t
        horizon = np.maximum(batch.target_year - r.current_year, 0)
        projection = np.where(computable, vt * (1 + g.cagr_actual) ** horizon, np.nan)
        shortfall = d * (target - projection)
        gap_ratio = shortfall / gap
        gap_ratio = np.where(np.isnan(gap_ratio) & computable, 0.0, gap_ratio)  # projection exactly at target
        gap_ratio[~computable] = np.nan

    method_status = np.full(n, _M_NA, dtype=np.int8)
    valid = ~np.isnan(gap_ratio)
    method_status[valid & (gap_ratio <= 0)] = _M_MAINTAIN
    method_status[valid & (gap_ratio > 0) & (gap_ratio < 1)] = _M_ACCELERATE
    method_status[valid & (gap_ratio >= 1)] = _M_REVERSE
    method_status[g.achieved] = _M_TA
    to_shared = np.array(
        [NOT_AVAILABLE, TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, DETERIORATION], dtype=np.int8
    )
    status = to_shared[method_status]

    score = np.where(status != NOT_AVAILABLE, cs / scale * 5.0, np.nan)

    # Reasons: the growth-rate rules from growth_core, minus those about the
    # required growth rate, which this method does not use.
    reason = g.reason.copy()
    reason[
        np.isin(
            reason,
            (
                R_TARGET_OPPOSITE_SIGN,
                R_TARGET_YEAR_IS_BASE,
                R_RATIO_UNDEFINED,
                R_TARGET_IS_BASE,
                R_ZERO_TARGET,
            ),
        )
    ] = R_NONE
    reason[usable & ~has_t] = R_NEEDS_TARGET

    flags = g.flags & ~np.int32(FLAG["required_growth_zero"])
    flags[usable & has_t & (gap == 0)] |= FLAG["required_growth_zero"]

    return {
        "resolved": r,
        "status": status,
        "method_status": method_status,
        "score": score,
        "progress_value": gap_ratio,
        "cagr_actual": g.cagr_actual,
        "cagr_required": np.full(n, np.nan),
        "ratio": np.full(n, np.nan),
        "projection": projection,
        "flags": flags,
        "reason": reason,
        "extra": {
            "current_status": cs,
            "elapsed": elapsed,
        },
    }
