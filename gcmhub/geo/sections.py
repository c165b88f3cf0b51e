"""Sections of a country page contributed by other apps.

The country page belongs to ``geo``, but what GCM Hub knows about a country
— its commitments, indicators, reviews — belongs to other apps. Each of them
registers a provider, usually in its ``AppConfig.ready()``::

    from gcmhub.geo.sections import CountrySection, register_country_section

    def commitments_section(area):
        count = Commitment.objects.filter(area=area).count()
        if not count:
            return None  # nothing to show for this country: no link at all
        return CountrySection(
            title=_("Commitments"),
            url=reverse("commitments:list") + f"?area={area.iso3}",
            summary=ngettext("%d commitment", "%d commitments", count) % count,
        )

    register_country_section("commitments", commitments_section, order=10)

The page lists the sections whose provider returned one, by ``order``; with
none, it shows no sections block at all rather than an empty promise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gcmhub.geo.models import Area


@dataclass(frozen=True)
class CountrySection:
    title: str
    url: str
    summary: str = ""


SectionProvider = Callable[[Area], CountrySection | None]

# key → (order, provider). Keyed so that registering again (autoreload,
# tests) replaces the entry instead of listing a section twice.
_providers: dict[str, tuple[int, SectionProvider]] = {}


def register_country_section(key: str, provider: SectionProvider, *, order: int = 100) -> None:
    _providers[key] = (order, provider)


def unregister_country_section(key: str) -> None:
    _providers.pop(key, None)


def country_sections(area: Area) -> list[CountrySection]:
    """The sections other apps offer for ``area``, in display order."""
    sections = []
    for _key, (_order, provider) in sorted(_providers.items(), key=lambda item: (item[1][0], item[0])):
        section = provider(area)
        if section is not None:
            sections.append(section)
    return sections
