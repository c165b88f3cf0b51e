"""The analysts' batch interface (``gcmhub progress-calc --batch``)."""

import io
import json
import subprocess
import sys

import pytest

from gcmhub.progress.batch import main, run_batch

from .randomseries import random_records

GOOD_A = {
    "id": "A",
    "data": [{"year": 2015, "value": 7.5}, {"year": 2023, "value": 6.0}],
    "base_year": 2015,
    "target": 3.0,
    "target_year": 2030,
    "direction": "negative",
    "limit": None,
}
GOOD_D = {
    "id": "D",
    "data": [{"year": 2015, "value": 80}, {"year": 2022, "value": 84}],
    "base_year": 2015,
    "target": None,
    "target_year": 2030,
    "direction": "positive",
    "limit": 100,
}
SPEC_KEYS = [
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


def lines_of(*objs):
    return [o if isinstance(o, str) else json.dumps(o) for o in objs]


def test_one_output_line_per_input_in_order():
    records = random_records(500, seed=7)
    out = run_batch(lines_of(*records))
    assert out.ok and len(out) == 500
    results = [json.loads(line) for line in out]
    assert [r["id"] for r in results] == [r["id"] for r in records]
    for r in results:
        assert list(r)[:10] == SPEC_KEYS
        assert r["method"] == "opensdg"


def test_worked_examples_through_the_batch():
    a, d = (json.loads(line) for line in run_batch(lines_of(GOOD_A, GOOD_D)))
    assert (a["status"], round(a["score"], 2)) == ("limited_progress", -0.57)
    assert (d["status"], round(d["score"], 2)) == ("moderate_progress", 1.53)
    assert (a["base_year"], a["base_value"], a["current_year"], a["current_value"]) == (2015, 7.5, 2023, 6.0)


def test_bad_lines_give_error_lines_and_the_rest_is_assessed():
    bad = [
        '{"id": "broken", "data": [',  # bad JSON
        '{"data": [{"year": 2015, "value": 1}]}',  # no id
        json.dumps({"id": "nonnum", "data": [{"year": 2015, "value": "abc"}]}),
        json.dumps({"id": "dup", "data": [{"year": 2015, "value": 1}, {"year": 2015, "value": 2}]}),
        '["not", "an", "object"]',
        '{"id": "nan", "data": [{"year": 2015, "value": NaN}]}',
        json.dumps({"id": "dir", "data": [], "direction": "up"}),
    ]
    lines = lines_of(GOOD_A, *bad[:4], GOOD_D, *bad[4:])
    out = run_batch(lines)
    assert not out.ok and out.error_count == len(bad)
    results = [json.loads(line) for line in out]
    # the id of a line that is not valid JSON is recovered when it can be
    assert [r["id"] for r in results] == ["A", "broken", None, "nonnum", "dup", "D", None, "nan", "dir"]
    assert [r["status"] for r in results] == (
        ["limited_progress"] + ["error"] * 4 + ["moderate_progress"] + ["error"] * 3
    )
    reasons = [r["reason"] for r in results if r["status"] == "error"]
    assert "invalid JSON" in reasons[0] and reasons[0].startswith("line 2")
    assert "missing 'id'" in reasons[1]
    assert "'abc' is not a number" in reasons[2]
    assert "duplicate year 2015" in reasons[3]
    assert "expected a JSON object" in reasons[4]
    assert "invalid JSON" in reasons[5]
    assert "direction" in reasons[6]
    for r in results:
        assert list(r)[:10] == SPEC_KEYS


def test_blank_lines_and_bom_are_tolerated():
    out = run_batch(["\ufeff" + json.dumps(GOOD_A), "", "   ", json.dumps(GOOD_D)])
    assert out.ok and [json.loads(x)["id"] for x in out] == ["A", "D"]


@pytest.mark.parametrize("method", ["opensdg", "escap", "eurostat"])
def test_methods(method):
    results = [json.loads(x) for x in run_batch(lines_of(GOOD_A, GOOD_D), method)]
    assert {r["method"] for r in results} == {method}
    assert results[0]["method_status"]


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown method"):
        run_batch([], "unsd")


def test_main_exit_codes_and_streams(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(lines_of(GOOD_A, GOOD_D)) + "\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["--batch", str(good)], stdout=stdout, stderr=stderr) == 0
    assert [json.loads(x)["id"] for x in stdout.getvalue().splitlines()] == ["A", "D"]
    assert stderr.getvalue() == ""

    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(lines_of(GOOD_A, "{oops", GOOD_D)), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["--batch", str(mixed), "--method", "eurostat"], stdout=stdout, stderr=stderr) == 1
    assert [json.loads(x)["status"] for x in stdout.getvalue().splitlines()][1] == "error"
    assert "1 line(s)" in stderr.getvalue()

    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["--batch", str(tmp_path / "missing.jsonl")], stdout=stdout, stderr=stderr) == 2
    assert "cannot read" in stderr.getvalue()
    assert main(["--batch", str(good), "--method", "unsd"], stdout=io.StringIO(), stderr=io.StringIO()) == 2
    assert main([], stdout=io.StringIO(), stderr=io.StringIO()) == 2
    help_out = io.StringIO()
    assert main(["--help"], stdout=help_out, stderr=io.StringIO()) == 0
    assert "--method" in help_out.getvalue()


