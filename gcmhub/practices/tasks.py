"""Background work of the practices app (django-tasks): reading an uploaded
report's pages and extracting candidate practices; embedding practices for
hybrid search when the ``semantic`` extra is installed. A worker runs it
(``gcmhub manage task_worker``); the tests use the immediate backend."""

from django_tasks import task


@task()
def extract_document(document_id: int) -> dict:
    from gcmhub.practices.library import run_extraction

    return run_extraction(document_id)


@task()
def embed_practices(practice_ids: list[int]) -> int:
    """Store the embeddings of these practices (nothing without the extra)."""
    from gcmhub.practices.search import semantic

    return semantic.store_vectors(practice_ids)
