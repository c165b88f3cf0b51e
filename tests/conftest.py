"""Suite-wide fixtures.

The test database is built once per session with the reference data every
page needs (all M49 areas and the whole Compact), so individual tests stay
fast and each runs in its own rolled-back transaction.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from gcmhub.framework.loader import load_framework
    from gcmhub.geo.loader import load_areas

    with django_db_blocker.unblock():
        load_areas()
        load_framework()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Pages cached by one test must not answer the next: each test's data
    (and data version) is rolled back, the cache is not."""
    from django.core.cache import cache

    cache.clear()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# Content types of the static files the in-memory browser tests serve.
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json"}


def skip_without_browser() -> None:
    """Skip unless Debian's Chromium is there and no Playwright session runs in this thread."""
    import asyncio
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    pytest.skip("another Playwright session is running in this thread")


def static_file(path: str) -> tuple[bytes, str] | None:
    """``(body, content type)`` of ``/static/…`` from the apps' static folders
    (no database, so it is safe inside Playwright's event loop)."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    if not path.startswith("/static/"):
        return None
    name = path.removeprefix("/static/").split("?")[0]
    found = finders.find(name)
    if not found:
        return None
    return Path(found).read_bytes(), STATIC_TYPES.get(Path(name).suffix, "application/octet-stream")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped where it is not installed."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page requested in French or Spanish leaves that language active in
    the thread (LocaleMiddleware does not reset it), so a later test that
    builds messages outside a request would get them translated."""
    yield
    from django.utils import translation

    translation.deactivate()
