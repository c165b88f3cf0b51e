"""The practices search page: words, facets with counts, sort, pages, and
the documents whose text matches."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gcmhub.pagecache import public_page_cache
from gcmhub.practices.search import SORTS, search_documents, search_practices
from gcmhub.web.search import MAX_QUERY_LENGTH

DOCUMENTS_SHOWN = 5


def _page_number(raw) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


@require_safe
@public_page_cache
def search(request):
    text = (request.GET.get("q") or "").strip()
    query = text[:MAX_QUERY_LENGTH]
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "relevance"
    result = search_practices(request.user, query, request.GET, sort, _page_number(request.GET.get("page")))
    if result.page > result.pages:  # a page past the end: show the last one
        result = search_practices(request.user, query, request.GET, sort, result.pages)
    context = {
        "q": query,
        "too_long": len(text) > MAX_QUERY_LENGTH,
        "result": result,
        "documents": search_documents(request.user, query, limit=DOCUMENTS_SHOWN) if query else [],
    }
    return render(request, "practices/search/page.html", context)
