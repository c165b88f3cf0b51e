"""The chart is drawn in a real browser from the bundled Vega (Debian's Chromium).

The page and its static files are fetched through the test client first and
served to Chromium from memory, so the test needs no live server (whose
flush would empty the session's reference data) and touches no database
while Playwright's event loop runs.
"""

import asyncio
import os
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json"}


def static_file(path: str) -> bytes | None:
    """A file the page asks for under /static/, from the apps' static folders (no database)."""
    found = finders.find(path.removeprefix("/static/")) if path.startswith("/static/") else None
    return Path(found).read_bytes() if found else None


def test_the_chart_is_drawn_offline(client, web_data):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        asyncio.get_running_loop()
        pytest.skip("another Playwright session is running in this thread")
    except RuntimeError:
        pass
    pages = {path: client.get(path).content for path in ("/en/indicators/10.c.1/?area=KEN&area=MEX",)}
    from playwright.sync_api import sync_playwright

    requested = []

    def serve(route):
        path = route.request.url.removeprefix("http://testserver")
        requested.append(path)
        body = static_file(path)
        if path in pages:
            route.fulfill(status=200, body=pages[path], content_type="text/html; charset=utf-8")
        elif body is not None:
            route.fulfill(status=200, body=body, content_type=TYPES.get(Path(path).suffix, "application/octet-stream"))
        else:
            route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: message.type == "warning" and errors.append(message.text))
            page.route("**/*", serve)
            page.goto("http://testserver/en/indicators/10.c.1/?area=KEN&area=MEX")
            page.wait_for_selector("#indicator-chart svg path", timeout=20_000)
            labels = page.locator("#indicator-chart svg text").all_text_contents()
            colours = page.evaluate(
                "Array.from(document.querySelectorAll('#indicator-chart svg path'))"
                ".map(p => (p.getAttribute('stroke') || '').toLowerCase())"
            )
        finally:
            browser.close()
    assert not errors
    assert "Kenya" in labels and "Mexico" in labels
    assert "#0072b2" in colours and "#d55e00" in colours
    assert all(path.startswith("/") for path in requested)  # nothing from another host
