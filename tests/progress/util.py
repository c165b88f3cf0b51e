"""Small helpers shared by the progress tests."""

from gcmhub.progress.engine import assess_records


def series(values: dict, **params) -> dict:
    """A record in the batch line format from ``{year: value}``."""
    record = {"id": params.pop("id", "s"), "data": [{"year": y, "value": v} for y, v in values.items()]}
    record.update(params)
    return record


def one(values: dict, method: str = "opensdg", **params) -> dict:
    """Assess one series; returns its result dict (with details)."""
    return assess_records([series(values, **params)], method, details=True)[0]


def with_flat_zero_rule(record: dict, reference: dict) -> dict:
    """The Open SDG reference result, corrected by GCM Hub's flat-zero rule.

    Written independently of the engine: where the base and latest values are
    both 0, the series has reached its aim when its latest value meets the
    target (or, without a target, its natural limit is 0) and is not assessed
    otherwise; everything else is Open SDG's own result.
    """
    base, latest = reference["base_value"], reference["current_value"]
    if not (base == 0 and latest == 0 and reference["current_year"] > reference["base_year"]):
        return reference
    target, limit = record.get("target"), record.get("limit")
    decrease_wanted = record.get("direction", "negative") == "negative"
    if target is not None:
        met = latest <= target if decrease_wanted else latest >= target
    else:
        met = limit == 0
    if met:
        return {**reference, "status": "target_achieved", "score": 5.0}
    return {**reference, "status": "not_available", "score": None, "progress_value": None}
