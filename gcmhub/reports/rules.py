"""Who may do what with review reports: one set of rules for web, API and CLI.

* the focal point of the review's country (and administrators) generate
  reports, edit their narratives and publish snapshots;
* whoever asked for a run may follow it and download its file;
* everybody, signed in or not, reads published snapshots — publishing is
  the act that makes a report public; nothing else of this app is public.

Objects: a ``reviews.Review`` for ``generate_report``, ``edit_report`` and
``publish_report``; a ``ReportRun`` for ``view_report_run``.
"""

import rules

from gcmhub.actors.rules import is_admin, manages_area_of

runs_review = is_admin | manages_area_of("area_id")


@rules.predicate
def requested_run(user, run) -> bool:
    return run is not None and user.is_authenticated and run.requested_by_id == user.pk


@rules.predicate
def runs_review_of_run(user, run) -> bool:
    return runs_review(user, run.review if run is not None else None)


rules.add_perm("reports.generate_report", runs_review)
rules.add_perm("reports.edit_report", runs_review)
rules.add_perm("reports.publish_report", runs_review)
rules.add_perm("reports.view_report_run", is_admin | runs_review_of_run | requested_run)
rules.add_perm("reports.view_snapshot", rules.always_allow)
