"""Background work of the document library (django-tasks): reading an
uploaded report's pages and extracting candidate practices. A worker runs it
(``gcmhub manage task_worker``); the tests use the immediate backend."""

from django_tasks import task


@task()
def extract_document(document_id: int) -> dict:
    from gcmhub.practices.library import run_extraction

    return run_extraction(document_id)
