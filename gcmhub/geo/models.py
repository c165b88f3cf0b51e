"""UN M49 areas: the world, regions, sub-regions, groups, and countries or areas.

Areas are reference data loaded from versioned files by ``geo.loader``; they
carry no edit history here because every change is a change to those files,
and git keeps that history.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gcmhub.geo.names import fold, normalise_m49
from gcmhub.geo.sources import GROUP_FLAGS, WORLD
from gcmhub.i18n import LocalizedMixin


class AreaQuerySet(models.QuerySet):
    def countries(self):
        return self.filter(kind=Area.Kind.COUNTRY)

    def within(self, code: str | int):
        """Areas inside the region, sub-region, intermediate region or group ``code``.

        One query: the region's id comes from a sub-select on the unique M49
        index, and the three region columns are indexed foreign keys.
        Groups (LDC, LLDC, SIDS) filter on their flag; the world holds all.
        """
        code = normalise_m49(code)
        if code == WORLD:
            return self.all()
        if code in GROUP_FLAGS:
            return self.filter(**{GROUP_FLAGS[code]: True})
        region_id = Area.objects.filter(m49=code).values("pk")
        return self.filter(
            Q(region_id__in=region_id) | Q(subregion_id__in=region_id) | Q(intermediate_region_id__in=region_id)
        )

    def search(self, text: str):
        """Areas with a name (any language, any alias) or code containing ``text``."""
        folded = fold(text)
        return self.filter(search_text__contains=folded) if folded else self


class Area(LocalizedMixin, models.Model):
    class Kind(models.TextChoices):
        WORLD = "world", _("World")
        REGION = "region", _("Region")
        SUBREGION = "subregion", _("Sub-region")
        INTERMEDIATE = "intermediate", _("Intermediate region")
        GROUP = "group", _("Group of countries")
        COUNTRY = "country", _("Country or area")

    # M49 codes are strings: "004" is Afghanistan, and the leading zero matters.
    m49 = models.CharField(max_length=3, unique=True)
    iso2 = models.CharField(max_length=2, blank=True, db_index=True)
    iso3 = models.CharField(max_length=3, blank=True, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True)
    name_es = models.CharField(max_length=200, blank=True)
    # Languages whose name is not taken from UNSD's official M49 tables
    # (m49_names.yaml), e.g. the SDG regional groupings in French and Spanish;
    # pages mark them (see docs/geo.md).
    unverified = models.JSONField(default=list, blank=True)
    # The next level up (an intermediate region, a sub-region, a region or
    # the world). The three columns below repeat the whole chain so that
    # "every country in Eastern Africa" needs no recursive query.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    region = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="region_members"
    )
    subregion = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subregion_members"
    )
    intermediate_region = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="intermediate_members"
    )
    is_ldc = models.BooleanField(_("least developed country"), default=False)
    is_lldc = models.BooleanField(_("landlocked developing country"), default=False)
    is_sids = models.BooleanField(_("small island developing State"), default=False)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Other names from the sources (hdx alternative terms); the resolver and
    # the search box use them.
    alt_names = models.JSONField(default=list, blank=True)
    # Every name and code, folded (lower case, no accents), for substring search.
    search_text = models.TextField(blank=True, editable=False)
    # Set by the loader whenever it writes the row; lets each process notice
    # that its cached resolver is out of date.
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["iso3"], condition=~Q(iso3=""), name="geo_area_unique_iso3"),
        ]

    def __str__(self) -> str:
        return self.name_en

    def lineage(self) -> list["Area"]:
        """Region, sub-region and intermediate region, broadest first, as present."""
        return [area for area in (self.region, self.subregion, self.intermediate_region) if area is not None]
