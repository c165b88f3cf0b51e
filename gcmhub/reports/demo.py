"""Demo: a published report of the demo review (``gcmhub demo``).

Runs after the reviews demo (``_load_reviews``) and after ``assess``, so the
report carries the demo review's self-assessment and the demo country's
indicator scorecard. The review is invented (``is_demo``), so the report
says so on every page (``demo_notice``). Idempotent: a demo review that
already has a published report is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DemoReport:
    skipped: str = ""
    snapshot: object = None
    seconds: float = 0.0


def load_demo_report(kind: str = "vgr", language: str = "en") -> DemoReport:
    import time

    from gcmhub.reports import services
    from gcmhub.reports.models import ReportRun, ReportSnapshot
    from gcmhub.reviews.models import Review

    review = Review.objects.filter(is_demo=True).select_related("area").order_by("pk").first()
    if review is None:
        return DemoReport(skipped="no demo review to report on")
    existing = ReportSnapshot.objects.filter(review=review, kind=kind, language=language).first()
    if existing is not None:
        return DemoReport(skipped="already published", snapshot=existing)
    started = time.perf_counter()
    run = services.request_report(None, review, kind, "", language, purpose=ReportRun.Purpose.PUBLISH, enqueue=False)
    run = services.run_report(run.pk)
    if run.state != ReportRun.State.DONE:
        return DemoReport(skipped=f"could not be produced: {run.message}")
    return DemoReport(snapshot=run.snapshot, seconds=time.perf_counter() - started)
