"""The registry other apps use to add sections to a country page."""

import pytest

from gcmhub.geo.models import Area
from gcmhub.geo.sections import CountrySection, country_sections, register_country_section, unregister_country_section


@pytest.fixture
def registry(monkeypatch):
    # The registry alone: the sections other apps register (which read the
    # database) are set aside for these tests.
    from gcmhub.geo import sections

    monkeypatch.setattr(sections, "_providers", {})
    keys = []

    def register(key, provider, order=100):
        keys.append(key)
        register_country_section(key, provider, order=order)

    yield register
    for key in keys:
        unregister_country_section(key)


def test_sections_come_in_order_and_skip_providers_with_nothing(registry):
    area = Area(m49="404", iso3="KEN", kind=Area.Kind.COUNTRY, name_en="Kenya")
    registry("b-reviews", lambda area: CountrySection("Reviews", "/reviews/"), order=20)
    registry("a-indicators", lambda area: CountrySection("Indicators", "/indicators/"), order=10)
    registry("c-empty", lambda area: None, order=5)
    assert [section.title for section in country_sections(area)] == ["Indicators", "Reviews"]


def test_registering_a_key_again_replaces_it(registry):
    area = Area(m49="404", iso3="KEN", kind=Area.Kind.COUNTRY, name_en="Kenya")
    registry("indicators", lambda area: CountrySection("Old", "/old/"))
    registry("indicators", lambda area: CountrySection("New", "/new/"))
    assert [section.title for section in country_sections(area)] == ["New"]
