"""Sections of an objective page contributed by other apps (good practices,
commitments …), as ``gcmhub.geo.sections`` does for country pages::

    register_objective_section("practices", provider, order=30)

A provider takes the Objective and returns a ``Section`` or None (nothing
to show). Objective pages are cached for the public, so providers show
published content only.
"""

from __future__ import annotations

from collections.abc import Callable

from gcmhub.geo.sections import CountrySection as Section

SectionProvider = Callable[[object], Section | None]

_providers: dict[str, tuple[int, SectionProvider]] = {}


def register_objective_section(key: str, provider: SectionProvider, *, order: int = 100) -> None:
    _providers[key] = (order, provider)


def objective_sections(objective) -> list[Section]:
    sections = []
    for _key, (_order, provider) in sorted(_providers.items(), key=lambda item: (item[1][0], item[0])):
        section = provider(objective)
        if section is not None:
            sections.append(section)
    return sections
