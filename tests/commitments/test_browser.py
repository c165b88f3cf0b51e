"""A commitment's way to the public, in a real browser (Debian's Chromium):
a contributor creates it with the form and submits it, a reviewer approves
it, the public finds it in the list.

No live server: a live server's flush would empty the session's reference
data, and its other thread would not see this test's transaction. Chromium
runs in a worker thread instead, and every request it makes is handed to
this thread, which answers it with Django's test client — one client per
person, each with its own session — inside the test's transaction. The
database is never touched while Playwright's event loop runs.
"""

import queue
import threading
from urllib.parse import urlsplit

import pytest
from django.test import Client

from gcmhub.commitments.models import Commitment
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ORIGIN = "http://testserver"
DONE = object()
TIMEOUT_MS = 30_000


class BrowserBridge:
    """Chromium in a worker thread, its requests answered by test clients here."""

    def __init__(self, clients: dict[str, Client]):
        self.clients = clients
        self.requests: queue.Queue = queue.Queue()
        self.failure: BaseException | None = None
        self.requested: list[str] = []

    def run(self, scenario) -> None:
        """Run ``scenario(open_page)`` in the worker; ``open_page(person)`` gives a page acting as that person."""
        worker = threading.Thread(target=self._drive, args=(scenario,), daemon=True)
        worker.start()
        while True:
            item = self.requests.get(timeout=120)
            if item is DONE:
                break
            self._answer(*item)
        worker.join(timeout=30)
        if self.failure is not None:
            raise self.failure

    def _answer(self, person, method, url, body, headers, reply) -> None:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.requested.append(f"{person} {method} {path}")
        found = static_file(parts.path) if method == "GET" else None
        if found is not None:
            reply.put((200, {"content-type": found[1]}, found[0]))
            return
        client = self.clients[person]
        if method == "GET":
            response = client.get(path)
        else:
            response = client.generic(method, path, data=body or b"", content_type=headers.get("content-type", ""))
        kept = {name: response[name] for name in ("Content-Type", "Location") if response.has_header(name)}
        content = b"".join(response.streaming_content) if response.streaming else response.content
        reply.put((response.status_code, kept, content))

    def _drive(self, scenario) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    scenario(lambda person: self._page(browser, person))
                finally:
                    browser.close()
        except BaseException as error:  # re-raised in the test's thread
            self.failure = error
        finally:
            self.requests.put(DONE)

    def _page(self, browser, person: str):
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()

        def serve(route):
            request = route.request
            if not request.url.startswith(ORIGIN):
                route.abort()  # nothing is fetched from another host
                return
            reply: queue.Queue = queue.Queue(maxsize=1)
            self.requests.put((person, request.method, request.url, request.post_data_buffer, request.headers, reply))
            status, headers, body = reply.get(timeout=60)
            route.fulfill(status=status, headers=headers, body=body)

        page.route("**/*", serve)
        return page


def _client_for(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_create_submit_approve_then_the_public_sees_it(people, orgs, kenya):
    skip_without_browser()
    title = "Evening language classes for newly arrived workers"
    bridge = BrowserBridge(
        {
            "author": _client_for(people.contributor_ken),
            "reviewer": _client_for(people.reviewer),
            "public": _client_for(),
        }
    )
    seen = {}

    def scenario(open_page):
        author = open_page("author")
        author.goto(f"{ORIGIN}/en/commitments/new/")
        author.locator("#id_kind").select_option("national_action")
        author.locator("#id_title").fill(title)
        author.locator("#id_description").fill("Free evening classes in three counties.")
        author.locator("#id_area").select_option("KEN")
        author.get_by_label("Primary objective").select_option("16")
        author.get_by_label("Own metric").fill("people who finished a course")
        author.get_by_label("Baseline of the metric").fill("0")
        author.locator("#id_metric_target").fill("900")
        author.get_by_label("Due date").fill("2028-12-31")
        author.locator("#id_partners-0-organization").select_option(str(orgs.ken_gov.pk))
        author.locator("#id_partners-0-role").select_option("lead")
        author.get_by_role("button", name="Save").click()
        author.wait_for_url("**/en/commitments/*/")
        seen["after create"] = author.locator(".page-header").inner_text()
        author.get_by_role("button", name="Submit for review").click()
        author.wait_for_load_state()
        seen["after submit"] = author.locator("main").inner_text()
        detail_url = author.url

        reviewer = open_page("reviewer")
        reviewer.goto(detail_url)
        reviewer.get_by_role("button", name="Approve and publish").click()
        reviewer.wait_for_load_state()
        seen["after approve"] = reviewer.locator("main").inner_text()

        public = open_page("public")
        public.goto(f"{ORIGIN}/en/commitments/")
        public.get_by_role("link", name=title).click()
        public.wait_for_url(detail_url)
        seen["public heading"] = public.locator("h1").inner_text()
        seen["public header"] = public.locator(".page-header").inner_text()
        seen["public page"] = public.locator("main").inner_text()

    bridge.run(scenario)

    assert "Draft" in seen["after create"]
    assert "Submitted for review" in seen["after submit"]
    assert "Approved and published." in seen["after approve"]
    assert seen["public heading"] == title
    assert "Draft" not in seen["public header"] and "Waiting for review" not in seen["public header"]
    assert "Submit for review" not in seen["public page"] and "Approve and publish" not in seen["public page"]
    commitment = Commitment.objects.get(title=title)
    assert commitment.is_published and commitment.review_state == "published"
    assert commitment.created_by == people.contributor_ken
    assert any(line.startswith("public GET /en/commitments/") for line in bridge.requested)
