"""Graduated timelines (gcmhub.progress.timelines): pure, no database."""

from datetime import date

import pytest

from gcmhub.progress import timelines as tl

TODAY = date(2025, 6, 1)


def remittance_timeline(trajectory):
    # 10.c.1: 7.5 % in 2015, 3 % by 2030, lower is better.
    return tl.for_years(2015, 2030, 7.5, 3.0, direction="negative", trajectory=trajectory)


@pytest.mark.parametrize("trajectory", ["linear", "cagr"])
def test_achieved_whenever_the_latest_value_meets_the_target(trajectory):
    timeline = remittance_timeline(trajectory)
    result = tl.evaluate(timeline, 2.9, tl.year_point(2023), TODAY)
    assert result.status == "achieved"
    # ... even after the due date
    assert tl.evaluate(timeline, 3.0, tl.year_point(2031), date(2032, 1, 1)).status == "achieved"


@pytest.mark.parametrize("trajectory", ["linear", "cagr"])
def test_overdue_after_the_end_of_the_target_year(trajectory):
    timeline = remittance_timeline(trajectory)
    assert tl.evaluate(timeline, 3.5, tl.year_point(2030), date(2030, 12, 31)).status != "overdue"
    result = tl.evaluate(timeline, 3.5, tl.year_point(2030), date(2031, 1, 1))
    assert result.status == "overdue" and result.is_problem


def test_linear_path_on_and_off_track():
    timeline = remittance_timeline("linear")
    # Straight line from 7.5 (mid-2015) to 3.0 (mid-2030): 0.3 a year, 5.1 in 2023.
    assert tl.expected_value(timeline, tl.year_point(2023)) == pytest.approx(5.1, abs=0.005)
    on = tl.evaluate(timeline, 5.0, tl.year_point(2023), TODAY)
    off = tl.evaluate(timeline, 5.3, tl.year_point(2023), TODAY)
    assert (on.status, off.status) == ("on_track", "off_track")
    assert on.trajectory_used == "linear" and on.gap > 0 > off.gap


def test_cagr_path_on_and_off_track():
    timeline = remittance_timeline("cagr")
    # Constant growth 7.5 → 3.0 over 15 years: 7.5 × 0.4^(8/15) ≈ 4.60 in 2023,
    # below the straight line (5.1): the same value can be on one and off the other.
    expected = tl.expected_value(timeline, tl.year_point(2023))
    assert expected == pytest.approx(7.5 * 0.4 ** (2922 / 5479), rel=1e-9)
    assert expected == pytest.approx(4.60, abs=0.01)
    assert tl.evaluate(timeline, 4.55, tl.year_point(2023), TODAY).status == "on_track"
    assert tl.evaluate(timeline, 5.0, tl.year_point(2023), TODAY).status == "off_track"
    assert tl.evaluate(remittance_timeline("linear"), 5.0, tl.year_point(2023), TODAY).status == "on_track"
    assert tl.required_annual_growth(timeline) == pytest.approx(0.4 ** (1 / 15) - 1, rel=1e-3)


@pytest.mark.parametrize("trajectory", ["linear", "cagr"])
def test_increase_desired(trajectory):
    timeline = tl.for_years(2015, 2030, 82, 100, direction="positive", trajectory=trajectory)
    assert tl.evaluate(timeline, 95, tl.year_point(2022), TODAY).status == "on_track"
    assert tl.evaluate(timeline, 84, tl.year_point(2022), TODAY).status == "off_track"
    assert tl.evaluate(timeline, 100, tl.year_point(2022), TODAY).status == "achieved"


def test_horizon_from_a_start_date():
    start = date(2024, 3, 15)
    timeline = tl.for_horizon(start, "2y", 10.0, 5.0, direction="negative", trajectory="linear")
    assert timeline.due == date(2026, 3, 15) == timeline.end
    # Half-way through (mid-March 2025) the line gives 7.5.
    assert tl.expected_value(timeline, date(2025, 3, 15)) == pytest.approx(7.5, abs=0.01)
    assert tl.evaluate(timeline, 7.0, date(2025, 3, 15), date(2025, 6, 1)).status == "on_track"
    assert tl.evaluate(timeline, 8.0, date(2025, 3, 15), date(2025, 6, 1)).status == "off_track"
    assert tl.evaluate(timeline, 6.0, date(2026, 3, 1), date(2026, 3, 16)).status == "overdue"
    five = tl.for_horizon(start, 5, 1.0, 2.0)
    fifteen = tl.for_horizon(date(2024, 2, 29), "15y", 1.0, 2.0)
    assert five.due == date(2029, 3, 15) and fifteen.due == date(2039, 2, 28)


def test_missing_data_is_not_available_never_good_or_bad():
    timeline = remittance_timeline("cagr")
    result = tl.evaluate(timeline, None, None, TODAY)
    assert result.status == "not_available" and result.reason == "no_data" and not result.is_problem
    # Only an observation from before the start: nothing to judge yet.
    late = tl.for_horizon(date(2025, 1, 1), "5y", 10.0, 5.0, direction="negative")
    result = tl.evaluate(late, 9.0, tl.year_point(2023), TODAY)
    assert result.status == "not_available" and result.reason == "no_data_since_start"


def test_cagr_falls_back_to_a_straight_line_from_zero():
    timeline = tl.for_years(2015, 2030, 0.0, 10.0, direction="positive", trajectory="cagr")
    assert timeline.trajectory_used == "linear"
    result = tl.evaluate(timeline, 6.0, tl.year_point(2023), TODAY)
    assert result.trajectory_used == "linear" and result.reason == "cagr_impossible"
    assert result.status == "on_track"  # the line gives 5.33 in 2023
    assert tl.for_years(2015, 2030, 5.0, -1.0, trajectory="cagr").trajectory_used == "linear"


def test_tolerance_allows_a_share_of_the_required_change():
    timeline = remittance_timeline("linear")
    # 5.3 is 0.2 behind the line; the required change is 4.5, so 5 % tolerance (0.225) covers it.
    assert tl.evaluate(timeline, 5.3, tl.year_point(2023), TODAY, tolerance=0.05).status == "on_track"
    with pytest.raises(ValueError):
        tl.evaluate(timeline, 5.3, tl.year_point(2023), TODAY, tolerance=-1)


def test_expected_value_is_flat_outside_the_path():
    timeline = remittance_timeline("linear")
    assert tl.expected_value(timeline, date(2000, 1, 1)) == 7.5
    assert tl.expected_value(timeline, date(2040, 1, 1)) == 3.0


@pytest.mark.parametrize("bad", ["3y2", "0y", "", "soon", 0, -2, True])
def test_bad_horizons_are_refused(bad):
    with pytest.raises(ValueError):
        tl.horizon_years(bad)


def test_invalid_timelines_are_refused():
    with pytest.raises(ValueError):
        tl.for_years(2030, 2030, 1.0, 2.0)
    with pytest.raises(ValueError):
        tl.for_years(2015, 2030, 1.0, 2.0, direction="up")
    with pytest.raises(ValueError):
        tl.for_years(2015, 2030, 1.0, 2.0, trajectory="spline")
