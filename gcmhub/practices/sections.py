"""The practices section of each country page (``gcmhub.geo.sections``) and
objective page (``gcmhub.framework.sections``): published practices only,
since those pages are cached for the public."""

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


def objective_section(objective):
    from gcmhub.framework.sections import Section
    from gcmhub.practices.models import Practice

    count = Practice.objects.filter(is_published=True, objective_links__objective=objective).distinct().count()
    if not count:
        return None
    return Section(
        title=_("Good practices"),
        url=reverse("practices:list") + f"?objective={objective.number}",
        summary=ngettext("%(count)d published practice", "%(count)d published practices", count) % {"count": count},
    )


def register() -> None:
    from gcmhub.framework.sections import register_objective_section

    register_country_section("practices", country_section, order=30)
    register_objective_section("practices", objective_section, order=30)
