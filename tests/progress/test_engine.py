"""The columnar input and the result object."""

import subprocess
import sys

import numpy as np
import pytest

from gcmhub.progress.engine import (
    DuplicateYearError,
    SeriesBatch,
    SeriesInputError,
    assess,
    parse_record,
)

from .util import series


def test_from_arrays_sorts_any_order_and_drops_missing_values():
    # series 1 first, years shuffled, one NaN
    batch = SeriesBatch.from_arrays(
        series=[1, 0, 1, 0, 1],
        years=[2020, 2020, 2015, 2015, 2018],
        values=[4.0, 2.0, 1.0, 1.0, np.nan],
        direction=["positive", "negative"][::-1],
        target=[np.nan, 8.0],
    )
    assert batch.n_series == 2 and batch.n_obs == 4
    assert batch.offsets.tolist() == [0, 2, 4]
    assert batch.series(1)[0].tolist() == [2015, 2020]
    assert batch.direction.tolist() == [-1, 1]
    result = assess(batch)
    assert result.current_value.tolist() == [2.0, 4.0]
    assert result.base_year.tolist() == [2015, 2015]


def test_from_arrays_keeps_series_without_observations():
    batch = SeriesBatch.from_arrays([0, 0, 2, 2], [2015, 2020, 2015, 2020], [1, 2, 3, 4], n_series=4)
    statuses = assess(batch).status_names.tolist()
    assert statuses[1] == statuses[3] == "not_available"
    assert statuses[0] != "not_available"


def test_from_arrays_validates():
    with pytest.raises(DuplicateYearError):
        SeriesBatch.from_arrays([0, 1, 1], [2015, 2016, 2016], [1, 2, 3])
    with pytest.raises(SeriesInputError, match="finite"):
        SeriesBatch.from_arrays([0, 0], [2015, 2016], [1, np.inf])
    with pytest.raises(SeriesInputError, match="whole"):
        SeriesBatch.from_arrays([0, 0], [2015.5, 2016], [1, 2])
    with pytest.raises(ValueError, match="direction"):
        SeriesBatch.from_arrays([0, 0], [2015, 2016], [1, 2], direction="up")
    with pytest.raises(ValueError, match="length"):
        SeriesBatch.from_arrays([0, 1], [2015, 2016], [1, 2], target=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="series indices"):
        SeriesBatch.from_arrays([0, 5], [2015, 2016], [1, 2], n_series=2)


def test_empty_batch():
    result = assess(SeriesBatch.from_records([]))
    assert len(result) == 0 and result.to_records() == []


def test_parse_record_fields_and_defaults():
    p = parse_record(
        {"id": 7, "data": [{"year": "2015", "value": "1.5"}, [2016, 2], {"year": 2017.0, "value": None}]}
    )
    assert (p.id, p.years, p.values) == (7, (2015, 2016), (1.5, 2.0))
    assert (p.base_year, p.target_year, p.direction) == (2015, 2030, -1)
    assert np.isnan(p.target) and np.isnan(p.limit)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"data": []}, "missing 'id'"),
        ({"id": "x"}, "missing 'data'"),
        ({"id": "x", "data": {"2015": 1}}, "'data' must be a list"),
        ({"id": "x", "data": [{"value": 1}]}, r"data\[0\]: missing 'year'"),
        ({"id": "x", "data": [{"year": "twenty", "value": 1}]}, "not a year"),
        ({"id": "x", "data": [{"year": 2015, "value": "abc"}]}, "not a number"),
        ({"id": "x", "data": [{"year": 2015, "value": True}]}, "not a number"),
        ({"id": "x", "data": [], "target": "high"}, "target"),
        ({"id": "x", "data": [], "direction": "up"}, "direction"),
        ({"id": "x", "data": [], "base_year": 2015.5}, "base_year"),
        ({"id": "x", "data": [], "limit": [1]}, "limit"),
        (["x"], "expected a JSON object"),
    ],
)
def test_parse_record_rejects_bad_input(record, message):
    with pytest.raises(SeriesInputError, match=message):
        parse_record(record)


def test_to_records_keys_and_order():
    records = [series({2015: 1.0, 2020: float(i + 2)}, id=f"s{i}", direction="positive") for i in range(5)]
    out = assess(SeriesBatch.from_records(records)).to_records()
    assert [r["id"] for r in out] == [f"s{i}" for i in range(5)]
    assert list(out[0])[:10] == [
        "id",
        "status",
        "score",
        "progress_value",
        "base_year",
        "base_value",
        "current_year",
        "current_value",
        "method",
        "reason",
    ]
    assert isinstance(out[0]["base_year"], int) and isinstance(out[0]["current_year"], int)


def test_vectorised_over_many_series_in_one_call():
    rng = np.random.default_rng(0)
    n, per = 20_000, 12
    series_idx = np.repeat(np.arange(n), per)
    years = np.tile(np.arange(2012, 2012 + per), n)
    values = rng.uniform(1, 100, n * per)
    batch = SeriesBatch.from_arrays(
        series_idx, years, values, direction=rng.choice(["positive", "negative"], n)
    )
    result = assess(batch)
    assert len(result) == n
    assert not np.any(result.status_names == "not_available")
    assert np.all((result.score >= -5) & (result.score <= 5))


def test_engine_does_not_need_django():
    code = (
        "import sys; import gcmhub.progress.engine, gcmhub.progress.batch; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
