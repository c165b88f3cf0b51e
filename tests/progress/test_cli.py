"""`gcmhub progress-calc` through the real command line."""

import json
import os
import subprocess
import sys


def run_cli(args, stdin_text=None):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "gcmhub.cli", "progress-calc", *args],
        input=stdin_text, capture_output=True, text=True, timeout=120, env=env,
    )


def test_progress_calc_assesses_a_file_and_reports_a_bad_line(tmp_path):
    good = {"id": "A", "data": [{"year": 2015, "value": 7.5}, {"year": 2023, "value": 6.0}],
            "base_year": 2015, "target": 3.0, "target_year": 2030, "direction": "negative", "limit": None}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good) + "\n" + '{"id": "B", "data": "oops"}\n')
    result = run_cli(["--batch", str(path)])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["A", "B"]
    assert lines[0]["status"] == "limited_progress"
    assert round(lines[0]["score"], 2) == -0.57
    assert lines[1]["status"] == "error"
    assert result.returncode == 1


def test_progress_calc_rejects_an_unknown_method(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("")
    result = run_cli(["--batch", str(path), "--method", "astrology"])
    assert result.returncode == 2
