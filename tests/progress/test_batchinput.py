"""The fast reading of batch lines agrees with the reference ``parse_record``."""

import json
import random

import pytest

from gcmhub.progress import batchinput
from gcmhub.progress.batch import run_batch
from gcmhub.progress.engine import SeriesBatch, SeriesInputError, assess, parse_record

from .randomseries import random_records

# Lines outside the typed shape or failing a whole-array check: each must give
# exactly what the reference gives (accepted with the same values, or refused).
UNUSUAL = [
    {"id": 1.5, "data": [{"year": 2015, "value": 1}, {"year": 2020, "value": 2}]},
    {"id": "yr-str", "data": [{"year": "2015-16", "value": 1}, {"year": 2020, "value": 2}]},
    {"id": "pairs", "data": [[2015, 1], [2020, 3]], "direction": "POSITIVE "},
    {"id": "nullyear", "data": [{"year": "no data", "value": None}, {"year": 2016, "value": 1}]},
    {"id": "dup", "data": [{"year": 2015, "value": 1}, {"year": 2015, "value": 2}]},
    {"id": "dup-null", "data": [{"year": 2015, "value": None}, {"year": 2015, "value": 2}]},
    {"id": "dir", "data": [], "direction": "up"},
    {"id": "dir-int", "data": [{"year": 2015, "value": 1}], "direction": 1},
    {"id": "year-range", "data": [{"year": 10000, "value": 1}]},
    {"id": "base-float", "data": [{"year": 2015, "value": 1}], "base_year": 2015.0},
    {"id": "num-str", "data": [{"year": 2015, "value": "2.5"}]},
    {"id": "bool", "data": [{"year": 2015, "value": True}]},
    {"data": [{"year": 2015, "value": 1}]},
    # Years out of order: the whole-array check sorts only then (in order, none can repeat).
    {"id": "dup-apart", "data": [{"year": 2015, "value": 1}, {"year": 2016, "value": 2}, {"year": 2015, "value": 3}]},
    {"id": "unordered", "data": [{"year": 2020, "value": 2}, {"year": 2015, "value": 1}]},
]
RAW_UNUSUAL = [
    '{"id": "inf", "data": [{"year": 2015, "value": 1e400}]}',
    '{"id": "inf-target", "data": [{"year": 2015, "value": 1}], "target": -1e999}',
    '{"id": "nan", "data": [{"year": 2015, "value": NaN}]}',
    '{"id": "broken", "data": [',
]


def reference(lines):
    """What the batch gave before the fast path: one ``parse_record`` per line."""
    parsed, outcome = [], []
    for lineno, text in enumerate(lines, start=1):
        try:
            obj = json.loads(text, parse_constant=batchinput._reject_constant)
            parsed.append(parse_record(obj, where=f"line {lineno}"))
            outcome.append(None)
        except (ValueError, SeriesInputError) as exc:
            outcome.append(getattr(exc, "message", "invalid JSON"))
    records = iter(assess(SeriesBatch.from_parsed(parsed)).to_records()) if parsed else iter(())
    return [next(records) if reason is None else reason for reason in outcome]


def mixed_lines(seed):
    rng = random.Random(seed)
    lines = [json.dumps(r) for r in random_records(300, seed=seed)]
    for extra in [json.dumps(u) for u in UNUSUAL] + RAW_UNUSUAL:
        lines.insert(rng.randrange(len(lines) + 1), extra)
    return lines


@pytest.mark.parametrize("block_lines", [1, 7, batchinput.BLOCK_LINES])
def test_fast_reading_matches_the_reference(monkeypatch, block_lines):
    monkeypatch.setattr(batchinput, "BLOCK_LINES", block_lines)
    lines = mixed_lines(seed=block_lines)
    expected = reference(lines)
    got = [json.loads(line) for line in run_batch(lines)]
    assert len(got) == len(expected)
    for line, want, have in zip(lines, expected, got):
        if isinstance(want, str):
            assert have["status"] == "error", line
            assert have["reason"].endswith(want) or "invalid JSON" in have["reason"], line
        else:
            assert have == json.loads(json.dumps(want)), line


def test_unusual_lines_take_the_reference_path_and_keep_their_messages():
    out = [json.loads(line) for line in run_batch([json.dumps(u) for u in UNUSUAL])]
    by_id = {r["id"]: r for r in out}
    assert by_id["yr-str"]["status"] != "error" and by_id["yr-str"]["base_year"] == 2015
    assert by_id["pairs"]["current_value"] == 3.0
    assert by_id["nullyear"]["status"] != "error"
    assert "duplicate year 2015 (data[0] and data[1])" in by_id["dup"]["reason"]
    assert by_id["dup-null"]["status"] != "error"  # a null value is no observation
    assert by_id["dir-int"]["status"] != "error"
    assert "year 10000 is out of range" in by_id["year-range"]["reason"]
    assert "True is not a number" in by_id["bool"]["reason"]
    assert by_id[None]["reason"] == "line 13: missing 'id'"
    assert "duplicate year 2015" in by_id["dup-apart"]["reason"]
    assert by_id["unordered"]["status"] != "error" and by_id["unordered"]["current_year"] == 2020


def test_the_typed_path_really_takes_the_common_lines(monkeypatch):
    calls = []
    real = batchinput.parse_slow
    monkeypatch.setattr(batchinput, "parse_slow", lambda *a: calls.append(a) or real(*a))
    out = run_batch([json.dumps(r) for r in random_records(200, seed=3)])
    assert out.ok and len(out) == 200 and calls == []
