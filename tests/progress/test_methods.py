"""The escap and eurostat methods beside the default one."""

import pytest

from gcmhub.progress.engine import SeriesBatch, assess, available_methods

from .util import one, series


def test_available_methods():
    assert available_methods() == ("opensdg", "escap", "eurostat")


# --------------------------------------------------------------------------
# ESCAP (METHODS.md §3.1, worked examples A and B)
# --------------------------------------------------------------------------


def test_escap_example_a():
    r = one({2015: 7.5, 2023: 6.0}, "escap", target=3.0, direction="negative")
    assert r["current_status"] == pytest.approx(10 * 1.5 / 4.5)  # 3.33
    assert r["elapsed"] == pytest.approx(10 * 8 / 15)  # 5.33: behind schedule
    assert r["projection"] == pytest.approx(4.936, abs=1e-3)
    assert r["progress_value"] == pytest.approx(0.430, abs=1e-3)  # G
    assert (r["method_status"], r["status"]) == ("accelerate_progress", "moderate_progress")
    assert r["score"] == pytest.approx(3.333 / 2, abs=1e-3)
    assert r["method"] == "escap"


def test_escap_example_b():
    r = one({2015: 82, 2022: 88}, "escap", target=100, direction="positive")
    assert r["current_status"] == pytest.approx(3.33, abs=0.01)
    assert r["elapsed"] == pytest.approx(4.67, abs=0.01)
    assert r["projection"] == pytest.approx(95.40, abs=0.01)
    assert r["progress_value"] == pytest.approx(0.256, abs=1e-3)
    assert r["method_status"] == "accelerate_progress"


def test_escap_maintain_and_reverse():
    r = one({2015: 50.0, 2020: 80.0}, "escap", target=100, direction="positive")
    assert r["progress_value"] <= 0 and (r["method_status"], r["status"]) == (
        "maintain_progress",
        "substantial_progress",
    )
    r = one({2015: 50.0, 2020: 45.0}, "escap", target=100, direction="positive")
    assert r["progress_value"] >= 1 and (r["method_status"], r["status"]) == (
        "reverse_trend",
        "deterioration",
    )
    assert r["current_status"] == pytest.approx(-1.0)


def test_escap_target_reached():
    r = one({2015: 50.0, 2020: 120.0}, "escap", target=100, direction="positive")
    assert (r["method_status"], r["status"], r["score"], r["current_status"]) == (
        "target_achieved",
        "target_achieved",
        5,
        10,
    )


def test_escap_needs_a_target():
    r = one({2015: 5000, 2023: 6100}, "escap", direction="negative")
    assert r["status"] == "not_available" and r["method_status"] == "insufficient_data"
    assert "needs a target" in r["reason"]


def test_escap_edge_cases_do_not_crash():
    for values, params in [
        ({2015: 0.0, 2020: 2.0}, {"target": 5}),
        ({2015: 3.0, 2020: -2.0}, {"target": 5}),
        ({2018: 4.0}, {"target": 5}),
        ({2010: 1.0}, {"target": 5}),
        ({2015: 4.0, 2020: 5.0}, {"target": 4.0}),  # target equals base value
        ({2015: 4.0, 2020: 5.0}, {"target": 6.0, "target_year": 2015}),
    ]:
        r = one(values, "escap", direction="positive", **params)
        assert r["status"] in {
            "not_available",
            "target_achieved",
            "substantial_progress",
            "moderate_progress",
            "limited_progress",
            "deterioration",
        }
        assert r["score"] is None or -5 <= r["score"] <= 5


def test_escap_target_equal_to_base_value_and_moving_away():
    r = one({2015: 4.0, 2020: 3.0}, "escap", target=4.0, direction="positive")
    assert r["status"] == "deterioration" and r["score"] == -5


# --------------------------------------------------------------------------
# Eurostat (METHODS.md §3.3)
# --------------------------------------------------------------------------


def test_eurostat_example_a_insufficient():
    r = one({2015: 7.5, 2023: 6.0}, "eurostat", target=3.0, direction="negative")
    assert r["progress_value"] == pytest.approx(0.464, abs=1e-3)
    assert (r["method_status"], r["status"]) == ("insufficient_progress", "limited_progress")


def test_eurostat_example_c_movement_away():
    r = one({2015: 5000, 2023: 6100}, "eurostat", direction="negative")
    assert (r["method_status"], r["status"]) == ("movement_away", "deterioration")


def test_eurostat_example_d_moderate():
    r = one({2015: 80, 2022: 84}, "eurostat", direction="positive")
    assert (r["method_status"], r["status"]) == ("moderate_progress", "moderate_progress")
    assert r["score"] == pytest.approx(250 * ((84 / 80) ** (1 / 7) - 1))


@pytest.mark.parametrize(
    ("growth", "label"),
    [
        (0.02, "significant_progress"),
        (0.0101, "significant_progress"),
        (0.009, "moderate_progress"),
        (0.0, "moderate_progress"),
        (-0.001, "movement_away"),
    ],
)
def test_eurostat_no_target_thresholds(growth, label):
    r = one({2015: 100.0, 2020: 100.0 * (1 + growth) ** 5}, "eurostat", direction="positive")
    assert r["method_status"] == label


@pytest.mark.parametrize(
    ("ratio", "label"),
    [
        (1.1, "significant_progress"),
        (0.8, "moderate_progress"),
        (0.3, "insufficient_progress"),
        (-0.2, "movement_away"),
    ],
)
def test_eurostat_target_thresholds(ratio, label):
    target = 100 * 1.02**15
    r = one(
        {2015: 100.0, 2020: 100 * (1 + ratio * 0.02) ** 5}, "eurostat", target=target, direction="positive"
    )
    assert r["method_status"] == label


def test_eurostat_short_and_long_term_periods():
    values = {y: 100.0 * 1.02 ** (y - 2000) for y in range(2000, 2024)}
    values.update({y: values[2018] * 0.99 ** (y - 2018) for y in range(2019, 2024)})
    batch = SeriesBatch.from_records([series(values, direction="positive")])
    short = assess(batch, "eurostat", period="short").to_records()[0]
    long = assess(batch, "eurostat", period="long").to_records()[0]
    assert (short["base_year"], long["base_year"]) == (2018, 2008)
    assert short["method_status"] == "movement_away"
    assert long["method_status"] in {"moderate_progress", "significant_progress"}
    assert assess(batch, "eurostat", period=3).to_records()[0]["base_year"] == 2020
    with pytest.raises(ValueError, match="period"):
        assess(batch, "eurostat", period="medium")


def test_every_method_records_its_label_and_version():
    batch = SeriesBatch.from_records([series({2015: 7.5, 2023: 6.0}, target=3.0)])
    versions = {m: assess(batch, m).method_version for m in available_methods()}
    assert len(set(versions.values())) == 3
    for m in available_methods():
        rec = assess(batch, m).to_records()[0]
        assert rec["method"] == m and rec["method_version"] == versions[m] and rec["method_status"]
