"""The default method: worked examples of METHODS.md §3.5 and every edge case."""

import math

import pytest

from gcmhub.progress.engine import (
    STATUS_NAMES,
    DuplicateYearError,
    SeriesBatch,
    SeriesInputError,
    assess,
    assess_records,
)

from .util import one, series

# --------------------------------------------------------------------------
# Worked examples (METHODS.md §3.5)
# --------------------------------------------------------------------------


def test_example_a_remittance_cost_with_target():
    r = one({2015: 7.5, 2023: 6.0}, target=3.0, target_year=2030, direction="negative")
    assert r["cagr_actual"] == pytest.approx(-0.02751, abs=1e-5)
    assert r["cagr_required"] == pytest.approx(-0.05926, abs=1e-5)
    assert r["progress_value"] == pytest.approx(0.464, abs=1e-3)
    assert r["status"] == "limited_progress"
    assert r["score"] == pytest.approx(-0.57, abs=0.005)
    assert r["method"] == "opensdg"


def test_example_b_birth_registration_with_target():
    r = one({2015: 82, 2022: 88}, target=100, direction="positive")
    assert r["cagr_actual"] == pytest.approx(0.01014, abs=1e-5)
    assert r["cagr_required"] == pytest.approx(0.01332, abs=1e-5)
    assert r["progress_value"] == pytest.approx(0.761, abs=1e-3)
    assert r["status"] == "moderate_progress"
    assert r["score"] == pytest.approx(1.15, abs=0.005)


def test_example_c_migrant_deaths_without_target():
    r = one({2015: 5000, 2023: 6100}, direction="negative")
    assert r["cagr_actual"] == pytest.approx(0.0252, abs=1e-4)
    assert r["progress_value"] == pytest.approx(-0.0252, abs=1e-4)
    assert r["status"] == "deterioration"
    assert r["score"] == -5


def test_example_d_bounded_without_target_uses_limit_coefficient():
    r = one({2015: 80, 2022: 84}, direction="positive", limit=100)
    assert r["coefficient"] == pytest.approx(1 - 0.8**4.44)
    assert r["coefficient"] == pytest.approx(0.629, abs=1e-3)
    assert r["threshold_high"] == pytest.approx(0.00943, abs=1e-5)
    assert r["threshold_med"] == pytest.approx(0.00314, abs=1e-5)
    assert r["progress_value"] == pytest.approx(0.00699, abs=1e-5)
    assert r["status"] == "moderate_progress"
    assert r["score"] == pytest.approx(1.53, abs=0.005)


# --------------------------------------------------------------------------
# Thresholds and scores
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("growth", "status", "score"),
    [
        (0.03, "substantial_progress", 5.0),  # 500*0.03-5 = 10, capped
        (0.02, "substantial_progress", 5.0),
        (0.016, "substantial_progress", 500 * 0.016 - 5),
        (0.01, "moderate_progress", 250 * 0.01 - 1.25),
        (0.002, "limited_progress", 500 * 0.002 - 2.5),
        (-0.01, "deterioration", 125 * -0.01 - 2.5),
        (-0.05, "deterioration", -5.0),
    ],
)
def test_no_target_thresholds_and_score(growth, status, score):
    r = one({2015: 100.0, 2020: 100.0 * (1 + growth) ** 5}, direction="positive")
    assert r["progress_value"] == pytest.approx(growth, rel=1e-9)
    assert r["status"] == status
    assert r["score"] == pytest.approx(score, abs=1e-6)


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (1.2, "substantial_progress"),
        (0.95001, "substantial_progress"),
        (0.7, "moderate_progress"),
        (0.3, "limited_progress"),
        (-0.4, "deterioration"),
    ],
)
def test_target_thresholds_and_score(ratio, status):
    required = 0.02  # target 100*1.02**15 in 2030 from 100 in 2015
    target = 100 * (1 + required) ** 15
    observed = ratio * required
    r = one({2015: 100.0, 2020: 100 * (1 + observed) ** 5}, target=target, direction="positive")
    assert r["progress_value"] == pytest.approx(ratio, rel=1e-9)
    assert r["status"] == status
    expected = min(7.1429 * ratio - 4.2857, 5) if ratio >= 0.6 else max(4.1667 * ratio - 2.5, -5)
    assert r["score"] == pytest.approx(expected, abs=1e-9)


def test_score_stays_in_range():
    records = [
        series({2015: 1.0, 2016: v}, id=i, direction="positive") for i, v in enumerate([1e-9, 0.5, 1, 2, 1e6])
    ]
    records += [
        series({2015: 1.0, 2016: v}, id=i, direction="positive", target=3)
        for i, v in enumerate([1e-9, 0.5, 2])
    ]
    for r in assess_records(records):
        assert -5 <= r["score"] <= 5


