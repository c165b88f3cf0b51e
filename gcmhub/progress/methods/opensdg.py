"""Open SDG / Statistics Canada progress measure (the default method).

Behaviour follows open-sdg/sdg-build ``sdg/ProgressMeasure.py`` (class
``SeriesProgress``, commit 139fede7), re-expressed over arrays:

- base year missing from the data -> the next year that has a value;
- base value 0 -> 0.001; target 0 -> 0.001; a negative base value inverts the
  sign of the growth rate;
- no target: progress value ``sign*d*CAGR_a`` against 0.015/0.005/0, the
  thresholds multiplied by the ``limit`` coefficient when a limit is given;
- target: progress value ``sign*d*CAGR_a/|CAGR_r|`` against 0.95/0.6/0
  (a limit is ignored);
- latest value at or beyond the target -> ``target_achieved`` and score 5,
  whatever else holds;
- score in [-5, 5] by the reference's piecewise-linear formulas.

Where the reference crashes or returns garbage (base year after the latest
year, target year equal to the base year, target of the opposite sign to the
base value) the result is ``not_available`` with a reason.
"""

from __future__ import annotations

import numpy as np

from ._common import (
    DETERIORATION,
    FLAG,
    LIMITED,
    MODERATE,
    NOT_AVAILABLE,
    STATUS_NAMES,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    classify,
    growth_core,
    resolve,
)

NAME = "opensdg"
VERSION = "1.1 (open-sdg/sdg-build sdg/ProgressMeasure.py @139fede7)"
METHOD_STATUS_NAMES = STATUS_NAMES  # the shared statuses are Open SDG's own labels

DEFAULT_PARAMS = {
    "thresholds_no_target": (0.015, 0.005, 0.0),  # high, med, low on sign*d*CAGR_a
    "thresholds_target": (0.95, 0.6, 0.0),  # high, med, low on the growth ratio
    "limit_exponent": 4.44,
}


def validate_params(params: dict) -> dict:
    unknown = set(params) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"opensdg: unknown parameter(s) {sorted(unknown)}; known: {sorted(DEFAULT_PARAMS)}")
    merged = {**DEFAULT_PARAMS, **params}
    for key in ("thresholds_no_target", "thresholds_target"):
        cuts = tuple(float(x) for x in merged[key])
        if len(cuts) != 3 or not cuts[0] >= cuts[1] >= cuts[2]:
            raise ValueError(f"opensdg: {key} must be three numbers high >= med >= low, got {merged[key]!r}")
        merged[key] = cuts
    merged["limit_exponent"] = float(merged["limit_exponent"])
    return merged


def limit_coefficient(base_value: np.ndarray, limit: np.ndarray, exponent: float) -> np.ndarray:
    """Threshold reduction near a natural limit (1 far from it, 0 at it)."""
    b = np.abs(base_value)
    lim = np.abs(limit)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inside = 1 - (b / lim) ** exponent
        beyond = 1 - ((2 * lim - b) / lim) ** exponent
        return np.where(b >= 2 * lim, 1.0, np.where(b <= lim, inside, beyond))


def compute(batch, params: dict) -> dict:
    n = batch.n_series
    r = resolve(batch, batch.base_year)
    g = growth_core(batch, r)

    has_limit = ~g.has_target & ~np.isnan(batch.limit) & r.base_found
    coeff = np.ones(n)
    coeff[has_limit] = limit_coefficient(
        r.base_value[has_limit], batch.limit[has_limit], params["limit_exponent"]
    )

    hi_n, med_n, low_n = params["thresholds_no_target"]
    hi_t, med_t, low_t = params["thresholds_target"]
    high = np.where(g.has_target, hi_t, hi_n * coeff)
    med = np.where(g.has_target, med_t, med_n * coeff)
    low = np.where(g.has_target, low_t, low_n * coeff)

    progress = np.where(g.has_target, g.ratio, g.directed_growth)
    status = classify(
        progress, (low, med, high), (DETERIORATION, LIMITED, MODERATE, SUBSTANTIAL), NOT_AVAILABLE
    )
    status[g.achieved] = TARGET_ACHIEVED

    pv = progress
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        score_no_target = np.select(
            [pv < low, coeff == 0, pv >= high, pv >= med, pv >= low],
            [
                np.maximum(125 * pv - 2.5, -5),
                5.0,
                np.minimum(500 * pv / coeff - 5, 5),
                250 * pv / coeff - 1.25,
                500 * pv / coeff - 2.5,
            ],
            np.nan,
        )
        score_target = np.where(
            pv >= med_t,
            np.minimum((7.1429 * pv) - 4.2857, 5),
            np.maximum((4.1667 * pv) - 2.5, -5),
        )
    score = np.where(g.has_target, score_target, score_no_target)
    score[np.isnan(pv)] = np.nan
    score[g.achieved] = 5.0

    flags = g.flags
    flags[g.has_target & ~np.isnan(batch.limit)] |= FLAG["limit_ignored"]
    with np.errstate(invalid="ignore"):
        beyond = has_limit & (
            ((r.base_value < batch.limit) & (batch.direction < 0))
            | ((r.base_value > batch.limit) & (batch.direction > 0))
        )
    flags[beyond] |= FLAG["base_beyond_limit"]

    return {
        "resolved": r,
        "status": status,
        "method_status": status.copy(),
        "score": score,
        "progress_value": progress,
        "cagr_actual": g.cagr_actual,
        "cagr_required": g.cagr_required,
        "ratio": g.ratio,
        "projection": np.full(n, np.nan),
        "flags": flags,
        "reason": g.reason,
        "extra": {
            "coefficient": np.where(has_limit, coeff, np.nan),
            "threshold_high": high,
            "threshold_med": med,
            "threshold_low": low,
        },
    }
