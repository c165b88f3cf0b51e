"""The API's pages of practices carry what the search page says about its
results (``SearchResult.notices``): e.g. that no practice had every word of
the query, so practices with any of them are listed."""

from typing import Any

from ninja import Field, Schema

from gcmhub.apischema import Page


class SearchPage(Page):
    """``limit``/``offset`` pages of practices, with the search's notices for ``q``."""

    class Output(Schema):
        items: list[Any]
        count: int
        notices: list[str] = Field(
            default_factory=list,
            description="What to know about how the words q were matched, in the language asked for"
            " (Accept-Language); empty without q",
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request=request, **params)
        page["notices"] = search_notices(request.auth, request.GET.get("q", ""))
        return page


def search_notices(user, query: str) -> list[str]:
    """The notices of a search for ``query`` alone, as a list API runs it (its
    filters then narrow the matches; see ``services.matching_ids``). The
    matches are remembered from that search, so this costs no new match."""
    from gcmhub.practices.search import search_practices

    if not query.strip():
        return []
    return search_practices(user, query, {}, "relevance", 1, per_page=1, with_facets=False).notices
