"""Countries and areas in the site search (``gcmhub.web.search``), found by
name in any language or alias, ISO code or M49 code. Narrowed in SQL on the
folded ``search_text`` column the loader fills, so it is accent- and
case-blind on every database."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.i18n import localized
from gcmhub.web.search import SearchQuery, SearchResult, register_search_provider

from .models import Area

# Matches read from the database per search: plenty for a page of results.
CANDIDATES = 200


def search_countries(query: SearchQuery):
    areas = Area.objects.countries().select_related("region")
    for word in query.words:
        areas = areas.filter(search_text__contains=word)
    for area in areas[:CANDIDATES]:
        name = localized(area, "name", query.language)
        score = query.score(name, area.name_en, area.name_fr, area.name_es, codes=[area.iso3, area.iso2, area.m49])
        yield SearchResult(
            title=name,
            url=reverse("geo:country", args=[area.iso3 or area.m49]),
            summary=localized(area.region, "name", query.language) if area.region_id else "",
            code=area.iso3 or area.m49,
            score=score or 5,  # an alias matched: listed, after the names
        )


def register() -> None:
    register_search_provider("countries", _("Countries and areas"), search_countries, order=40)
