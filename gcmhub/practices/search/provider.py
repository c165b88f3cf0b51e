"""Practices and documents in the site-wide search (``gcmhub.web.search``),
found by the same full-text index and read rules as the practices search page."""

from __future__ import annotations

from html import unescape

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from gcmhub.web.search import MAX_PER_KIND, SearchQuery, SearchResult, register_search_provider

# The site search orders results by score: keep the engine's order.
_TOP_SCORE = 1000


def practice_url(practice) -> str:
    return reverse("practices:practice", args=[practice.pk])


def document_url(document) -> str:
    return reverse("practices:document", args=[document.pk])


def search_practices_provider(query: SearchQuery):
    from gcmhub.practices.search import search_practices

    result = search_practices(query.user, query.text, per_page=MAX_PER_KIND, with_facets=False)
    for rank, hit in enumerate(result.hits):
        yield SearchResult(
            title=hit.practice.title,
            url=practice_url(hit.practice),
            summary=unescape(strip_tags(hit.snippet)),
            score=_TOP_SCORE - rank,
        )


def search_documents_provider(query: SearchQuery):
    from gcmhub.practices.search import search_documents

    for rank, hit in enumerate(search_documents(query.user, query.text, limit=MAX_PER_KIND)):
        yield SearchResult(
            title=hit.document.title,
            url=document_url(hit.document),
            summary=unescape(strip_tags(hit.snippet)),
            code=str(_("page %(number)s") % {"number": hit.page}) if hit.page else "",
            score=_TOP_SCORE - rank,
        )


def register() -> None:
    register_search_provider("practices", _("Good practices"), search_practices_provider, order=60)
    register_search_provider("documents", _("Documents"), search_documents_provider, order=65)
