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


def test_demo_report_of_the_reviews_demo(db):
    """After the reviews demo (as `gcmhub demo` runs them): a labelled report
    of the invented review, with its partly completed self-assessment."""
    from gcmhub.actors.demo import create_demo_accounts
    from gcmhub.reviews.demo import load_demo_reviews

    create_demo_accounts()
    load_demo_reviews()
    result = load_demo_report()
    assert not result.skipped, result.skipped
    document = result.snapshot.document
    assert document["demo_notice"]
    keys = {section["key"] for section in document["sections"]}
    assert {f"objective-{n}" for n in range(1, 24)} <= keys
    assert result.snapshot.data["objectives_rated"] > 0
