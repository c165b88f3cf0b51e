"""The commitments section of a country page (``gcmhub.geo.sections``).

The country page is the same for every reader (and cached for the public),
so the section counts only published commitments — what the public may read
— and links to the list filtered on the country, where each reader sees
what their role allows. It leaves out the date-dependent flags (overdue,
stale): the cached page is renewed when data change, not when a day passes.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.commitments.models import Commitment
from gcmhub.geo.sections import CountrySection, register_country_section


def commitments_section(area):
    if area.pk is None:  # an area not stored has no commitments
        return None
    published = Commitment.objects.filter(area=area, is_published=True)
    count = published.count()
    if not count:
        return None
    parts = [ngettext("%(count)d published commitment", "%(count)d published commitments", count) % {"count": count}]
    if published.filter(is_demo=True).exists():
        parts.append(_("includes invented demo data"))
    return CountrySection(
        title=_("Commitments"),
        url=reverse("commitments:list") + f"?area={area.iso3}",
        summary=" · ".join(parts),
    )


def register() -> None:
    register_country_section("commitments", commitments_section, order=10)
