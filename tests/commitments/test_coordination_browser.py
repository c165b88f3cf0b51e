"""Accessibility (axe) of the coordination page with planted data, in English
and French, at desktop and phone width, as a focal point (so the decision
forms are there too); the same checks as tests/web/test_accessibility.py."""

import pytest

from tests.commitments.test_coordination_api import planted  # noqa: F401 (fixture)
from tests.conftest import skip_without_browser
from tests.web import test_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_coordination_page_is_accessible_and_fits_a_phone(client, people, planted):  # noqa: F811
    skip_without_browser()
    client.force_login(people.focal_ken)
    pages = {}
    for language in ("en", "fr"):
        path = f"/{language}/countries/KEN/coordination/"
        response = client.get(path)
        assert response.status_code == 200
        pages[path] = (response.status_code, response.content)
    problems = test_accessibility._check_paths(pages, list(pages))
    assert problems == [], "\n".join(problems)
