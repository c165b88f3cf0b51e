"""``GET /api/v1/search``: the site search as JSON (``gcmhub.web.search``)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from gcmhub.actors.auth import read_auth
from gcmhub.apischema import Text
from gcmhub.web import search

router = Router(tags=["search"])


class SearchIn(Schema):
    q: Annotated[Text(search.MAX_QUERY_LENGTH), StringConstraints(min_length=1)] = Field(
        ..., description="Words to look for"
    )
    lang: str = Field("en", pattern="^(en|fr|es)$", description="Language of the titles: en, fr or es")
    limit: int = Field(search.MAX_PER_KIND, ge=1, le=50, description="Results per kind")


class SearchResultOut(Schema):
    title: str
    url: str
    summary: str
    code: str


class SearchGroupOut(Schema):
    kind: str
    label: str
    total: int
    results: list[SearchResultOut]


class SearchOut(Schema):
    query: str
    groups: list[SearchGroupOut]


@router.get(
    "/search",
    response=SearchOut,  # the error responses are documented by gcmhub.apischema
    auth=read_auth,
    summary="Search the site",
)
def search_site(request, params: Query[SearchIn]):
    """Objectives, actions, indicators, countries and organisations (and what
    other apps register) whose code or title in any language contains every
    word of ``q``, ignoring case and accents. Organisations not yet published
    are listed only for callers who may read them."""
    from django.utils import translation

    with translation.override(params.lang):
        groups = search.search(params.q, request.auth, limit=params.limit, language=params.lang)
        return {
            "query": params.q,
            "groups": [
                {"kind": g.key, "label": g.label, "total": g.total, "results": [vars(r) for r in g.results]}
                for g in groups
            ],
        }
