"""Background recomputation (django-tasks).

In production the database backend queues the task and a worker runs it
(``gcmhub manage task_worker``); the tests use the immediate backend. Arguments
are plain ids so that the task survives being stored as JSON.
"""

from django_tasks import task


@task()
def recompute_task(series_ids: list[int] | None = None, area_ids: list[int] | None = None) -> dict:
    """Recompute the assessments (and target timelines) of these series in these areas."""
    from gcmhub.progress.services import recompute

    return recompute(series_ids=series_ids, area_ids=area_ids).as_dict()


@task()
def recompute_batch_task(batch_id: int) -> dict:
    """Recompute what an import changed."""
    from gcmhub.progress.services import recompute_for_batch

    return recompute_for_batch(batch_id).as_dict()
