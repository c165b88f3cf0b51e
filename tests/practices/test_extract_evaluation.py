"""The scoring behind benchmarks/bench_extract.py, on hand-made candidates and labels."""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from gcmhub.practices.extraction.evaluation import Label, read_labels, score
from tests.practices.extract_samples import SAMPLE_REPORT

REPO = Path(__file__).resolve().parents[2]


def _candidate(page, area=None, actor="", objectives=(1,)):
    return SimpleNamespace(page=page, area=area, actor=actor, objectives=list(objectives), summary="")


def _label(page, area=None, actor="", objectives=(1,), borderline=False):
    return Label(page=page, area=area, actor=actor, objectives=tuple(objectives), borderline=borderline)


def test_a_label_needs_area_or_actor_page_within_one_and_a_shared_objective():
    label = _label(10, "KEN", objectives=(6, 23))
    assert score([_candidate(11, "KEN", objectives=[23])], [label], (1, 20)).matched == 1
    assert score([_candidate(12, "KEN", objectives=[23])], [label], (1, 20)).matched == 0  # two pages off
    assert score([_candidate(10, "UGA", objectives=[23])], [label], (1, 20)).matched == 0  # wrong country
    assert score([_candidate(10, "KEN", objectives=[5])], [label], (1, 20)).matched == 0  # no shared objective
    process = _label(10, None, "Khartoum Process", (10,))
    assert score([_candidate(10, None, "the Khartoum Process", [10])], [process], (1, 20)).matched == 1


def test_matching_is_one_to_one_and_as_large_as_possible():
    # The first candidate could take either label; the best matching gives each label its own.
    labels = [_label(5, "MEX", objectives=(20, 19)), _label(5, "MEX", objectives=(20,))]
    candidates = [_candidate(5, "MEX", objectives=[19, 20]), _candidate(5, "MEX", objectives=[19])]
    result = score(candidates, labels, (1, 9))
    assert (result.matched, result.recall, result.precision) == (2, 1.0, 1.0)
    duplicate = score([_candidate(5, "MEX", objectives=[20])] * 3, labels[:1], (1, 9))
    assert (duplicate.matched, duplicate.precision) == (1, pytest.approx(1 / 3))


def test_precision_counts_only_candidates_on_the_labelled_pages():
    result = score([_candidate(5, "MEX"), _candidate(40, "MEX")], [_label(5, "MEX")], (1, 9))
    assert (result.candidates, result.precision) == (1, 1.0)


def test_borderline_labels_count_in_recall_but_not_in_firm_recall():
    labels = [_label(5, "MEX"), _label(6, "PER", borderline=True), _label(7, "CHL")]
    result = score([_candidate(5, "MEX"), _candidate(6, "PER")], labels, (1, 9))
    assert result.recall == pytest.approx(2 / 3)
    assert (result.firm_matched, result.firm_labels, result.firm_recall) == (1, 2, 0.5)
    assert result.precision == 1.0


def test_label_files_read_with_their_borderline_flags(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text(
        "version: 1\npages: [3, 6]\nlabels:\n"
        "  - {page: 4, area: NOR, objectives: [6, 3], note: helpline}\n"
        "  - {page: 5, area: null, actor: Khartoum Process, objectives: [10], borderline: true}\n",
        encoding="utf-8",
    )
    labels, pages = read_labels(path)
    assert pages == (3, 6)
    assert [(label.area, label.actor, label.borderline) for label in labels] == [
        ("NOR", "", False),
        (None, "Khartoum Process", True),
    ]


def test_the_bench_prints_recall_precision_and_timing_for_a_labels_file(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(SAMPLE_REPORT, encoding="utf-8")
    labels = tmp_path / "sample.yaml"
    labels.write_text(
        "version: 1\npages: [3, 6]\nlabels:\n"
        "  - {page: 4, area: NOR, objectives: [6, 3, 14], note: helpline for migrant workers}\n"
        "  - {page: 4, area: GHA, objectives: [5, 23, 6], note: seasonal work agreement}\n"
        "  - {page: 2, area: ATA, objectives: [1], borderline: true, note: nothing says this}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_extract.py"), "--report", str(report), "--labels", str(labels)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("sample"))
    assert "recall 0.667 (2/3)" in line
    assert "without borderline 1.000 (2/2)" in line
    assert "100-page report (keyword-only)" in done.stdout
