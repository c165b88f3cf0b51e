"""Precomputed aggregates the explorer reads instead of scanning observations.

The observations stay the truth (``indicators.Observation``); these tables
are rebuilt from them by ``aggregates.rebuild()`` after each import (a
background task, see ``signals``) and can always be rebuilt from scratch
(``gcmhub manage explorer rebuild``). Each row keeps the id of the
observation it copies, so a page can link to the stored value.

* ``CorridorValue`` — one value of a corridor measure for ORIGIN →
  DESTINATION in one period, with the counterpart text resolved to an area.
  Answers "from A to B", "everyone from A", "everyone in B" and "the
  largest corridors in a year" through its indexes.
* ``AreaTotal`` — sums of the additive corridor measures per area and year
  (emigrants of A = the sum of corridors starting in A).
* ``SeriesSlice`` — which (period, disaggregation) pairs a series has, and
  in how many areas: the year slider and disaggregation choices of the map,
  and the exact periods a map query asks the observation index for.
* ``BuildState`` — when the tables were last rebuilt, from which data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CorridorValue(models.Model):
    measure = models.CharField(_("measure"), max_length=40)
    origin = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    destination = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    period = models.CharField(_("period"), max_length=24)
    year = models.SmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    # The latest period of its year for this corridor (quarterly measures show that one).
    is_year_latest = models.BooleanField(default=True)
    observation_id = models.BigIntegerField(_("observation"))
    source_name = models.CharField(_("source"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("corridor value")
        verbose_name_plural = _("corridor values")
        indexes = [
            models.Index(fields=["origin", "destination", "measure", "year"], name="explorer_corr_pair"),
            models.Index(fields=["destination", "measure", "year"], name="explorer_corr_dest"),
            models.Index(fields=["origin", "measure", "year"], name="explorer_corr_origin"),
            models.Index(fields=["measure", "year", "value"], name="explorer_corr_rank"),
        ]


class AreaTotal(models.Model):
    area = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # "migrant_stock:out" (sum of the corridors from the area), "refugees:in" (to it),
    # "remittance_cost:in" (mean cost of the corridors sending from it), …
    measure = models.CharField(_("measure"), max_length=40)
    year = models.SmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    corridors = models.IntegerField(_("corridors summed"))

    class Meta:
        verbose_name = _("area total")
        verbose_name_plural = _("area totals")
        indexes = [models.Index(fields=["area", "measure", "year"], name="explorer_total_area")]


class SeriesSlice(models.Model):
    series = models.ForeignKey("indicators.Series", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    year = models.SmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=24)
    dimension_key = models.CharField(_("disaggregation"), max_length=500, blank=True, default="")
    areas = models.IntegerField(_("areas with a value"))

    class Meta:
        verbose_name = _("series slice")
        verbose_name_plural = _("series slices")
        indexes = [models.Index(fields=["series", "year"], name="explorer_slice_series")]


class BuildState(models.Model):
    """One row: the last rebuild."""

    built_at = models.DateTimeField(_("built at"), null=True)
    data_versions = models.JSONField(_("series data versions used"), default=dict)
    corridor_rows = models.IntegerField(default=0)
    unresolved = models.JSONField(_("counterparts that name no area"), default=dict)
    seconds = models.FloatField(default=0)
    measure_years = models.JSONField(_("years of each corridor measure"), default=dict)

    class Meta:
        verbose_name = _("explorer build")
        verbose_name_plural = _("explorer builds")
