"""The disagreement rule (gcmhub.reviews.comparison), at its boundaries."""

import doctest
from decimal import Decimal

import pytest

from gcmhub.reviews import comparison
from gcmhub.reviews.comparison import Position, Scale, compare_row

GCM = Scale.ordinal(["well_developed", "developing", "room_to_develop"])
POINTS = Scale.numeric()


def _row(scale, official, *scorecards):
    return compare_row(
        scale,
        "objective-1",
        "Objective 1",
        None if official is None else Position("official", "Government", official, "official reason"),
        [Position(f"sc-{i}", f"Org {i}", value, f"reason {i}") for i, value in enumerate(scorecards)],
    )


def test_doctest():
    assert doctest.testmod(comparison).failed == 0


def test_one_level_apart_is_no_disagreement():
    row = _row(GCM, "well_developed", "developing")
    assert row.spread == 1
    assert row.disagreement is False
    assert row.scorecards[0].difference == -1


def test_two_levels_apart_is_a_disagreement_either_way():
    assert _row(GCM, "well_developed", "room_to_develop").disagreement is True
    row = _row(GCM, "room_to_develop", "well_developed")
    assert row.disagreement is True
    assert row.spread == 2
    assert row.scorecards[0].difference == 2
    assert row.scorecards[0].disagrees is True


def test_same_rating_agrees():
    row = _row(GCM, "developing", "developing", "developing")
    assert (row.spread, row.disagreement, row.scorecards_disagree) == (0, False, False)


@pytest.mark.parametrize("other", ["not_applicable", None, "", "made_up_level"])
def test_not_applicable_or_missing_never_disagrees_but_is_shown(other):
    row = _row(GCM, "well_developed", other)
    assert row.disagreement is False
    assert row.spread is None  # only one rated answer
    assert row.scorecards[0].status in {"not_applicable", "missing"}
    row = _row(GCM, other, "room_to_develop", "well_developed")
    assert row.disagreement is False  # no official rating to disagree with
    assert row.scorecards_disagree is True  # but the two scorecards are two levels apart
    assert row.spread == 2


def test_not_applicable_is_labelled_not_missing():
    row = _row(GCM, "not_applicable", None)
    assert row.official.status == "not_applicable"
    assert row.scorecards[0].status == "missing"


def test_missing_official_answer_set():
    row = _row(GCM, None, "room_to_develop")
    assert row.official.status == "missing"
    assert row.disagreement is False


def test_any_scorecard_sets_the_flag_and_each_cell_says_which():
    row = _row(GCM, "developing", "developing", "room_to_develop", "well_developed")
    assert row.disagreement is False  # each is one level from the official one
    assert row.scorecards_disagree is True  # room_to_develop vs well_developed
    row = _row(GCM, "well_developed", "developing", "room_to_develop")
    assert row.disagreement is True
    assert [c.disagrees for c in row.scorecards] == [False, True]


@pytest.mark.parametrize(
    "official, scorecard, expected",
    [
        (50, 89, False),
        (50, 90, True),
        (90, 50.5, False),
        (90, 50, True),
        (Decimal("10.01"), Decimal("50"), False),
        (Decimal("10.00"), Decimal("50"), True),
        (0, 100, True),
        ("60", "20.0", True),
    ],
)
def test_points_threshold_is_40(official, scorecard, expected):
    row = _row(POINTS, official, scorecard)
    assert row.disagreement is expected


def test_39_vs_40_points():
    assert _row(POINTS, 0, 39).disagreement is False
    assert _row(POINTS, 0, 40).disagreement is True
    assert _row(POINTS, 0, 40).spread == 40


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc"])
def test_non_finite_or_unreadable_points_are_missing(bad):
    row = _row(POINTS, 0, bad)
    assert row.scorecards[0].status == "missing"
    assert row.disagreement is False


def test_justifications_travel_with_the_row():
    record = comparison.row_record(_row(GCM, "well_developed", "room_to_develop"))
    assert record["official"]["justification"] == "official reason"
    assert record["scorecards"][0]["justification"] == "reason 0"
    assert record["disagreement"] is True
    assert record["spread"] == 2.0


def test_an_ordinal_scale_needs_distinct_levels():
    with pytest.raises(ValueError):
        Scale.ordinal(["a"])
    with pytest.raises(ValueError):
        Scale.ordinal(["a", "a"])
