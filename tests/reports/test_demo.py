"""The demo's published report: made once, labelled as invented."""

from gcmhub.reports.demo import load_demo_report
from gcmhub.reports.models import ReportSnapshot


def test_demo_report_is_published_once_and_labelled(review):
    assert load_demo_report().skipped == "no demo review to report on"
    review.is_demo = True
    review.save()
    result = load_demo_report()
    assert result.snapshot is not None and not result.skipped
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.is_demo and snapshot.document["demo_notice"]
    assert set(snapshot.files) == {"pdf", "docx", "html"}
    assert load_demo_report().skipped == "already published"
    assert ReportSnapshot.objects.count() == 1
