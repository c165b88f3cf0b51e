"""The HTML report in Chromium: axe finds no serious problem, nothing breaks
the site's CSP, and a phone-width page does not scroll sideways."""

from __future__ import annotations

import pytest

from gcmhub.reports.render import render_html
from gcmhub.reports.render.samples import sample_document
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# True serves the standalone page under the CSP too: the test must then fail
# (inline <style> refused, unstyled tables scroll sideways) — a check of the check.
CHECK_THE_CHECK = False
# The site's policy (gcmhub/settings.py CONTENT_SECURITY_POLICY).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'"
)


def _site_page(fragment: str, language: str) -> str:
    # A minimal stand-in for a site page embedding the fragment under its h1.
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Report preview</title>'
        '<link rel="stylesheet" href="/static/web/gcmhub.css">'
        '<link rel="stylesheet" href="/static/reports/report.css"></head>'
        f'<body><main id="main" class="wrap"><h1>Report preview</h1>{fragment}</main></body></html>'
    )


def test_report_pages_pass_axe_and_the_csp_at_desktop_and_phone_width():
    skip_without_browser()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    pages = {}
    for language in ("en", "fr"):
        # Three objectives show every part; 23 would only make axe slower.
        doc = sample_document(language, objectives=3, tricky=True)
        pages[f"/{language}/download.html"] = (render_html(doc), None)
        pages[f"/{language}/site.html"] = (_site_page(render_html(doc, standalone=False), language), CSP)
    if CHECK_THE_CHECK:
        pages["/en/download-under-csp.html"] = (pages["/en/download.html"][0], CSP)
    axe = Axe()
    problems, requested = [], []

    def serve(route):
        path = route.request.url.removeprefix("http://testserver")
        requested.append(path)
        if path in pages:
            body, csp = pages[path]
            headers = {"Content-Security-Policy": csp} if csp else {}
            route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8", headers=headers)
        elif (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                console = []
                page.on("console", lambda message: console.append(message.text))  # noqa: B023
                page.route("**/*", serve)
                for path in pages:
                    page.goto(f"http://testserver{path}")
                    page.wait_for_load_state("networkidle")
                    for violation in axe.run(page).response["violations"]:
                        if violation["impact"] in BLOCKING:
                            targets = [node["target"] for node in violation["nodes"][:3]]
                            problems.append(f"{path} ({width}px): {violation['id']} {targets}")
                    scroll, client = page.evaluate(
                        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                    )
                    if scroll > client:
                        problems.append(f"{path} ({width}px): scrolls sideways ({scroll} > {client})")
                    if path.endswith("site.html"):
                        # The report's stylesheet applies under the CSP (it is a static file).
                        border = page.evaluate(
                            "getComputedStyle(document.querySelector('.report-table th')).borderTopStyle"
                        )
                        if border != "solid":
                            problems.append(f"{path}: report.css not applied")
                problems += [f"console ({width}px): {text}" for text in console if "Content Security Policy" in text]
                context.close()
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
    assert all(path.startswith("/") for path in requested)  # nothing fetched from elsewhere
