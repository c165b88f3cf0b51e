"""Report pages: the reports page per role, generation from the page, the run
status polled by JS, preview and narrative editing, public snapshots."""

from django.urls import reverse
from django.utils import translation

from gcmhub.reports import services
from gcmhub.reports.models import ReportNarrative, ReportRun, ReportSnapshot


def _publish(review, user):
    run = services.request_report(user, review, "vgr", "", "en", purpose="publish", enqueue=False)
    return services.run_report(run.pk).snapshot


def test_reports_page_offers_generation_to_the_focal_point_only(client, review, people):
    url = reverse("reports:reports", args=[review.pk])
    client.force_login(people.focal_ken)
    page = client.get(url).content.decode()
    assert "Produce the report" in page and "Publish" in page
    assert reverse("reports:preview", args=[review.pk, "10.7.2"]) in page
    client.force_login(people.stakeholder_ken)
    response = client.get(url)
    if response.status_code == 200:
        assert "Produce the report" not in response.content.decode()
    else:
        assert response.status_code == 404
    client.force_login(people.focal_mex)
    assert client.get(url).status_code == 404


def test_generate_from_the_page_then_follow_and_download(client, review, people, django_capture_on_commit_callbacks):
    client.force_login(people.focal_ken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:generate", args=[review.pk]),
            {"purpose": "generate", "kind": "vnr", "format": "docx", "language": "es"},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:run", args=[review.pk, run.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status-url="' in page and "<progress" in page and "reports/run.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    status = client.get(reverse("reports:run_status", args=[review.pk, run.pk])).json()
    assert status["state"] == "done" and status["progress"] == 100
    download = client.get(status["download"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    client.force_login(people.focal_mex)
    assert client.get(reverse("reports:run_status", args=[review.pk, run.pk])).status_code == 404


def test_others_cannot_generate(client, review, people):
    client.force_login(people.contributor_ken)
    response = client.post(
        reverse("reports:generate", args=[review.pk]),
        {"purpose": "generate", "kind": "vgr", "format": "pdf", "language": "en"},
    )
    assert response.status_code in (403, 404)
    assert not ReportRun.objects.exists()


def test_preview_in_the_interface_language_and_narrative_editing(client, review, people):
    client.force_login(people.focal_ken)
    with translation.override("fr"):
        page = client.get(reverse("reports:preview", args=[review.pk, "vgr"])).content.decode()
        assert "Objectif 7 — " in page and 'id="section-objective-23"' in page
        assert reverse("reports:edit_narrative", args=[review.pk, "vgr", "objective-7"]) in page
    translation.activate("en")
    edit = reverse("reports:edit_narrative", args=[review.pk, "vgr", "objective-7"])
    form = client.get(edit).content.decode()
    assert 'name="version" value="0"' in form
    saved = client.post(edit, {"text": "Our own words.", "version": 0})
    assert saved.status_code == 302
    narrative = ReportNarrative.objects.get(section_key="objective-7", language="en")
    assert narrative.text == "Our own words." and narrative.updated_by == people.focal_ken
    # A stale form is refused, not silently applied.
    stale = client.post(edit, {"text": "Stale words.", "version": 0})
    assert stale.status_code == 200 and "changed by someone else" in stale.content.decode()
    assert ReportNarrative.objects.get(pk=narrative.pk).text == "Our own words."
    assert "Our own words." in client.get(reverse("reports:preview", args=[review.pk, "vgr"])).content.decode()
    client.force_login(people.focal_mex)
    assert client.get(edit).status_code == 404
    client.force_login(people.reviewer)
    assert client.get(edit).status_code == 403


def test_snapshot_pages_are_public(client, review, people):
    first = _publish(review, people.focal_ken)
    second = _publish(review, people.focal_ken)
    client.logout()
    page = client.get(first.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert first.content_hash in text and "Objective 7 — " in text
    compare = reverse("reports:compare", args=[first.uid, second.uid])
    assert compare in text
    assert client.get(compare).status_code == 200
    for fmt in ("pdf", "docx", "html"):
        response = client.get(reverse("reports:snapshot_file", args=[first.uid, fmt]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")  # HTML too: its <style> is not for the site
    assert client.get(reverse("reports:snapshot_file", args=[first.uid, "odt"])).status_code == 404
    assert ReportSnapshot.objects.count() == 2


def test_preview_needs_the_right(client, review, people):
    url = reverse("reports:preview", args=[review.pk, "vgr"])
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(people.focal_ken)
    assert client.get(reverse("reports:preview", args=[review.pk, "shadow"])).status_code == 404
