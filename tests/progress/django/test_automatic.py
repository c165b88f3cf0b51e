"""Automatic recomputation: imports and target changes enqueue a background
task (the immediate backend runs it in tests) once their transaction commits."""

from datetime import date

import pytest

from gcmhub.indicators.models import ImportBatch, Indicator, Target
from gcmhub.progress import defaults
from gcmhub.progress.models import Assessment, TargetTimeline
from gcmhub.progress.services import affected_by_batch, set_timeline

from .conftest import add

pytestmark = pytest.mark.django_db
METHODS = len(defaults.STORED_METHODS)


def import_batch(series, area, points, *, status="succeeded", written=None):
    """What the loader does: a running batch, its rows, then the final status."""
    batch = ImportBatch.objects.create(format="tidy", file_name="data.csv", status="running")
    add(series, area, points, batch=batch)
    batch.status = status
    batch.rows_written = len(points) if written is None else written
    batch.save()
    return batch


def progress_callbacks(callbacks):
    """The callbacks the progress app queued; other apps (the explorer's
    aggregates) also react to a succeeded import."""
    return [callback for callback in callbacks if callback.__module__.startswith("gcmhub.progress")]


def test_a_succeeded_import_recomputes_what_it_wrote(
    django_capture_on_commit_callbacks, kenya, mexico, remittances, deaths
):
    add(deaths, mexico, {2015: 10, 2020: 12})  # not part of the import
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = import_batch(remittances, kenya, {2015: 7.5, 2023: 6.0})
        assert not Assessment.objects.exists()  # nothing runs before the commit
    assert len(progress_callbacks(callbacks)) == 1
    assert affected_by_batch(batch.pk) == ([remittances.pk], [kenya.pk])
    assert Assessment.objects.filter(series=remittances, area=kenya).count() == METHODS
    assert not Assessment.objects.filter(area=mexico).exists()
    assert Assessment.objects.get(series=remittances, area=kenya, method="opensdg").status == "limited_progress"


def test_only_the_transition_to_succeeded_enqueues(django_capture_on_commit_callbacks, kenya, remittances):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = import_batch(remittances, kenya, {2015: 7.5, 2023: 6.0})
        batch.save()  # saved again, still succeeded: nothing more
        import_batch(remittances, kenya, {2016: 7.0}, status="validated")  # a dry run
        import_batch(remittances, kenya, {2017: 7.0}, status="failed")
        import_batch(remittances, kenya, {2018: 7.0}, written=0)  # every row unchanged
    assert len(progress_callbacks(callbacks)) == 1


def test_a_rolled_back_import_enqueues_nothing(django_capture_on_commit_callbacks, kenya, remittances):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                import_batch(remittances, kenya, {2015: 7.5, 2023: 6.0})
                raise RuntimeError("the import failed at the end")
        except RuntimeError:
            pass
    assert callbacks == [] and not Assessment.objects.exists()


def test_a_target_change_recomputes_its_series_and_area(django_capture_on_commit_callbacks, kenya, remittances):
    add(remittances, kenya, {2015: 7.5, 2023: 6.0})
    with django_capture_on_commit_callbacks(execute=True):
        target = Target.objects.create(series=remittances, area=kenya, target_value=6.5, target_year=2025)
    kenya_opensdg = Assessment.objects.get(series=remittances, area=kenya, method="opensdg")
    assert (kenya_opensdg.target_value, kenya_opensdg.status) == (6.5, "target_achieved")
    timeline = TargetTimeline.objects.get(target=target)
    assert (timeline.start_year, timeline.start_value, timeline.latest_year, timeline.latest_value) == (
        2015,
        7.5,
        2023,
        6.0,
    )
    assert timeline.status == "achieved"

    with django_capture_on_commit_callbacks(execute=True):
        target.target_value = 3.0
        target.save()
    kenya_opensdg.refresh_from_db()
    assert (kenya_opensdg.target_value, kenya_opensdg.status) == (3.0, "limited_progress")

    with django_capture_on_commit_callbacks(execute=True):
        target.delete()
    kenya_opensdg.refresh_from_db()
    assert (kenya_opensdg.target_value, kenya_opensdg.target_source) == (3.0, "global")
    assert not TargetTimeline.objects.exists()


def test_a_new_direction_recomputes_the_indicator(django_capture_on_commit_callbacks, kenya, deaths):
    add(deaths, kenya, {2015: 5000, 2023: 6100})
    from gcmhub.progress.services import recompute

    recompute()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        indicator = Indicator.objects.get(code="10.7.3")
        indicator.name_en = "renamed"
        indicator.save()  # direction unchanged: nothing to do
        assert callbacks == []
        indicator.direction = "positive"
        indicator.save()
    assert Assessment.objects.get(series=deaths, area=kenya, method="opensdg").status == "substantial_progress"


def test_set_timeline_checks_permission_and_recomputes(django_capture_on_commit_callbacks, people, kenya, remittances):
    from gcmhub.errors import Forbidden, InvalidInput

    add(remittances, kenya, {2015: 7.5, 2023: 6.0})
    with django_capture_on_commit_callbacks(execute=True):
        target = Target.objects.create(series=remittances, area=kenya, target_value=5.0, target_year=2030, horizon="5y")
    with pytest.raises(Forbidden):
        set_timeline(people.focal_mex, target.pk, trajectory="linear")
    with pytest.raises(InvalidInput):
        set_timeline(people.focal_ken, target.pk, trajectory="spline")
    with django_capture_on_commit_callbacks(execute=True):
        timeline = set_timeline(people.focal_ken, target.pk, trajectory="linear", start_date=date(2024, 1, 1))
    timeline.refresh_from_db()
    # The value known at the start: the latest observation up to 2024.
    assert (timeline.trajectory, timeline.start_date, timeline.start_year) == ("linear", date(2024, 1, 1), 2023)
    assert timeline.start_value == 6.0
    # The horizon now counts five years from the start date: due 1 January 2029.
    assert timeline.build().due == date(2029, 1, 1)
    result = timeline.evaluate(date(2025, 6, 1))
    assert (result.status, result.reason) == ("not_available", "no_data_since_start")
    add(remittances, kenya, {2025: 5.5})
    with django_capture_on_commit_callbacks(execute=True):
        set_timeline(people.admin, target.pk, start_date=None)  # back to baseline year → target year
    timeline.refresh_from_db()
    assert timeline.start_date is None and timeline.start_year == 2015
    # Straight line 7.5 (2015) → 5.0 (2030) gives 5.83 in 2025; 5.5 is ahead of it.
    assert timeline.evaluate(date(2026, 1, 1)).status == "on_track"
