"""A deliberately plain, one-series-at-a-time implementation of the Open SDG
progress measure, written from open-sdg/sdg-build ``SeriesProgress`` and
METHODS.md §3.4 without looking at the engine. Tests compare the vectorised
engine against it.

Where sdg-build crashes, this follows GCM Hub's documented policy instead:
no usable base year, a target of the other sign than the base value or a
target year equal to the base year give ``not_available`` (unless the target
is already achieved, which sdg-build checks first).
"""

from __future__ import annotations

import math


def _year(raw):
    if isinstance(raw, str):
        return int(raw.strip()[:4])
    return int(raw)


def assess_one(record: dict) -> dict:
    """``record`` in the batch line format; returns status, score,
    progress_value, base_year, base_value, current_year, current_value."""
    base_year = record.get("base_year")
    base_year = 2015 if base_year is None else _year(base_year)
    target_year = record.get("target_year")
    target_year = 2030 if target_year is None else _year(target_year)
    target = record.get("target")
    if target is not None:
        target = float(target)
        if target == 0:
            target = 0.001
    direction = 1 if record.get("direction") == "positive" else -1
    limit = record.get("limit")
    limit = None if limit is None else float(limit)

    points = {}
    for item in record.get("data", []):
        if isinstance(item, dict):
            year, value = item["year"], item.get("value")
        else:
            year, value = item
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        year = _year(year)
        if year in points:
            raise ValueError(f"duplicate year {year}")
        points[year] = float(value)

    result = {
        "status": "not_available",
        "score": None,
        "progress_value": None,
        "base_year": None,
        "base_value": None,
        "current_year": None,
        "current_value": None,
    }
    if not points:
        return result

    current_year = max(points)
    current_value = points[current_year]
    result["current_year"] = current_year
    result["current_value"] = current_value
    if base_year not in points:
        later = [y for y in points if y > base_year]
        if not later:
            return result
        base_year = min(later)
    base_value = points[base_year]
    result["base_year"] = base_year
    result["base_value"] = base_value

    sign = -1 if base_value < 0 else 1
    quantitative = target is not None

    # thresholds, reduced near a limit when there is no target
    coefficient = 1.0
    if quantitative:
        high, med, low = 0.95, 0.6, 0.0
    else:
        high, med, low = 0.015, 0.005, 0.0
        if limit is not None:
            b, lim = abs(base_value), abs(limit)
            if b >= 2 * lim:
                coefficient = 1.0
            elif b <= lim:
                coefficient = 1 - (b / lim) ** 4.44
            else:
                coefficient = 1 - ((2 * lim - b) / lim) ** 4.44
            high, med, low = high * coefficient, med * coefficient, low * coefficient

    achieved = False
    if quantitative:
        if direction == -1 and current_value <= target:
            achieved = True
        if direction == 1 and current_value >= target:
            achieved = True

    # progress value
    progress = None
    b_value = 0.001 if base_value == 0 else base_value
    same_sign = not ((b_value > 0 and current_value < 0) or (b_value < 0 and current_value > 0))
    if same_sign and current_year - base_year >= 1:
        observed = (current_value / b_value) ** (1 / (current_year - base_year)) - 1
        if not quantitative:
            progress = sign * direction * observed
        else:
            target_same_sign = not ((target > 0 and b_value < 0) or (target < 0 and b_value > 0))
            if target_same_sign and target_year != base_year:
                required = (target / b_value) ** (1 / (target_year - base_year)) - 1
                if required == 0:
                    top = sign * direction * observed
                    progress = math.copysign(math.inf, top) if top != 0 else None
                else:
                    progress = sign * direction * observed / abs(required)
    result["progress_value"] = progress

    if achieved:
        result["status"] = "target_achieved"
        result["score"] = 5.0
        return result
    if progress is None:
        return result

    if progress >= high:
        result["status"] = "substantial_progress"
    elif progress >= med:
        result["status"] = "moderate_progress"
    elif progress >= low:
        result["status"] = "limited_progress"
    else:
        result["status"] = "deterioration"

    if quantitative:
        if progress >= med:
            score = min(7.1429 * progress - 4.2857, 5)
        else:
            score = max(4.1667 * progress - 2.5, -5)
    elif progress < low:
        score = max(125 * progress - 2.5, -5)
    elif coefficient == 0:
        score = 5
    elif progress >= high:
        score = min(500 * progress / coefficient - 5, 5)
    elif progress >= med:
        score = 250 * progress / coefficient - 1.25
    else:
        score = 500 * progress / coefficient - 2.5
    result["score"] = float(score)
    return result
