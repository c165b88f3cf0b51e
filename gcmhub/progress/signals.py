"""Keep stored assessments up to date: enqueue a recomputation when data change.

* an import batch whose status *becomes* ``succeeded`` (and wrote rows):
  recompute the series and areas it wrote;
* a target saved or deleted: recompute its series in its area;
* an indicator whose preferred direction changed: recompute its series.

Nothing is computed here: the work is enqueued as a background task, after
the surrounding transaction commits (``transaction.on_commit``), so a web
request never waits for it and a rolled-back import enqueues nothing.
Observations deleted outside an import are not noticed: run ``gcmhub assess``.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

logger = logging.getLogger(__name__)


def _enqueue(task, *args, **kwargs) -> None:
    try:
        task.enqueue(*args, **kwargs)
    except Exception:  # a queue problem must never undo the change that caused it
        logger.exception("could not enqueue %s", getattr(task, "name", task))


def schedule_recompute(*, series_ids: list[int] | None = None, area_ids: list[int] | None = None) -> None:
    """Recompute these series in these areas once the current transaction commits."""
    from .tasks import recompute_task

    series_ids = sorted(set(series_ids)) if series_ids is not None else None
    area_ids = sorted(set(area_ids)) if area_ids is not None else None
    transaction.on_commit(lambda: _enqueue(recompute_task, series_ids=series_ids, area_ids=area_ids))


def schedule_batch(batch_id: int) -> None:
    from .tasks import recompute_batch_task

    transaction.on_commit(lambda: _enqueue(recompute_batch_task, batch_id))


# --- receivers ----------------------------------------------------------------------


def remember_batch_status(sender, instance, **kwargs) -> None:
    # Deferred fields stay deferred: reading one here would cost a query.
    loaded = instance.pk is not None and "status" in instance.__dict__
    instance._progress_status_before = instance.status if loaded else None


def batch_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    succeeded = sender.Status.SUCCEEDED
    before = getattr(instance, "_progress_status_before", None)
    instance._progress_status_before = instance.status
    if instance.status != succeeded or before == succeeded:
        return
    if not instance.rows_written:
        return  # nothing changed: every row was already there
    schedule_batch(instance.pk)


def remember_direction(sender, instance, **kwargs) -> None:
    loaded = instance.pk is not None and "direction" in instance.__dict__
    instance._progress_direction_before = instance.direction if loaded else None


def indicator_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or created:
        return
    before = getattr(instance, "_progress_direction_before", None)
    instance._progress_direction_before = instance.direction
    if before is None or before == instance.direction:
        return
    series_ids = list(instance.series.values_list("pk", flat=True))
    if series_ids:
        schedule_recompute(series_ids=series_ids)


def target_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    schedule_recompute(series_ids=[instance.series_id], area_ids=[instance.area_id])


def connect() -> None:
    from gcmhub.indicators.models import ImportBatch, Indicator, Target

    post_init.connect(remember_batch_status, sender=ImportBatch, dispatch_uid="progress.batch_status")
    post_save.connect(batch_saved, sender=ImportBatch, dispatch_uid="progress.batch_saved")
    post_init.connect(remember_direction, sender=Indicator, dispatch_uid="progress.indicator_direction")
    post_save.connect(indicator_saved, sender=Indicator, dispatch_uid="progress.indicator_saved")
    post_save.connect(target_changed, sender=Target, dispatch_uid="progress.target_saved")
    post_delete.connect(target_changed, sender=Target, dispatch_uid="progress.target_deleted")
