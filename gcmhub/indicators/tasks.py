"""Background work: running an uploaded import (django-tasks).

In production the database backend queues the task and a worker runs it
(``gcmhub manage task_worker``); the tests use the immediate backend.
"""

from django_tasks import task


@task()
def run_import_task(batch_id: int, stored_file_path: str) -> dict:
    """Import a stored upload into the database and record the outcome on its batch."""
    from gcmhub.indicators.services import process_upload

    return process_upload(batch_id, stored_file_path)
