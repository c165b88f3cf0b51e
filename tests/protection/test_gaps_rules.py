"""The gap rules on planted records (pure: no database)."""

import doctest

from gcmhub.protection import gaps
from gcmhub.protection.gaps import Evidence, Measure, build_matrix, classify

CHILD, TRAFFICKING = "unaccompanied_child", "trafficking"


def measure(kind="commitment", id=1, situations=(TRAFFICKING,), stages=(), state="in_progress", problems=()):
    return Measure(kind, id, f"{kind} {id}", frozenset(situations), frozenset(stages), state, tuple(problems))


def harm(value=143.0, situations=(TRAFFICKING,), stages=(), series="VC_HTF_DETV"):
    return Evidence(series, "16.2.2", frozenset(situations), frozenset(stages), 2019, value, "deterioration", "open-sdg")


def test_harm_and_no_measure_is_a_gap():
    cell = classify(TRAFFICKING, "transit", [], [harm()])
    assert (cell.status, cell.rule) == (gaps.GAP, gaps.RULE_GAP)
    assert [e.series for e in cell.harm] == ["VC_HTF_DETV"]


def test_harm_and_only_closed_measures_is_still_a_gap():
    closed = [measure(state="discontinued"), measure("service", 2, state="suspended"), measure("service", 3, state="closed")]
    cell = classify(TRAFFICKING, "transit", closed, [harm()])
    assert cell.status == gaps.GAP
    assert cell.counts() == {gaps.SOUND: 0, gaps.WEAK_MEASURE: 0, gaps.NOT_COUNTED: 3}


def test_a_measure_for_another_situation_or_stage_does_not_count():
    elsewhere = [measure(situations=(CHILD,)), measure(id=2, stages=("destination",))]
    assert classify(TRAFFICKING, "transit", elsewhere, [harm()]).status == gaps.GAP
    assert classify(TRAFFICKING, "destination", elsewhere, [harm()]).status == gaps.COVERED


def test_only_stale_or_unfunded_measures_is_a_weak_spot_with_or_without_harm():
    weak = [
        measure(problems=("overdue",)),
        measure(id=2, problems=("unfunded",)),
        measure("service", 3, state="active", problems=("stale",)),
        measure(id=4, state="discontinued"),  # not counted: does not make the cell sound
    ]
    for evidence in ([harm()], []):
        cell = classify(TRAFFICKING, "transit", weak, evidence)
        assert (cell.status, cell.rule) == (gaps.WEAK, gaps.RULE_WEAK)
    assert len(cell.measures_with(gaps.WEAK_MEASURE)) == 3


def test_one_sound_measure_covers_the_cell():
    cell = classify(TRAFFICKING, "transit", [measure(problems=("stale",)), measure("practice", 2, state="ongoing")], [harm()])
    assert (cell.status, cell.rule) == (gaps.COVERED, gaps.RULE_COVERED)
    assert [m.kind for m in cell.measures_with(gaps.SOUND)] == ["practice"]


def test_no_harm_and_no_measure_is_no_evidence_not_a_gap():
    zero = harm(value=0.0)
    missing = harm(value=None)
    for evidence in ([zero], [missing], []):
        cell = classify(TRAFFICKING, "transit", [], evidence)
        assert (cell.status, cell.rule) == (gaps.NO_EVIDENCE, gaps.RULE_NO_EVIDENCE)
    assert classify(TRAFFICKING, "transit", [], [zero]).evidence  # listed, even without harm


def test_stages_where_the_situation_does_not_arise():
    arises = frozenset({"transit", "destination"})
    assert classify(TRAFFICKING, "return", [], [harm()], arises).status == gaps.NOT_APPLICABLE
    # untagged evidence follows the taxonomy; evidence tagged with the stage counts there anyway
    assert classify(TRAFFICKING, "return", [], [harm(stages=("return",))], arises).status == gaps.GAP
    # a measure with no stage counts where the situation arises; one tagged with the stage, there too
    assert classify(TRAFFICKING, "return", [measure()], [], arises).status == gaps.NOT_APPLICABLE
    assert classify(TRAFFICKING, "transit", [measure()], [], arises).status == gaps.COVERED
    assert classify(TRAFFICKING, "return", [measure(stages=("return",))], [], arises).status == gaps.COVERED


def test_matrix_has_every_cell_and_totals():
    matrix = build_matrix(
        [CHILD, TRAFFICKING],
        [measure(situations=(CHILD,), stages=("transit",))],
        [harm()],
        arises={TRAFFICKING: ["transit", "destination"]},
    )
    assert len(matrix.cells) == 8
    assert [c.status for c in matrix.row(TRAFFICKING)] == ["not_applicable", "gap", "gap", "not_applicable"]
    assert matrix.cell(CHILD, "transit").status == gaps.COVERED
    assert matrix.totals[gaps.GAP] == 2 and matrix.totals[gaps.NO_EVIDENCE] == 3
    assert matrix.method_version == gaps.METHOD_VERSION


def test_doctests():
    assert doctest.testmod(gaps).failed == 0
