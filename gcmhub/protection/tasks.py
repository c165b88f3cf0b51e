"""Background work of the protection app (django-tasks): an HSDS file
uploaded from the web or the API. A worker runs it (``gcmhub manage
task_worker``); the tests use the immediate backend."""

from django_tasks import task


@task()
def run_service_import(import_id: int) -> dict:
    from gcmhub.protection.imports import process_import

    return process_import(import_id)