def test_target_achieved_scores_five_in_both_directions():
    assert one({2015: 10, 2020: 2}, target=3, direction="negative")["status"] == "target_achieved"
    assert one({2015: 10, 2020: 3}, target=3, direction="negative")["score"] == 5
    r = one({2015: 50, 2020: 120}, target=100, direction="positive")
    assert (r["status"], r["score"]) == ("target_achieved", 5)
    # progress value still computed and recorded
    assert r["progress_value"] is not None


def test_statuses_are_the_six_names():
    assert STATUS_NAMES == (
        "not_available",
        "deterioration",
        "limited_progress",
        "moderate_progress",
        "substantial_progress",
        "target_achieved",
    )


# --------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------


def test_base_year_missing_uses_next_available_year():
    r = one({2014: 5.0, 2017: 6.0, 2020: 7.0}, base_year=2015, direction="positive")
    assert (r["base_year"], r["base_value"]) == (2017, 6.0)
    assert "base_year_shifted" in r["flags"]
    assert r["progress_value"] == pytest.approx((7 / 6) ** (1 / 3) - 1)


def test_base_year_before_all_data_uses_first_year():
    r = one({2018: 5.0, 2020: 7.0}, base_year=2000, direction="positive")
    assert r["base_year"] == 2018


def test_base_year_present_is_not_flagged():
    r = one({2015: 5.0, 2020: 7.0}, direction="positive")
    assert r["base_year"] == 2015 and "base_year_shifted" not in r["flags"]


def test_base_year_after_latest_year_is_not_available_with_reason():
    r = one({2010: 1.0, 2012: 2.0}, base_year=2015, direction="positive", target=3)
    assert r["status"] == "not_available" and r["score"] is None
    assert "after the latest year" in r["reason"]
    assert r["current_year"] == 2012 and r["base_year"] is None


def test_single_data_point_is_not_available_with_reason():
    r = one({2018: 4.0}, direction="positive")
    assert r["status"] == "not_available" and r["score"] is None and r["progress_value"] is None
    assert "only one data point" in r["reason"]


def test_single_point_after_base_year_shift():
    r = one({2010: 3.0, 2019: 4.0}, base_year=2015)
    assert r["status"] == "not_available" and "only one data point" in r["reason"]


def test_single_data_point_meeting_the_target_is_achieved_as_in_open_sdg():
    r = one({2018: 4.0}, direction="positive", target=3.0)
    assert (r["status"], r["score"]) == ("target_achieved", 5)
    assert r["progress_value"] is None and "only one data point" in r["reason"]


def test_zero_base_value_replaced_and_flagged():
    r = one({2015: 0.0, 2020: 2.0}, direction="positive")
    assert r["base_value"] == 0.0  # the observed value is reported
    assert "zero_base_replaced" in r["flags"] and "0.001" in r["reason"]
    assert r["progress_value"] == pytest.approx((2 / 0.001) ** (1 / 5) - 1)
    assert r["status"] == "substantial_progress" and r["score"] == 5


@pytest.mark.parametrize("direction", ["negative", "positive"])
def test_flat_zero_without_target_is_not_scored(direction):
    # Open SDG would turn 0 -> 0 into a 100 % fall (0.001 -> 0): "substantial
    # progress" for a decrease-desirable series (Åland's migrant deaths).
    r = one({2015: 0.0, 2018: 0.0, 2020: 0.0}, direction=direction)
    assert r["status"] == "not_available"
    assert r["score"] is None and r["progress_value"] is None
    assert "both 0" in r["reason"]
    assert "zero_base_and_latest" in r["flags"] and "zero_base_replaced" not in r["flags"]


def test_flat_zero_with_zero_target_is_achieved():
    r = one({2015: 0.0, 2020: 0.0}, target=0, direction="negative")
    assert r["status"] == "target_achieved" and r["score"] == 5
    assert "zero_base_and_latest" in r["flags"]


def test_flat_zero_at_natural_limit_zero_is_achieved():
    r = one({2015: 0.0, 2020: 0.0}, limit=0, direction="negative")
    assert r["status"] == "target_achieved" and r["score"] == 5
    assert r["reason"] is None


def test_flat_zero_with_non_zero_target_is_not_scored_unless_met():
    missed = one({2015: 0.0, 2020: 0.0}, target=5, direction="positive")
    assert missed["status"] == "not_available" and "both 0" in missed["reason"]
    met = one({2015: 0.0, 2020: 0.0}, target=3, direction="negative")  # 0 is below "less than 3"
    assert met["status"] == "target_achieved"


def test_leaving_or_reaching_zero_is_still_scored():
    assert one({2015: 0.0, 2020: 4.0}, direction="negative")["status"] == "deterioration"
    assert one({2015: 4.0, 2020: 0.0}, direction="negative")["status"] == "substantial_progress"


