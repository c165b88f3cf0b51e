"""Instruments are data: loading, the schema check, and scoring (10.7.2 at its thresholds)."""

from decimal import Decimal
from pathlib import Path

import pytest

from gcmhub.framework.catalogue import read_bundle
from gcmhub.reviews import instruments
from gcmhub.reviews.instruments import InstrumentError, load_instrument, read_instrument, score

D = Decimal


def test_both_instruments_load_without_problems():
    assert instruments.check_all() == []
    assert set(instruments.BUILT_IN) <= set(instruments.available())


def test_gcm_objectives_has_23_objectives_titled_from_the_framework_data():
    instrument = load_instrument("gcm-objectives")
    assert instrument.question_keys == tuple(f"objective-{n}" for n in range(1, 24))
    official = {entry.number: entry.title for entry in read_bundle().objectives}
    for domain in instrument.domains:
        assert domain.title == official[domain.objective]
        assert domain.questions[0].title == official[domain.objective]
    assert instrument.scale.values == ("well_developed", "developing", "room_to_develop", "not_applicable")
    assert instrument.scale.option("not_applicable").level is None
    assert instrument.scale.option("well_developed").level > instrument.scale.option("developing").level


def test_sdg_10_7_2_has_six_domains_of_five_and_framework_names():
    instrument = load_instrument("sdg-10.7.2")
    assert [d.key for d in instrument.domains] == [f"PD_{n}" for n in range(1, 7)]
    assert all(len(d.questions) == 5 for d in instrument.domains)
    names = {entry.code: entry.name for entry in read_bundle().policy_domains}
    assert all(d.title == names[d.policy_domain] for d in instrument.domains)
    assert [(level.code, level.score, level.lower) for level in instrument.levels] == [
        ("requires_further_progress", 1, D(0)),
        ("partially_meets", 2, D(40)),
        ("meets", 3, D(80)),
        ("fully_meets", 4, D(100)),
    ]
    assert instrument.levels[0].title("en") == "Requires further progress"
    assert instrument.levels[3].title("es") == "Cumple plenamente"


def _domain_answers(yes: int, domain: int = 1) -> dict[str, str]:
    letters = "abcde"
    return {f"{domain}{letters[i]}": ("yes" if i < yes else "no") for i in range(5)}


@pytest.mark.parametrize(
    ("yes", "value", "level"),
    [
        (0, D("0.00"), "requires_further_progress"),
        (1, D("20.00"), "requires_further_progress"),
        (2, D("40.00"), "partially_meets"),  # exactly at the threshold
        (3, D("60.00"), "partially_meets"),
        (4, D("80.00"), "meets"),  # exactly at the threshold
        (5, D("100.00"), "fully_meets"),  # exactly at the threshold
    ],
)
def test_10_7_2_domain_score_and_classification(yes, value, level):
    result = score(load_instrument("sdg-10.7.2"), _domain_answers(yes))
    domain = result.domains["PD_1"]
    assert domain.value == value
    assert domain.level.code == level


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("39.99", "requires_further_progress"),
        ("40", "partially_meets"),
        ("79.99", "partially_meets"),
        ("80", "meets"),
        ("99.99", "meets"),
        ("100", "fully_meets"),
    ],
)
def test_10_7_2_classification_just_below_and_at_each_threshold(value, level):
    assert load_instrument("sdg-10.7.2").level_of(D(value)).code == level


def test_an_incomplete_domain_has_no_score():
    answers = _domain_answers(5)
    del answers["1e"]
    result = score(load_instrument("sdg-10.7.2"), {**answers, "2a": "yes", "2b": "bogus"})
    assert result.domains["PD_1"].value is None and result.domains["PD_1"].level is None
    assert result.domains["PD_1"].answered == 4
    assert result.domains["PD_2"].answered == 1  # "bogus" is not an answer
    assert result.answered == 5 and result.total == 30


def test_gcm_objectives_counts_ratings_without_a_total():
    result = score(
        load_instrument("gcm-objectives"),
        {"objective-1": "developing", "objective-2": "developing", "objective-7": "not_applicable"},
    )
    assert result.counts["developing"] == 2 and result.counts["not_applicable"] == 1
    assert all(domain.value is None for domain in result.domains.values())
    assert result.domains["objective-1"].complete and not result.domains["objective-3"].complete


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
schema_version: 1
code: tiny
edition: "2026-01-01"
source: test
title: {en: Tiny, fr: Petit, es: Pequeño}
fields: [narrative]
scale:
  kind: binary
  options:
  - {value: "yes", points: 1, label: {en: "Yes", fr: Oui, es: Sí}}
  - {value: "no", points: 0, label: {en: "No", fr: Non, es: "No"}}
aggregation:
  method: mean_percent
  classification:
  - {code: low, score: 1, from: 0, label: {en: Low, fr: Bas, es: Bajo}}
  - {code: high, score: 2, from: 50, label: {en: High, fr: Haut, es: Alto}}
domains:
- key: d1
  title: {en: One, fr: Un, es: Uno}
  questions:
  - {key: q1, title: {en: Q, fr: Q, es: P}}
  - {key: q2, title: {en: Q, fr: Q, es: P}}
"""


def test_a_new_instrument_needs_no_code(tmp_path):
    instrument = read_instrument(_write(tmp_path, "tiny.yaml", GOOD))
    result = score(instrument, {"q1": "yes", "q2": "no"})
    assert result.domains["d1"].value == D("50.00") and result.domains["d1"].level.code == "high"


def test_problems_name_file_line_and_field(tmp_path):
    bad = GOOD.replace("  - {code: high, score: 2, from: 50,", "  - {code: high, score: 2, from: -5,")
    bad = bad.replace("fields: [narrative]", "fields: [narrative]\ncolour: red")
    with pytest.raises(InstrumentError) as caught:
        read_instrument(_write(tmp_path, "tiny.yaml", bad))
    problems = caught.value.problems
    fields = {(p.field, p.line) for p in problems}
    assert ("aggregation.classification[1].from", 17) in fields
    assert any(p.field == "file" and "colour" in p.reason for p in problems)
    assert all(p.file == "tiny.yaml" for p in problems)


def test_rules_a_schema_cannot_say(tmp_path):
    bad = GOOD.replace("from: 50", "from: 0").replace("{key: q2,", "{key: q1,").replace("code: tiny", "code: other")
    with pytest.raises(InstrumentError) as caught:
        read_instrument(_write(tmp_path, "tiny.yaml", bad))
    reasons = " | ".join(f"{p.field}: {p.reason}" for p in caught.value.problems)
    assert "aggregation.classification[1].from" in reasons
    assert "questions[1].key" in reasons
    assert "code:" in reasons


def test_an_unknown_objective_is_refused(tmp_path):
    text = GOOD.replace("aggregation:\n  method: mean_percent", "aggregation:\n  method: none")
    text = text[: text.index("  classification")] + "domains:\n- {key: objective-24, objective: 24}\n"
    with pytest.raises(InstrumentError) as caught:
        read_instrument(_write(tmp_path, "tiny.yaml", text))
    assert any("objective" in p.field for p in caught.value.problems)


def test_unknown_instrument_code():
    with pytest.raises(InstrumentError):
        load_instrument("no-such-instrument")
