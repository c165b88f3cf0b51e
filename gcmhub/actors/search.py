"""Organisations in the site search (``gcmhub.web.search``). Only those the
reader may open are listed — ``services.visible_organizations`` is the same
rule as the organisation pages and the API — so an unpublished organisation
is found only by those who may read it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.i18n import localized
from gcmhub.web.search import SearchQuery, SearchResult, register_search_provider

from .services import visible_organizations


def search_organizations(query: SearchQuery):
    for organization in visible_organizations(query.user):
        score = query.score(organization.name, organization.acronym, codes=[organization.acronym])
        if score:
            where = localized(organization.area, "name", query.language) if organization.area_id else ""
            yield SearchResult(
                title=organization.name + (f" ({organization.acronym})" if organization.acronym else ""),
                url=reverse("actors:organization", args=[organization.pk]),
                summary=" · ".join(part for part in (str(organization.get_kind_display()), where) if part),
                score=score,
            )


def register() -> None:
    register_search_provider("organizations", _("Organisations"), search_organizations, order=50)
