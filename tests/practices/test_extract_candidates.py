"""Candidates end to end on invented report text, and the command line."""

import json

import pytest
from django.core.management import CommandError, call_command

from gcmhub.practices.extraction import Candidate, extract_candidates, split_pages
from gcmhub.practices.extraction.pages import join_pages
from tests.practices.extract_samples import SAMPLE_REPORT

JSON_KEYS = {"area", "actor", "speaker", "page", "summary", "objectives", "stage", "confidence", "span"}


@pytest.fixture(scope="module")
def candidates() -> list[Candidate]:
    return extract_candidates(split_pages(SAMPLE_REPORT))


def _find(candidates, area=None, actor=None):
    return [c for c in candidates if (area is None or c.area == area) and (actor is None or c.actor == actor)]


def test_a_speakers_measure_is_credited_to_their_country_and_page(candidates):
    (helpline,) = _find(candidates, "NOR")
    assert helpline.speaker == "Anna Berg"
    assert helpline.page == 4
    assert helpline.objectives[0] in (3, 6, 14)
    assert "helpline" in helpline.summary


def test_country_named_by_delegate_adjective_and_city(candidates):
    assert [c.page for c in _find(candidates, "GHA")] == [3, 4]
    (health,) = _find(candidates, "ECU")
    assert health.page == 5 and 15 in health.objectives
    (classes,) = _find(candidates, "ITA")
    assert classes.actor == "Prato" and 16 in classes.objectives and classes.stage == "destination"


def test_regional_process_without_country(candidates):
    (process,) = _find(candidates, actor="Khartoum Process")
    assert process.area is None and 10 in process.objectives


def test_two_measures_in_one_sentence_are_two_candidates(candidates):
    kenya = _find(candidates, "KEN")
    assert len(kenya) == 2
    assert kenya[0].objectives[0] == 20
    assert 21 in kenya[1].objectives and kenya[1].stage == "return"
    assert kenya[0].span["end"] <= kenya[1].span["start"]
    assert kenya[1].summary.startswith("Kenya: it had set up")


def test_practices_credited_in_brackets(candidates):
    registration = [c for c in candidates if c.page == 3 and 4 in c.objectives]
    assert {c.area for c in registration} == {"PER", "GHA"}
    (remittances,) = [c for c in candidates if c.area == "SEN"]
    assert remittances.objectives[0] == 20
    assert "remittance matching" in remittances.summary


def test_opinions_calls_front_matter_and_trailing_listings_give_no_candidates(candidates):
    assert not _find(candidates, "CHL")  # "should consider" is a call, not a measure
    assert all(c.page >= 3 for c in candidates)
    assert not [c for c in candidates if c.page == 3 and c.area not in ("PER", "GHA", "SEN")]
    assert all("registration desk" not in c.summary for c in candidates)
    assert all(c.page <= 6 for c in candidates)


def test_spans_point_into_the_joined_pages(candidates):
    text, _offsets = join_pages(split_pages(SAMPLE_REPORT))
    for candidate in candidates:
        passage = text[candidate.span["start"] : candidate.span["end"]]
        prefixed = candidate.summary.startswith(("Good practice", f"{candidate.actor}: "))
        quoted = candidate.summary.split(": ", 1)[-1] if prefixed else candidate.summary
        assert quoted.split()[0] in passage
        assert 0 < candidate.confidence <= 1
        assert (candidate.span_start, candidate.span_end) == (candidate.span["start"], candidate.span["end"])


def test_progress_is_reported_up_to_100():
    seen = []
    extract_candidates(split_pages(SAMPLE_REPORT), on_progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)


def test_json_lines_have_exactly_the_documented_keys(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(SAMPLE_REPORT, encoding="utf-8")
    call_command("practices", "extract", str(report), "--format", "jsonl")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(set(line) == JSON_KEYS for line in lines)
    assert all(set(line["span"]) == {"start", "end"} for line in lines)
    assert {line["area"] for line in lines} >= {"NOR", "GHA", "ECU", "ITA", "KEN", None}


def test_text_format_and_explanations(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(SAMPLE_REPORT, encoding="utf-8")
    call_command("practices", "extract", str(report), "--format", "text", "--explain")
    out = capsys.readouterr().out
    assert "p.4  NOR" in out and "terms " in out
    call_command("practices", "extract", str(report), "--explain")
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert set(first) == JSON_KEYS | {"objective_terms", "measure_terms"}


def test_bad_files_are_refused_with_their_name(tmp_path):
    with pytest.raises(CommandError, match="missing.txt: no such file"):
        call_command("practices", "extract", str(tmp_path / "missing.txt"))
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x00")
    with pytest.raises(CommandError, match="scan.txt: binary content"):
        call_command("practices", "extract", str(binary))


def test_semantic_flag_without_the_extra_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GCMHUB_SEMANTIC", "0")
    report = tmp_path / "report.txt"
    report.write_text(SAMPLE_REPORT, encoding="utf-8")
    with pytest.raises(CommandError, match="optional extra"):
        call_command("practices", "extract", str(report), "--semantic")
