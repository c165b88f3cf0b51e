"""Rebuild the explorer's aggregates after an import: inline or in the background.

The same trigger as ``progress.signals``: an import batch whose status
*becomes* ``succeeded`` and that wrote rows asks for a rebuild once the
transaction commits (a rolled-back import asks for nothing). The rebuild
itself only redoes series whose data version changed.

Where it runs (``settings.GCMHUB_EXPLORER_REBUILD``):

* ``"auto"`` (the default): an import made while answering a web or API
  request enqueues ``tasks.rebuild_task`` (the request does not wait; the
  pages say the aggregates are being rebuilt and read the previous ones
  until the task commits); an import made anywhere else — the command line
  (``gcmhub import …``, ``gcmhub explorer import-incidents``), a script, a
  task worker running an import — rebuilds right there, after the import
  commits, so no task worker is needed to see the new figures.
* ``"inline"``: always right after the import commits.
* ``"task"``: always enqueued (a task worker must run).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_init, post_save

logger = logging.getLogger(__name__)
MODES = ("auto", "inline", "task")

def in_request() -> bool:
    """Is this thread handling a web or API request? simple_history's
    middleware (always installed) marks the request while the view runs and
    unmarks it in a ``finally``: unlike counting request_started/finished
    signals, nothing stays marked when a streamed response is never closed."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None) is not None


def rebuild_mode() -> str:
    mode = getattr(settings, "GCMHUB_EXPLORER_REBUILD", "auto")
    if mode not in MODES:
        raise ValueError(f"GCMHUB_EXPLORER_REBUILD must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "auto":
        return "task" if in_request() else "inline"
    return mode


def run_inline() -> None:
    from .aggregates import rebuild

    try:
        rebuild()
    except Exception:  # the import has committed; say so, and leave the task to a later rebuild
        logger.exception("the explorer rebuild after an import failed; run `gcmhub explorer rebuild`")


def enqueue() -> None:
    from .tasks import rebuild_task

    try:
        rebuild_task.enqueue()
    except Exception:  # a queue problem must never undo the import that caused it
        logger.exception("could not enqueue the explorer rebuild")


def schedule_rebuild() -> None:
    transaction.on_commit(run_inline if rebuild_mode() == "inline" else enqueue)


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
