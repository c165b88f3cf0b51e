"""Real data: SDG 10.c.1 remittance costs from the UN SDG database, imported
with the indicators app's reader, assessed automatically against the global
3 % target (../shared/data; skipped where absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from gcmhub.geo.models import Area
from gcmhub.progress.models import Assessment

from ..reference_opensdg import assess_one

pytestmark = [pytest.mark.real, pytest.mark.django_db]

FILE = "unsd-sdg-global/ddf--datapoints--si_rmt_cost--by--geo_area--nature--units--year.csv"


@pytest.fixture
def remittance_costs() -> Path:
    path = Path(settings.SHARED_DATA_DIR) / FILE
    if not path.exists():
        pytest.skip(f"{path} is not here (shared data absent)")
    try:
        from gcmhub.indicators import services
    except ImportError as error:  # the indicators app not ready
        pytest.skip(f"indicators importer unavailable: {error}")
    if not hasattr(services, "run_import"):
        pytest.skip("indicators importer unavailable")
    return path


def raw_series(path: Path) -> dict[str, dict[int, float]]:
    """{M49 code: {year: value}} read straight from the file."""
    series: dict[str, dict[int, float]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["si_rmt_cost"]:
                series.setdefault(row["geo_area"].zfill(3), {})[int(row["year"])] = float(row["si_rmt_cost"])
    return series


def test_10c1_against_the_3_percent_target(remittance_costs, django_capture_on_commit_callbacks, tmp_path):
    from gcmhub.indicators.services import run_import

    # SDG regional aggregates (code 62 …) are not M49 areas: skipped, listed in the rejects file.
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(
            None, "unsd-sdg", remittance_costs, skip_invalid=True, rejects_path=tmp_path / "rejects.csv"
        )
    assert result.created > 300

    stored = {
        a.area.m49: a
        for a in Assessment.objects.filter(
            series__code="SI_RMT_COST", method="opensdg", dimension_key=""
        ).select_related("area")
    }
    raw = raw_series(remittance_costs)
    known = set(Area.objects.filter(m49__in=list(raw)).values_list("m49", flat=True))
    assert len(known) > 100 and set(stored) == known  # every M49 area of the file is assessed
    agree = 0
    for m49, assessment in stored.items():
        assert assessment.target_value == 3.0 and assessment.target_year == 2030
        assert assessment.target_source == "global" and assessment.direction == "negative"
        expected = assess_one(
            {
                "data": sorted(raw[m49].items()),
                "target": 3.0,
                "target_year": 2030,
                "direction": "negative",
            }
        )
        assert assessment.status == expected["status"], m49
        if expected["score"] is not None:
            assert assessment.score == pytest.approx(expected["score"], abs=0.01)
        agree += 1
    assert agree == len(stored)

    # The world average: 7.5 % in 2015, 6.9 % in 2018, far from 3 % by 2030:
    # falling at less than half the required rate.
    world = stored["001"]
    assert (world.base_year, world.base_value, world.current_year, world.current_value) == (2015, 7.5, 2018, 6.9)
    assert world.status == "limited_progress"
    assert world.ratio == pytest.approx(0.4626, abs=1e-3)
    assert world.cagr_actual < 0 < world.ratio
