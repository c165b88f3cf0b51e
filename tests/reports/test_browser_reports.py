"""Producing a report from the review page in Chromium: the focal point
follows the link from the review to its reports, chooses a report, a format
and a language, and watches the progress bar (reports/run.js polls the run)
until the download link appears. No serious accessibility problem (axe).

Requests are answered by Django's test client in the test's thread, as in
tests/practices/test_browser_curation.py. The background task is held back
until the page has polled the run once, so the polling is really exercised.
"""

import queue
import threading

import pytest
from django.db import transaction

from gcmhub.reports.models import ReportRun
from tests.conftest import skip_without_browser
from tests.practices.test_browser_curation import DONE, _drive_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _serve(client, script, on_request) -> list[str]:
    requests, outcome = queue.Queue(), []
    thread = threading.Thread(target=_drive_browser, args=(script, requests, outcome), daemon=True)
    thread.start()
    while (item := requests.get(timeout=120)) is not DONE:
        method, path, body, kind, reply = item
        response = client.post(path, data=body, content_type=kind) if method == "POST" else client.get(path)
        if response.status_code in (301, 302, 303):
            refresh = f'<meta http-equiv="refresh" content="0;url={response["Location"]}">'.encode()
            reply.put((200, refresh, {}, "text/html"))
        else:
            reply.put((response.status_code, response.content, {}, response.get("Content-Type", "text/html")))
        on_request(path)
    thread.join(timeout=30)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def test_focal_point_produces_a_report_from_the_review_page(client, review, people, monkeypatch):
    skip_without_browser()
    client.force_login(people.focal_ken)
    held = []
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: held.append(callback))
    polls = []

    def on_request(path):
        if "/status/" in path:
            polls.append(path)
            if held:  # the worker picks the run up after the page has seen it queued
                held.pop()()

    def produce(page):
        from axe_playwright_python.sync_playwright import Axe

        page.goto(f"http://testserver/en/reviews/{review.pk}/")
        page.get_by_role("link", name="Review reports").click()
        page.wait_for_url(f"**/reviews/{review.pk}/reports/")
        serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == []
        form = page.locator("form", has=page.locator('input[name=purpose][value=generate]'))
        form.get_by_label("Report").select_option("vgr")
        form.get_by_label("Format").select_option("html")
        form.get_by_label("Language").select_option("fr")
        form.get_by_role("button", name="Produce the report").click()
        page.wait_for_url("**/reports/runs/*/")
        download = page.locator(".report-run-done a")
        download.wait_for(state="visible", timeout=30000)
        assert page.locator("progress").get_attribute("value") == "100"
        assert "/download/" in download.get_attribute("href")
        serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == []
        # The preview, at phone width too.
        page.goto(f"http://testserver/en/reviews/{review.pk}/reports/vgr/preview/")
        assert page.locator("#section-objective-7 h3").inner_text().startswith("Objective 7 —")
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            found = Axe().run(page).response["violations"]
            serious = [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
            assert serious == [], width

    assert _serve(client, produce, on_request) == []
    run = ReportRun.objects.get()
    assert (run.kind, run.format, run.language, run.state) == ("vgr", "html", "fr", "done")
    assert polls, "the page never polled the run"
