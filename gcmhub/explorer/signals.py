"""Rebuild the explorer's aggregates after an import, in the background.

The same trigger as ``progress.signals``: an import batch whose status
*becomes* ``succeeded`` and that wrote rows enqueues ``rebuild_task`` once
the transaction commits (a rolled-back import enqueues nothing). The
rebuild itself only redoes series whose data version changed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_init, post_save

logger = logging.getLogger(__name__)


def schedule_rebuild() -> None:
    from .tasks import rebuild_task

    def enqueue():
        try:
            rebuild_task.enqueue()
        except Exception:  # a queue problem must never undo the import that caused it
            logger.exception("could not enqueue the explorer rebuild")

    transaction.on_commit(enqueue)


def remember_status(sender, instance, **kwargs) -> None:
    loaded = instance.pk is not None and "status" in instance.__dict__
    instance._explorer_status_before = instance.status if loaded else None


def batch_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_explorer_status_before", None)
    instance._explorer_status_before = instance.status
    if instance.status != sender.Status.SUCCEEDED or before == sender.Status.SUCCEEDED or not instance.rows_written:
        return
    if instance.format == "missing-migrants-incidents":
        return  # incidents are read directly, nothing to precompute
    schedule_rebuild()


def connect() -> None:
    from gcmhub.indicators.models import ImportBatch

    post_init.connect(remember_status, sender=ImportBatch, dispatch_uid="explorer.batch_status")
    post_save.connect(batch_saved, sender=ImportBatch, dispatch_uid="explorer.batch_saved")
