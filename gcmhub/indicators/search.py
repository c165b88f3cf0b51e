"""Indicator data in the site search (``gcmhub.web.search``): the indicators
and context series that hold data, found by code, name in any language, or
series code and description; each result opens its data page. Public, like
the catalogue they come from."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.web.search import SearchQuery, SearchResult, register_search_provider

from . import presenters


def search_indicator_data(query: SearchQuery):
    for entry in presenters.catalogue():
        texts = [entry.name, entry.custodian]
        if entry.indicator is not None:
            texts += [entry.indicator.name_en, entry.indicator.name_fr, entry.indicator.name_es]
        texts += [item.series.description for item in entry.series]
        codes = [entry.code, *(item.series.code for item in entry.series)]
        score = query.score(*codes, *texts, codes=codes)
        if score:
            yield SearchResult(
                title=f"{entry.code} {entry.name}",
                url=reverse("indicators:indicator", args=[entry.code]),
                summary=" · ".join(part for part in (entry.unit, entry.years) if part),
                code=entry.code,
                score=score,
            )


def register() -> None:
    register_search_provider("indicator-data", _("Indicator data"), search_indicator_data, order=35)
