"""The curation flow in Chromium, driven by the keyboard: the passage is
highlighted, E edits the summary, A accepts, R rejects, and the progress
counter follows. The page has no serious accessibility problem (axe).

Chromium runs in a second thread; every request it makes is handed to this
thread, which answers it with Django's test client inside the test's
transaction (signed in as the curator). No live server, whose flush would
empty the session's reference data, and no database access from
Playwright's event loop.
"""

import queue
import threading

import pytest

from gcmhub.practices.models import Candidate, Practice
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
DONE = object()


def _drive_browser(script, requests: queue.Queue, outcome: list) -> None:
    from playwright.sync_api import sync_playwright

    def serve(route):
        request = route.request
        path = request.url.removeprefix("http://testserver")
        if (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
            return
        reply = queue.Queue()
        requests.put((request.method, path, request.post_data or "", request.headers.get("content-type"), reply))
        status, body, headers, kind = reply.get(timeout=60)
        route.fulfill(status=status, body=body, headers=headers, content_type=kind)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.route("**/*", serve)
                script(page)
                outcome.append(errors)
            finally:
                browser.close()
    except BaseException as error:  # re-raised in the test's thread
        outcome.append(error)
    finally:
        requests.put(DONE)


def run_in_browser(client, script) -> list[str]:
    """Run ``script(page)`` in Chromium; returns the page's JavaScript errors."""
    requests, outcome = queue.Queue(), []
    thread = threading.Thread(target=_drive_browser, args=(script, requests, outcome), daemon=True)
    thread.start()
    while (item := requests.get(timeout=120)) is not DONE:
        method, path, body, kind, reply = item
        if method == "POST":
            response = client.post(path, data=body, content_type=kind)
        else:
            response = client.get(path)
        if response.status_code in (301, 302, 303):
            # Chromium does not hand a fulfilled redirect's next request to the
            # route, so the redirect is followed as a new navigation.
            refresh = f'<meta http-equiv="refresh" content="0;url={response["Location"]}">'.encode()
            reply.put((200, refresh, {}, "text/html"))
        else:
            reply.put((response.status_code, response.content, {}, response.get("Content-Type", "text/html")))
    thread.join(timeout=30)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def test_a_curator_goes_through_the_candidates_with_the_keyboard(client, people, extracted):
    skip_without_browser()
    client.force_login(people.contributor)
    kenya, mexico = extracted.candidates.order_by("position")

    def curate(page):
        from axe_playwright_python.sync_playwright import Axe

        page.goto(f"http://testserver/en/documents/{extracted.pk}/curate/")
        assert page.locator("mark#source-passage").inner_text().startswith("Kenya described")
        assert "0 of 2 decided" in page.locator("#progress-counter").inner_text()
        serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == []

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
        page.wait_for_url(f"**/documents/{extracted.pk}/curate/")
        assert "2 of 2 decided" in page.locator("#progress-counter").inner_text()
        assert "Every candidate of this document is decided" in page.content()

    assert run_in_browser(client, curate) == []
    practice = Practice.objects.get(candidates=kenya)
    assert practice.summary.startswith("A desk registers") and practice.review_state == "draft"
    assert Candidate.objects.get(pk=mexico.pk).decision == "rejected"
