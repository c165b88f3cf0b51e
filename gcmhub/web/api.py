"""``GET /api/v1/search``: the site search as JSON (``gcmhub.web.search``)."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from gcmhub.actors.auth import read_auth
from gcmhub.web import search

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field(..., min_length=1, max_length=search.MAX_QUERY_LENGTH, description="Words to look for")
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


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: list[dict]


@router.get(
    "/search",
    response={200: SearchOut, 401: ErrorOut, 422: InvalidOut},
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