def test_natural_limit_zero_leaves_other_series_unchanged():
    values = {2015: 12.0, 2018: 9.0, 2021: 7.0}
    assert one(values, limit=0)["score"] == one(values)["score"]


@pytest.mark.parametrize("method", ["escap", "eurostat"])
def test_flat_zero_rule_applies_to_every_method(method):
    batch = SeriesBatch.from_records(
        [
            {"id": "no aim", "data": [{"year": 2015, "value": 0}, {"year": 2021, "value": 0}]},
            {"id": "zero target", "data": [{"year": 2015, "value": 0}, {"year": 2021, "value": 0}], "target": 0},
        ]
    )
    no_aim, zero_target = assess(batch, method).to_records()
    assert no_aim["status"] == "not_available" and no_aim["method_status"] in {"not_available", "insufficient_data"}
    assert zero_target["status"] == "target_achieved" and zero_target["method_status"] == "target_achieved"
    assert zero_target["score"] == 5


def test_zero_target_replaced_by_small_number():
    r = one({2015: 10.0, 2020: 5.0}, target=0, direction="negative")
    assert "zero_target_replaced" in r["flags"]
    assert r["cagr_required"] == pytest.approx((0.001 / 10) ** (1 / 15) - 1)
    assert one({2015: 10.0, 2020: 0.0}, target=0, direction="negative")["status"] == "target_achieved"


def test_opposite_signs_are_not_available_with_reason():
    r = one({2015: 3.0, 2020: -2.0}, direction="positive")
    assert r["status"] == "not_available" and r["score"] is None
    assert "opposite signs" in r["reason"]
    r = one({2015: -3.0, 2020: 2.0}, direction="positive", target=5)
    assert r["status"] == "not_available"


def test_opposite_signs_but_target_met_is_achieved_as_in_open_sdg():
    r = one({2015: 3.0, 2020: -2.0}, direction="negative", target=-1)
    assert r["status"] == "target_achieved" and r["score"] == 5


def test_negative_values_invert_growth_sign():
    # -10 -> -5 is an increase: desirable when direction is positive
    r = one({2015: -10.0, 2020: -5.0}, direction="positive")
    assert "negative_values" in r["flags"]
    assert r["cagr_actual"] == pytest.approx(0.5**0.2 - 1)
    assert r["progress_value"] == pytest.approx(-(0.5**0.2 - 1))
    assert r["status"] == "substantial_progress"


def test_target_equal_to_base_value():
    r = one({2015: 10.0, 2020: 12.0}, target=10.0, direction="negative")
    assert (r["status"], r["score"]) == ("deterioration", -5)
    assert "required_growth_zero" in r["flags"] and r["progress_value"] is None  # -inf is not JSON
    assert one({2015: 10.0, 2020: 9.0}, target=10.0, direction="negative")["status"] == "target_achieved"


def test_target_of_other_sign_than_base_is_not_available():
    r = one({2015: 10.0, 2020: 8.0}, target=-5.0, direction="negative")
    assert r["status"] == "not_available" and "opposite signs" in r["reason"]
    assert one({2015: 10.0, 2020: -8.0}, target=-5.0, direction="negative")["status"] == "target_achieved"


def test_target_year_equal_to_base_year_is_not_available():
    r = one({2015: 10.0, 2020: 8.0}, target=5.0, target_year=2015, direction="negative")
    assert r["status"] == "not_available" and "target year" in r["reason"]


def test_target_year_before_base_year_is_computed_and_flagged():
    r = one({2015: 10.0, 2020: 8.0}, target=5.0, target_year=2010, direction="negative")
    assert "target_year_not_after_base" in r["flags"]
    assert r["status"] != "not_available"


def test_missing_values_are_dropped():
    r = one({2015: None, 2016: 4.0, 2020: 5.0, 2021: None}, direction="positive")
    assert (r["base_year"], r["current_year"]) == (2016, 2020)


def test_no_data_is_not_available():
    r = one({2015: None}, direction="positive")
    assert r["status"] == "not_available" and r["reason"] == "no data"
    assert one({})["status"] == "not_available"


def test_year_ranges_use_first_year():
    r = one({"2015-16": 4.0, "2019/20": 5.0}, direction="positive")
    assert (r["base_year"], r["current_year"]) == (2015, 2019)


def test_direction_defaults_to_negative_as_in_open_sdg():
    assert one({2015: 4.0, 2020: 5.0})["direction"] == "negative"
    assert one({2015: 4.0, 2020: 5.0})["status"] == "deterioration"


