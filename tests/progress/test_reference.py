"""The vectorised engine agrees with a plain per-series implementation."""

import math

import pytest

from gcmhub.progress.engine import assess_records

from .randomseries import random_records
from .reference_opensdg import assess_one
from .util import with_flat_zero_rule


def _finite(x):
    return x if x is not None and math.isfinite(x) else None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_matches_scalar_reference_on_random_series(seed):
    records = random_records(2000, seed=seed)
    results = assess_records(records)
    statuses = set()
    for record, got in zip(records, results):
        want = with_flat_zero_rule(record, assess_one(record))
        where = f"{record['id']}: {record} -> {got}"
        assert got["id"] == record["id"]
        assert got["status"] == want["status"], where
        statuses.add(got["status"])
        if want["score"] is None:
            assert got["score"] is None, where
        else:
            assert got["score"] == pytest.approx(want["score"], abs=1e-9), where
        pv = _finite(want["progress_value"])
        if pv is None:
            assert got["progress_value"] is None, where
        else:
            assert got["progress_value"] == pytest.approx(pv, rel=1e-12, abs=1e-12), where
        for key in ("base_year", "base_value", "current_year", "current_value"):
            assert got[key] == want[key], (key, where)
    assert len(statuses) == 6  # the random set reaches every status
