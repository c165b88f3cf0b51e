"""What users can ask of areas: list, filter, search, look one up.

The web pages, the API and the CLI call these, so a filter means the same
thing everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput, NotFound
from gcmhub.geo.models import Area
from gcmhub.geo.names import fold, normalise_m49
from gcmhub.geo.sources import GROUP_FLAGS
from gcmhub.i18n import localized

# Kinds a "region" filter may name: anything that contains countries.
CONTAINER_KINDS = (Area.Kind.WORLD, Area.Kind.REGION, Area.Kind.SUBREGION, Area.Kind.INTERMEDIATE, Area.Kind.GROUP)
_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_M49 = re.compile(r"^\d{1,3}$")


def with_links(queryset):
    """Fetch the region chain in the same query (pages and API show it)."""
    return queryset.select_related("parent", "region", "subregion", "intermediate_region")


def container(code: str) -> Area:
    """The region, sub-region, intermediate region, group or world with M49 ``code``."""
    try:
        m49 = normalise_m49(code)
    except ValueError:
        raise InvalidInput(_("“%(code)s” is not an M49 code.") % {"code": code}, field="region") from None
    area = Area.objects.filter(m49=m49, kind__in=CONTAINER_KINDS).first()
    if area is None:
        raise InvalidInput(_("No region or group has the M49 code %(code)s.") % {"code": m49}, field="region")
    return area


def find_areas(kind: str | None = None, region: str | None = None, query: str | None = None):
    """Areas of ``kind`` inside ``region`` (any level, or a group) matching ``query``."""
    areas = Area.objects.all()
    if kind:
        areas = areas.filter(kind=kind)
    if region:
        areas = areas.within(container(region).m49)
    if query:
        areas = areas.search(query)
    return with_links(areas)


def find_countries(region: str | None = None, query: str | None = None):
    return find_areas(Area.Kind.COUNTRY, region, query)


def get_country(key: str) -> Area:
    """A country by ISO alpha-3 (any case) or M49 code; NotFound otherwise."""
    key = (key or "").strip()
    countries = with_links(Area.objects.countries())
    if _ISO3.match(key):
        area = countries.filter(iso3=key.upper()).first()
    elif _M49.match(key):
        area = countries.filter(m49=normalise_m49(key)).first()
    else:
        area = None
    if area is None:
        raise NotFound(_("No country or area has the code “%(code)s”.") % {"code": key})
    return area


def groups_of(area: Area) -> list[Area]:
    """The LDC / LLDC / SIDS group areas that ``area`` belongs to."""
    codes = [code for code, flag in GROUP_FLAGS.items() if getattr(area, flag)]
    return list(Area.objects.filter(kind=Area.Kind.GROUP, m49__in=codes).order_by("m49"))


def sort_by_name(areas) -> list[Area]:
    """By name in the reader's language, ignoring accents ("Émirats" with the E's)."""
    return sorted(areas, key=lambda area: fold(localized(area, "name")))


@dataclass
class RegionGroup:
    region: Area | None  # None for areas outside every region (Antarctica)
    countries: list[Area] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.region.m49 if self.region else "none"


def group_by_region(countries) -> list[RegionGroup]:
    """Countries under their M49 region, regions and countries in name order."""
    groups: dict[str | None, RegionGroup] = {}
    for country in countries:
        region_code = country.region.m49 if country.region else None
        groups.setdefault(region_code, RegionGroup(country.region)).countries.append(country)
    for group in groups.values():
        group.countries = sort_by_name(group.countries)
    with_region = sorted((g for g in groups.values() if g.region), key=lambda g: fold(localized(g.region, "name")))
    return with_region + [g for g in groups.values() if g.region is None]


def filter_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Regions and groups for a filter menu, grouped by level, names localised."""
    levels = [
        (Area.Kind.REGION, _("Regions")),
        (Area.Kind.SUBREGION, _("Sub-regions")),
        (Area.Kind.INTERMEDIATE, _("Intermediate regions")),
        (Area.Kind.GROUP, _("Groups of countries")),
    ]
    by_kind: dict[str, list[Area]] = {}
    # SDG aggregates (groups without members, see groups.yaml) would filter to nothing.
    areas = Area.objects.filter(kind__in=[kind for kind, _label in levels])
    for area in areas.exclude(Q(kind=Area.Kind.GROUP) & ~Q(m49__in=list(GROUP_FLAGS))):
        by_kind.setdefault(area.kind, []).append(area)
    return [
        (str(label), [(area.m49, localized(area, "name")) for area in sort_by_name(by_kind.get(kind, []))])
        for kind, label in levels
        if by_kind.get(kind)
    ]