def test_duplicate_years_raise_a_clear_error():
    record = {
        "id": "dup",
        "data": [{"year": 2015, "value": 1}, {"year": 2016, "value": 2}, {"year": 2015, "value": 3}],
    }
    with pytest.raises(DuplicateYearError, match="duplicate year 2015") as info:
        SeriesBatch.from_records([record])
    assert info.value.series_id == "dup"
    with pytest.raises(DuplicateYearError, match="duplicate year 2016"):
        SeriesBatch.from_arrays([0, 0, 0], [2016, 2015, 2016], [1.0, 2.0, 3.0])
    with pytest.raises(DuplicateYearError):  # "2013 Q1" and "2013 Q2" are both 2013
        SeriesBatch.from_records([series({"2013 Q1": 1.0, "2013 Q2": 2.0})])


def test_non_numeric_value_is_an_input_error():
    with pytest.raises(SeriesInputError, match=r"data\[1\]\.value"):
        SeriesBatch.from_records([series({2015: 1.0, 2016: "1,022"})])


# --------------------------------------------------------------------------
# Limit coefficient forms
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "limit", "coefficient"),
    [
        (50.0, 100.0, 1 - 0.5**4.44),  # below the limit
        (150.0, 100.0, 1 - 0.5**4.44),  # beyond it: mirrored
        (250.0, 100.0, 1.0),  # at least twice the limit
        (-50.0, -100.0, 1 - 0.5**4.44),  # absolute values
        (0.0, 0.0, 1.0),
    ],
)
def test_limit_coefficient_forms(base, limit, coefficient):
    r = one({2015: base, 2020: base}, direction="negative", limit=limit)
    assert r["coefficient"] == pytest.approx(coefficient)
    assert r["threshold_high"] == pytest.approx(0.015 * coefficient)


def test_limit_reached_means_substantial_progress_when_maintained():
    r = one({2015: 100.0, 2020: 100.0}, direction="positive", limit=100.0)
    assert r["coefficient"] == 0
    assert (r["status"], r["score"]) == ("substantial_progress", 5)
    r = one({2015: 100.0, 2020: 99.0}, direction="positive", limit=100.0)
    assert r["status"] == "deterioration"
    assert r["score"] == pytest.approx(max(125 * ((0.99) ** 0.2 - 1) - 2.5, -5))


def test_base_beyond_limit_is_flagged():
    assert "base_beyond_limit" in one({2015: 120.0, 2020: 121.0}, direction="positive", limit=100)["flags"]


def test_limit_is_ignored_with_a_target():
    with_limit = one({2015: 80, 2022: 84}, direction="positive", limit=100, target=100)
    without = one({2015: 80, 2022: 84}, direction="positive", target=100)
    assert "limit_ignored" in with_limit["flags"]
    assert with_limit["score"] == without["score"] and with_limit["coefficient"] is None


# --------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------


def test_assessment_records_method_parameters_and_inputs():
    batch = SeriesBatch.from_records(
        [series({2015: 1.0, 2020: 2.0}, target=3, direction="positive", limit=None)]
    )
    result = assess(batch)
    prov = result.provenance()
    assert prov["method"] == "opensdg" and "sdg-build" in prov["method_version"]
    assert prov["parameters"]["thresholds_target"] == (0.95, 0.6, 0.0)
    assert prov["parameters"]["thresholds_no_target"] == (0.015, 0.005, 0.0)
    assert result.inputs is batch
    rec = result.to_records(details=True)[0]
    for key in (
        "requested_base_year",
        "target",
        "target_year",
        "direction",
        "limit",
        "cagr_actual",
        "cagr_required",
    ):
        assert key in rec
    assert rec["method_version"] == prov["method_version"]


def test_custom_thresholds_are_recorded_and_used():
    batch = SeriesBatch.from_records([series({2015: 100.0, 2020: 100 * 1.012**5}, direction="positive")])
    assert assess(batch).to_records()[0]["status"] == "moderate_progress"
    result = assess(batch, thresholds_no_target=(0.01, 0.005, 0.0))
    assert result.params["thresholds_no_target"] == (0.01, 0.005, 0.0)
    assert result.to_records()[0]["status"] == "substantial_progress"


def test_bad_parameters_are_rejected():
    batch = SeriesBatch.from_records([series({2015: 1.0})])
    with pytest.raises(ValueError, match="unknown parameter"):
        assess(batch, tresholds=(1, 2, 3))
    with pytest.raises(ValueError, match="high >= med >= low"):
        assess(batch, thresholds_target=(0.1, 0.6, 0.0))
    with pytest.raises(ValueError, match="unknown method"):
        assess(batch, "unsd")


def test_results_are_json_safe():
    import json

    records = assess_records(
        [series({2015: 10.0, 2020: 12.0}, target=10.0, direction="negative")], details=True
    )
    text = json.dumps(records, allow_nan=False)
    assert "Infinity" not in text and not any(
        isinstance(v, float) and math.isnan(v) for v in records[0].values()
    )
