"""Filling in one objective of the self-assessment in Chromium: the answer
is saved as it is typed (autosave, with its version), the completion bar
moves, and the pages have no serious accessibility problem (axe) at desktop
and phone width.

Chromium runs in a second thread; each request it makes is answered by
Django's test client in this thread, inside the test's transaction (as in
tests/practices/test_browser_curation.py, with the Accept header passed on
so the autosave gets its JSON answer).
"""

import queue
import threading

import pytest

from gcmhub.reviews import services
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
DONE = object()
BLOCKING = {"serious", "critical"}


def _drive(script, requests: queue.Queue, outcome: list) -> None:
    from playwright.sync_api import sync_playwright

    def serve(route):
        request = route.request
        path = request.url.removeprefix("http://testserver")
        if (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
            return
        reply = queue.Queue()
        headers = request.headers
        requests.put((request.method, path, request.post_data_buffer or b"", headers.get("content-type"),
                      headers.get("accept", ""), reply))  # fmt: skip
        status, body, extra, kind = reply.get(timeout=60)
        route.fulfill(status=status, body=body, headers=extra, content_type=kind)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                errors = []
                script(browser, serve, errors)
                outcome.append(errors)
            finally:
                browser.close()
    except BaseException as error:  # re-raised in the test's thread
        outcome.append(error)
    finally:
        requests.put(DONE)


def run_in_browser(client, script) -> list[str]:
    requests, outcome = queue.Queue(), []
    thread = threading.Thread(target=_drive, args=(script, requests, outcome), daemon=True)
    thread.start()
    while (item := requests.get(timeout=180)) is not DONE:
        method, path, body, kind, accept, reply = item
        if method == "POST":
            response = client.generic("POST", path, body, content_type=kind, HTTP_ACCEPT=accept)
        else:
            response = client.get(path, HTTP_ACCEPT=accept)
        if response.status_code in (301, 302, 303):
            refresh = f'<meta http-equiv="refresh" content="0;url={response["Location"]}">'.encode()
            reply.put((200, refresh, {}, "text/html"))
        else:
            reply.put((response.status_code, response.content, {}, response.get("Content-Type", "text/html")))
    thread.join(timeout=30)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} {[n['target'] for n in v['nodes'][:3]]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_a_contributor_fills_in_one_objective(client, make_review, kenya, people):
    skip_without_browser()
    review = make_review(kenya, actor=people.focal_ken)
    answer_set = services.official_set(review)
    services.assign(people.focal_ken, answer_set, ["objective-7"], people.contributor_ken)
    client.force_login(people.contributor_ken)
    url = f"http://testserver/en/reviews/{review.pk}/self-assessment/"
    found = {}

    def fill(browser, serve, errors):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", serve)
        page.goto(url)
        found["axe_desktop"] = _serious(page)
        question = page.locator("#q-objective-7")
        question.get_by_label("Developing").check()
        question.get_by_label("Narrative").fill("Legal aid desks operate at two of ten border posts.")
        question.get_by_label("Challenges").fill("Funding depends on donors.")
        page.wait_for_function("document.getElementById('autosave-status').textContent.indexOf('Saved at') >= 0")
        page.wait_for_function("!document.querySelector('#q-objective-7 form').dataset.saving")
        found["status"] = page.locator("#autosave-status").inner_text()
        found["completion"] = page.locator("#completion").evaluate("bar => bar.value")
        # Another question is not the contributor's: read only.
        found["other_disabled"] = page.locator("#q-objective-8 fieldset.answer-fields").evaluate("f => f.disabled")
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        phone.route("**/*", serve)
        phone.goto(url)
        found["axe_phone"] = _serious(phone)
        found["sideways"] = phone.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        phone.goto(f"http://testserver/en/reviews/{review.pk}/")
        found["axe_dashboard"] = _serious(phone)

    assert run_in_browser(client, fill) == []
    answer = services.official_answers(review)["objective-7"]
    assert answer.rating == "developing"
    assert answer.narrative == "Legal aid desks operate at two of ten border posts."
    assert answer.challenges == "Funding depends on donors."
    assert answer.updated_by == people.contributor_ken and answer.version > 1
    assert "Saved at" in found["status"] and found["completion"] == 1
    assert found["other_disabled"] is True
    assert found["axe_desktop"] == [] and found["axe_phone"] == [] and found["axe_dashboard"] == []
    assert found["sideways"] is False
