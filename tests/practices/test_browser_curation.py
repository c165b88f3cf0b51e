"""The curation flow in Chromium, driven by the keyboard: the passage is
highlighted, E edits the summary, A accepts, R rejects, and the progress
counter follows. The page has no serious accessibility problem (axe).

Every request of the browser is answered by Django's test client inside the
test's transaction (no live server, whose flush would empty the session's
reference data); the client is signed in as the curator.
"""

import pytest

from gcmhub.practices.models import Candidate, Practice
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _proxy(client):
    def serve(route):
        request = route.request
        path = request.url.removeprefix("http://testserver")
        if (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
            return
        if request.method == "POST":
            response = client.post(path, data=request.post_data or "", content_type=request.headers.get("content-type"))
        else:
            response = client.get(path)
        headers = {"Location": response["Location"]} if response.has_header("Location") else {}
        route.fulfill(status=response.status_code, body=response.content, headers=headers,
                      content_type=response.get("Content-Type", "text/html"))  # fmt: skip

    return serve


def test_a_curator_goes_through_the_candidates_with_the_keyboard(client, people, extracted, monkeypatch):
    skip_without_browser()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    # The test client runs inside Playwright's event loop, in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client.force_login(people.contributor)
    kenya, mexico = extracted.candidates.order_by("position")
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", _proxy(client))
            page.goto(f"http://testserver/en/documents/{extracted.pk}/curate/")
            assert page.locator("mark#source-passage").inner_text().startswith("Kenya described")
            assert "0 of 2 decided" in page.locator("#progress-counter").inner_text()
            violations = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
            assert violations == []

            page.keyboard.press("e")
            summary = page.locator("textarea[name=summary]")
            assert summary.evaluate("element => element === document.activeElement")
            summary.fill("A desk registers recruitment agencies and checks contracts before departure.")
            page.keyboard.press("Escape")
            page.keyboard.press("a")
            page.wait_for_url(f"**/curate/?candidate={mexico.pk}")
            assert "1 of 2 decided" in page.locator("#progress-counter").inner_text()
            assert page.locator("mark#source-passage").inner_text().startswith("Mexico presented")

            page.keyboard.press("r")
            page.wait_for_load_state("networkidle")
            assert "2 of 2 decided" in page.locator("#progress-counter").inner_text()
            assert "Every candidate of this document is decided" in page.content()
        finally:
            browser.close()
    assert errors == []
    practice = Practice.objects.get(candidates=kenya)
    assert practice.summary.startswith("A desk registers") and practice.review_state == "draft"
    assert Candidate.objects.get(pk=mexico.pk).decision == "rejected"
