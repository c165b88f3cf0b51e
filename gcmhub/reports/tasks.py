"""Background work: producing a review report (django-tasks).

In production the database backend queues the task and a worker runs it
(``gcmhub manage task_worker``); the tests use the immediate backend. The
run row records the progress the page and the API show.
"""

from django_tasks import task


@task()
def run_report_task(run_id: int) -> str:
    """Build, render and store the report of one ReportRun; returns its final state."""
    from gcmhub.reports.services import run_report

    return run_report(run_id).state
