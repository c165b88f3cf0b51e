from django.shortcuts import render

from gcmhub.pagecache import public_page_cache
from gcmhub.web.entry_points import home_figures


@public_page_cache
def home(request):
    return render(request, "web/home.html", {"figures": home_figures()})
