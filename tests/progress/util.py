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
