"""The Compact in the site search (``gcmhub.web.search``): objectives, their
actions and the SDG indicators that measure them, found by number or code
and by title in any of the three languages. All public reference data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gcmhub.i18n import localized
from gcmhub.web.search import SearchQuery, SearchResult, register_search_provider

from .models import Action, Objective, SdgIndicator

LANGUAGES = ("en", "fr", "es")


def _texts(record, *fields: str) -> list[str]:
    return [getattr(record, f"{name}_{language}") for name in fields for language in LANGUAGES]


def search_objectives(query: SearchQuery):
    for objective in Objective.objects.all():
        score = query.score(*_texts(objective, "title", "short_title"), codes=[str(objective.number)])
        if score:
            yield SearchResult(
                title=f"{objective.number}. {localized(objective, 'title', query.language)}",
                url=objective.get_absolute_url(),
                summary=localized(objective, "summary", query.language),
                code=str(objective.number),
                score=score,
            )


def search_actions(query: SearchQuery):
    for action in Action.objects.select_related("objective"):
        score = query.score(*_texts(action, "title"), codes=[action.code, action.label])
        if score:
            yield SearchResult(
                title=f"{action.label} {localized(action, 'title', query.language)}",
                url=action.get_absolute_url(),
                summary=localized(action.objective, "short_title", query.language),
                code=action.code,
                score=score,
            )


def search_sdg_indicators(query: SearchQuery):
    for indicator in SdgIndicator.objects.order_by("sort_key"):
        score = query.score(*_texts(indicator, "title"), indicator.custodians, codes=[indicator.code])
        if score:
            yield SearchResult(
                title=f"{indicator.code} {localized(indicator, 'title', query.language)}",
                url=indicator.get_absolute_url(),
                summary=indicator.custodians,
                code=indicator.code,
                score=score,
            )


def register() -> None:
    register_search_provider("objectives", _("Objectives"), search_objectives, order=10)
    register_search_provider("actions", _("Actions"), search_actions, order=20)
    register_search_provider("sdg-indicators", _("SDG indicators"), search_sdg_indicators, order=30)