def test_main_reads_standard_input():
    stdin = io.StringIO("\n".join(lines_of(GOOD_A)) + "\n")
    stdout = io.StringIO()
    assert main(["--batch", "-", "--details"], stdin=stdin, stdout=stdout, stderr=io.StringIO()) == 0
    rec = json.loads(stdout.getvalue())
    assert rec["cagr_required"] == pytest.approx(-0.05926, abs=1e-5)


def test_runs_as_a_program(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines_of(GOOD_A, GOOD_D)) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "gcmhub.progress.batch", "--batch", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["status"] for x in proc.stdout.splitlines()] == [
        "limited_progress",
        "moderate_progress",
    ]


def test_hostile_lines_never_crash():
    big = "1" + "0" * 400
    lines = [
        '{"id": "big", "data": [{"year": 2015, "value": %s}]}' % big,
        '{"id": "bigs", "data": [{"year": 2015, "value": "%s"}]}' % big,
        '{"id": "bigyear", "data": [{"year": %s, "value": 1}]}' % big,
        '{"id": "inf", "data": [{"year": 2015, "value": 1e400}]}',
        '{"id": "dirlist", "data": [], "direction": ["positive"]}',
        '{"id": ["x"], "data": []}',
        '{"id": "yearlist", "data": [{"year": [2015], "value": 1}]}',
        '{"id": "item", "data": [5]}',
        '{"id": "deep", "data": ' + "[" * 5000 + "]" * 5000 + "}",
        '"just a string"',
        "null",
    ]
    out = run_batch(lines)
    results = [json.loads(line) for line in out]
    assert out.error_count == len(lines) == len(results)
    assert all(r["status"] == "error" and len(r["reason"]) < 200 for r in results)


def test_lenient_but_unambiguous_inputs_are_accepted():
    line = json.dumps(
        {
            "id": 3,
            "data": [[2015, 1], [2020, "2"], {"year": "There is no data", "value": None}],
            "direction": "POSITIVE",
            "base_year": "2015",
            "target_year": 2030.0,
        }
    )
    (result,) = [json.loads(x) for x in run_batch([line])]
    assert (result["id"], result["status"], result["current_value"]) == (3, "substantial_progress", 2.0)


def test_results_encoded_in_chunks_read_as_one_run(tmp_path, monkeypatch):
    """The results are encoded a chunk at a time and, when no line is an
    error, written to a UTF-8 file as bytes: the same lines as one chunk, in
    order, on a file or a text stream alike; with an error line the chunks
    are split back into lines around it."""
    from gcmhub.progress import batch

    records = random_records(7, seed=5) + [{"id": "é-ü", "data": [{"year": 2015, "value": 1}]}]
    whole = list(run_batch(lines_of(*records)))
    monkeypatch.setattr(batch, "RESULT_CHUNK", 3)
    assert list(run_batch(lines_of(*records))) == whole
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines_of(*records)) + "\n", encoding="utf-8")
    with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as out:
        assert main(["--batch", str(path)], stdout=out, stderr=io.StringIO()) == 0
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == "\n".join(whole) + "\n"
    text = io.StringIO()
    assert main(["--batch", str(path)], stdout=text, stderr=io.StringIO()) == 0
    assert text.getvalue() == "\n".join(whole) + "\n"
    mixed = list(run_batch(lines_of(*records[:4], "{oops", *records[4:])))
    assert mixed[:4] + mixed[5:] == whole and json.loads(mixed[4])["status"] == "error"
