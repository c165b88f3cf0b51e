"""The "Progress" section of the country page (``gcmhub.geo.sections``)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gcmhub.geo.sections import CountrySection, register_country_section

from . import defaults


def country_key(area) -> str:
    return area.iso3 or area.m49


def progress_section(area) -> CountrySection | None:
    from .models import Assessment, Status

    if area.pk is None:
        return None
    counts = dict(
        Assessment.objects.filter(area=area, method=defaults.DEFAULT_METHOD, dimension_key="")
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    assessed = sum(n for status, n in counts.items() if status != Status.NOT_AVAILABLE)
    if not counts:
        return None  # nothing stored for this country: no section
    summary = ngettext("%(count)d series assessed", "%(count)d series assessed", assessed) % {"count": assessed}
    worse = counts.get(Status.DETERIORATION, 0)
    if worse:
        summary += " · " + ngettext("%(count)d deteriorating", "%(count)d deteriorating", worse) % {"count": worse}
    summary += " · " + _("see where progress is lacking")
    return CountrySection(
        title=str(gettext_lazy("Progress scorecard")),
        url=reverse("progress:country-scorecard", args=[country_key(area)]),
        summary=summary,
    )


def register() -> None:
    register_country_section("progress", progress_section, order=30)
