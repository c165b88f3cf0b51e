"""The reviews section of a country page (``gcmhub.geo.sections``).

The country page is the same for every reader (and cached for the public),
so the section counts published reviews only and links to the country's
reviews, where each reader sees what their role allows.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.geo.sections import CountrySection, register_country_section
from gcmhub.reviews.models import Review


def reviews_section(area):
    if area.pk is None:
        return None
    published = Review.objects.filter(area=area, status=Review.Status.PUBLISHED)
    count = published.count()
    if not count:
        return None
    parts = [ngettext("%(count)d published review", "%(count)d published reviews", count) % {"count": count}]
    latest = published.order_by("-period_end", "-created_at").first()
    if latest.forum:
        parts.append(latest.forum)
    if published.filter(is_demo=True).exists():
        parts.append(_("includes invented demo data"))
    return CountrySection(
        title=_("Reviews"),
        url=reverse("reviews:list") + f"?area={area.iso3}",
        summary=" · ".join(parts),
    )


def register() -> None:
    register_country_section("reviews", reviews_section, order=40)
