"""Background rebuild of the explorer's aggregates (django-tasks)."""

from django_tasks import task


@task()
def rebuild_task() -> dict:
    """Bring the precomputed tables up to date with the stored observations."""
    from gcmhub.explorer.aggregates import rebuild

    return rebuild()
