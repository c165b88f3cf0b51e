"""Eurostat-style assessment (EU SDG monitoring report), METHODS.md §3.3.

- With a target: ``RR = sign*d*CAGR_a/|CAGR_r|`` (equal to Eurostat's
  ``CAGR_a/CAGR_r`` whenever the target lies in the desired direction):
  >= 0.95 significant progress, [0.6, 0.95) moderate progress, [0, 0.6)
  insufficient progress, < 0 movement away.
- Without a target: direction-adjusted ``CAGR_a``: > 1 % significant progress,
  [0, 1 %] moderate progress, < 0 movement away.
- ``period``: ``None`` uses each series' base year; ``"short"`` (5 years) or
  ``"long"`` (15 years) or an integer N uses latest year - N as the base year
  (next available year when that one has no value).

Growth-rate edge cases follow the Open SDG rules (zero base/target -> 0.001,
opposite signs and single points -> not_available), so the two methods differ
only in thresholds and labels. Score (a GCM Hub convention, Eurostat has no
score): with a target the Open SDG ratio formula; without one
``clip(250*x, -5, 5)`` so that +-1 % maps to +-2.5 and +-2 % to +-5.

Shared status: significant -> substantial_progress, moderate ->
moderate_progress, insufficient -> limited_progress, movement away ->
deterioration; latest value at or beyond the target -> target_achieved.
"""

from __future__ import annotations

import numpy as np

from ._common import (
    DETERIORATION,
    FLAG,
    LIMITED,
    MODERATE,
    NOT_AVAILABLE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    classify,
    growth_core,
    resolve,
)

NAME = "eurostat"
VERSION = "1.1 (METHODS.md §3.3; thresholds unconfirmed [U])"
METHOD_STATUS_NAMES = (
    "not_available",
    "target_achieved",
    "significant_progress",
    "moderate_progress",
    "insufficient_progress",
    "movement_away",
)
_M_NA, _M_TA, _M_SIGNIFICANT, _M_MODERATE, _M_INSUFFICIENT, _M_AWAY = range(6)
_TO_SHARED = np.array(
    [NOT_AVAILABLE, TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, LIMITED, DETERIORATION], dtype=np.int8
)

PERIODS = {"short": 5, "long": 15}
DEFAULT_PARAMS = {
    "thresholds_target": (0.95, 0.6, 0.0),  # significant, moderate, insufficient on RR
    "thresholds_no_target": (0.01, 0.0),  # significant (strictly above), moderate on d*CAGR
    "period": None,
}


def validate_params(params: dict) -> dict:
    unknown = set(params) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"eurostat: unknown parameter(s) {sorted(unknown)}; known: {sorted(DEFAULT_PARAMS)}")
    merged = {**DEFAULT_PARAMS, **params}
    t = tuple(float(x) for x in merged["thresholds_target"])
    if len(t) != 3 or not t[0] >= t[1] >= t[2]:
        raise ValueError(f"eurostat: thresholds_target must be three numbers high >= med >= low, got {t!r}")
    nt = tuple(float(x) for x in merged["thresholds_no_target"])
    if len(nt) != 2 or not nt[0] >= nt[1]:
        raise ValueError(f"eurostat: thresholds_no_target must be two numbers high >= low, got {nt!r}")
    merged["thresholds_target"], merged["thresholds_no_target"] = t, nt
    period = merged["period"]
    if period is not None:
        if isinstance(period, str):
            if period not in PERIODS:
                raise ValueError(
                    f"eurostat: period must be None, 'short', 'long' or a number of years, got {period!r}"
                )
        elif isinstance(period, bool) or not isinstance(period, (int, np.integer)) or period < 1:
            raise ValueError(
                f"eurostat: period must be None, 'short', 'long' or a number of years, got {period!r}"
            )
    return merged


def compute(batch, params: dict) -> dict:
    n = batch.n_series
    period = params["period"]
    base_year = batch.base_year
    if period is not None:
        years_back = PERIODS[period] if isinstance(period, str) else int(period)
        ends = batch.offsets[1:]
        has_data = ends > batch.offsets[:-1]
        latest = np.zeros(n, dtype=np.int64)
        if batch.years.size:
            latest[has_data] = batch.years[ends[has_data] - 1]
        base_year = np.where(has_data, latest - years_back, base_year)
    r = resolve(batch, base_year)
    g = growth_core(batch, r)

    hi_t, med_t, low_t = params["thresholds_target"]
    hi_n, low_n = params["thresholds_no_target"]

    m_target = classify(
        g.ratio, (low_t, med_t, hi_t), (_M_AWAY, _M_INSUFFICIENT, _M_MODERATE, _M_SIGNIFICANT), _M_NA
    )
    x = g.directed_growth
    m_free = classify(x, (low_n,), (_M_AWAY, _M_MODERATE), _M_NA)
    with np.errstate(invalid="ignore"):
        m_free[x > hi_n] = _M_SIGNIFICANT
    method_status = np.where(g.has_target, m_target, m_free).astype(np.int8)
    method_status[g.achieved] = _M_TA
    status = _TO_SHARED[method_status]

    pv = np.where(g.has_target, g.ratio, x)
    with np.errstate(invalid="ignore", over="ignore"):
        score_target = np.where(
            pv >= med_t, np.minimum((7.1429 * pv) - 4.2857, 5), np.maximum((4.1667 * pv) - 2.5, -5)
        )
        score_free = np.clip(250 * pv, -5, 5)
    score = np.where(g.has_target, score_target, score_free)
    score[np.isnan(pv)] = np.nan
    score[g.achieved] = 5.0

    flags = g.flags
    flags[~np.isnan(batch.limit)] |= FLAG["limit_ignored"]

    return {
        "resolved": r,
        "status": status,
        "method_status": method_status,
        "score": score,
        "progress_value": pv,
        "cagr_actual": g.cagr_actual,
        "cagr_required": g.cagr_required,
        "ratio": g.ratio,
        "projection": np.full(n, np.nan),
        "flags": flags,
        "reason": g.reason,
        "extra": {},
    }
