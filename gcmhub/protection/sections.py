"""The protection section of a country page (``gcmhub.geo.sections``):
how many published services and referral pathways the country has, linking
to its gap matrix, which says for which situations there is no measure."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.geo.sections import CountrySection, register_country_section


def protection_section(area):
    from gcmhub.protection.models import ReferralPathway, Service

    # The gap matrix is addressed by ISO3: an area without one (Sark) has none.
    if area.pk is None or not area.iso3 or getattr(area, "kind", "country") != "country":
        return None
    services = Service.objects.filter(area=area, is_published=True, state="active")
    count = services.count()
    pathway_count = ReferralPathway.objects.filter(area=area).count()
    if not count and not pathway_count:
        # Nothing registered for this country: no section (the registry's rule);
        # its gaps stay on the coordination page and the directory's matrix link.
        return None
    parts = [
        ngettext("%(count)d active service", "%(count)d active services", count) % {"count": count},
        ngettext("%(count)d referral pathway", "%(count)d referral pathways", pathway_count) % {"count": pathway_count},
        _("the protection-gap matrix"),
    ]
    if services.filter(is_demo=True).exists() or ReferralPathway.objects.filter(area=area, is_demo=True).exists():
        parts.append(_("includes invented demo data"))
    return CountrySection(
        title=_("Protection: services and gaps"),
        url=reverse("protection:gaps", args=[area.iso3]),
        summary=" · ".join(parts),
    )


def register() -> None:
    register_country_section("protection", protection_section, order=40)
