"""The country page links to the country's migration profile."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.geo.sections import CountrySection, register_country_section


def has_migration_data(area) -> bool:
    from gcmhub.indicators.models import Observation, Series

    from .measures import COUNTRY_MEASURES
    from .models import AreaTotal

    if AreaTotal.objects.filter(area=area).exists():
        return True
    codes = {code for measure in COUNTRY_MEASURES for code in measure.series}
    return Observation.objects.filter(series__in=Series.objects.filter(code__in=codes), area=area).exists()


def migration_profile_section(area) -> CountrySection | None:
    """A link to the profile, for a country the explorer has data about (else none, as the registry asks)."""
    if area.pk is None or not area.iso3 or not has_migration_data(area):
        return None
    return CountrySection(
        title=_("Migration profile"),
        url=reverse("explorer:profile", kwargs={"key": area.iso3}),
        summary=_("Migrant stock, corridors, refugees, remittances and their cost, deaths on migration routes."),
    )


def register() -> None:
    register_country_section("explorer", migration_profile_section, order=30)
