from django.shortcuts import render
from django.views.decorators.http import require_safe

from gcmhub.pagecache import public_page_cache
from gcmhub.web import search as site_search
from gcmhub.web.entry_points import home_figures, home_headline


@public_page_cache
def home(request):
    return render(request, "web/home.html", {"figures": home_figures(), "headline": home_headline()})


@require_safe
def search(request):
    text = (request.GET.get("q") or "").strip()
    groups = site_search.search(text, request.user) if text else []
    context = {
        "q": text[: site_search.MAX_QUERY_LENGTH],
        "groups": groups,
        "total": sum(group.total for group in groups),
        "too_long": len(text) > site_search.MAX_QUERY_LENGTH,
    }
    return render(request, "web/search.html", context)
