"""The inbox page through axe-core in Chromium, desktop and phone width, as
tests/web/test_accessibility.py does for the public pages (the inbox needs a
signed-in user, so it is fetched here with one)."""

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file
from tests.web.test_accessibility import _axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_inbox_has_no_serious_accessibility_problems_and_fits_a_phone(client, make_commitment, people):
    skip_without_browser()
    from gcmhub.commitments import services

    make_commitment("submitted", title="Waiting for approval", is_demo=True)
    published = make_commitment("published", title="Published one")
    services.post_update(None, published, reported_on=published.start_date, status="in_progress", completion="limited")
    client.force_login(people.reviewer)
    pages = {path: client.get(path).content for path in ("/en/inbox/", "/fr/inbox/")}
    assert b"Waiting for approval" in pages["/en/inbox/"]

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    def serve(route):
        path = route.request.url.removeprefix("http://testserver")
        if path in pages:
            route.fulfill(status=200, body=pages[path], content_type="text/html; charset=utf-8")
        elif (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.route("**/*", serve)
                for path in pages:
                    page.goto(f"http://testserver{path}")
                    page.wait_for_load_state("networkidle")
                    problems += _axe_problems(Axe(), page, f"{path} at {width} px")
                    scroll, shown = page.evaluate(
                        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                    )
                    if scroll > shown:
                        problems.append(f"{path} at {width} px scrolls sideways ({scroll} > {shown})")
                context.close()
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
