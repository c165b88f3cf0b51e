"""The country page links to the country's migration profile."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.geo.sections import CountrySection, register_country_section


def migration_profile_section(area) -> CountrySection | None:
    if not area.iso3:
        return None
    return CountrySection(
        title=_("Migration profile"),
        url=reverse("explorer:profile", kwargs={"key": area.iso3}),
        summary=_("Migrant stock, corridors, refugees, remittances and their cost, deaths on migration routes."),
    )


def register() -> None:
    register_country_section("explorer", migration_profile_section, order=30)
