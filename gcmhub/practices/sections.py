"""The practices section of each country page (``gcmhub.geo.sections``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.geo.sections import CountrySection, register_country_section


def country_section(area):
    from gcmhub.practices.models import Practice

    # The country page is cached for the public: published practices only.
    count = Practice.objects.filter(is_published=True, areas=area).count()
    if not count:
        return None
    return CountrySection(
        title=_("Good practices"),
        url=reverse("practices:list") + f"?area={area.iso3}",
        summary=ngettext("%(count)d published practice", "%(count)d published practices", count) % {"count": count},
    )


def register() -> None:
    register_country_section("practices", country_section, order=30)
