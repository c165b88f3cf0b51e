"""Country pages: the list of countries by region, and one country."""

from django.http import Http404
from django.shortcuts import redirect, render

from gcmhub.errors import NotFound
from gcmhub.geo import services
from gcmhub.geo.forms import CountryFilterForm
from gcmhub.geo.sections import country_sections
from gcmhub.geo.sources import provenance
from gcmhub.pagecache import public_page_cache


@public_page_cache
def countries(request):
    form = CountryFilterForm(request.GET or None)
    region = query = ""
    if form.is_bound and form.is_valid():
        region = form.cleaned_data["region"]
        query = form.cleaned_data["q"].strip()
    found = list(services.find_countries(region=region or None, query=query or None))
    context = {
        "form": form,
        "groups": services.group_by_region(found),
        "total": len(found),
        "filtered": bool(region or query),
        "selected_region": services.container(region) if region else None,
        "query": query,
        "provenance": provenance(),
    }
    return render(request, "geo/countries.html", context)


@public_page_cache
def country(request, key: str):
    # One address per country: /countries/KEN/. Lower-case codes and M49
    # codes redirect there (areas without an ISO code keep their M49 URL).
    try:
        area = services.get_country(key)
    except NotFound as exc:
        raise Http404(exc.message) from None
    canonical = area.iso3 or area.m49
    if key != canonical:
        return redirect("geo:country", key=canonical, permanent=True)
    context = {
        "area": area,
        "groups": services.groups_of(area),
        "sections": country_sections(area),
    }
    return render(request, "geo/country.html", context)
