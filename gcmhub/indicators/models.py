"""Indicator data: the catalogue, observations, targets and import batches.

* ``Indicator`` and ``Series`` are the catalogue. An indicator is an SDG
  indicator (``10.c.1``, linked to ``framework.SdgIndicator``) or a national
  one; a series (``SI_RMT_COST``) is what files actually report.
* ``Dimension`` and ``DimensionCode`` are the code lists of the
  disaggregations (``SEX=F``, ``COMPOSITE_BREAKDOWN=MS_MIGRANT``).
* ``Observation`` holds the numbers — millions of rows, written in bulk by
  ``loader.load``. It has no django-simple-history table: a changed value
  is kept as an ``ObservationRevision`` row written by the loader in the
  same bulk statements.
* ``Target`` is a goal for a series in an area.
* ``ImportBatch`` records one import: file, checksum, who, counts, report.

docs/indicators.md explains the design; the choices that matter for speed
are on ``Observation``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.framework.models import sdg_sort_key
from gcmhub.i18n import LocalizedMixin

from .keys import parse_dimension_key


class Direction(models.TextChoices):
    """Which way is progress (Open SDG's ``direction``)."""

    POSITIVE = "positive", _("Higher is better")
    NEGATIVE = "negative", _("Lower is better")


class Horizon(models.TextChoices):
    """The graduated timeline of the IDM 2017 report."""

    NONE = "", _("No horizon")
    SHORT = "2y", _("2 years")
    MEDIUM = "5y", _("5 years")
    LONG = "15y", _("15 years")


class DataSource(models.Model):
    """Who published an observation (``World Bank WDI``, a ministry, …).

    Observations point here instead of repeating the text on millions of rows.
    """

    name = models.CharField(_("name"), max_length=500, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return self.name


class Indicator(LocalizedMixin, models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=500)
    name_fr = models.CharField(_("name (French)"), max_length=500, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    direction = models.CharField(
        _("preferred direction"), max_length=8, choices=Direction.choices, default=Direction.POSITIVE
    )
    custodian = models.CharField(_("custodian agencies"), max_length=200, blank=True)
    sdg_indicator = models.OneToOneField(
        "framework.SdgIndicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogue_entry",
        verbose_name=_("SDG indicator"),
    )
    # National indicators are linked to objectives here; SDG indicators get
    # theirs from the framework's editorial mapping (linked_objectives()).
    objectives = models.ManyToManyField(
        "framework.Objective", blank=True, related_name="national_indicators", verbose_name=_("objectives")
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "sort_key"])

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    def save(self, *args, **kwargs):
        self.sort_key = sdg_sort_key(self.code)[:60]
        super().save(*args, **kwargs)

    @property
    def is_sdg(self) -> bool:
        return self.sdg_indicator_id is not None

    def linked_objectives(self):
        """Objectives this indicator informs: the framework links of its SDG
        indicator, plus any set directly on a national indicator."""
        from gcmhub.framework.models import Objective

        direct = models.Q(national_indicators=self)
        if self.sdg_indicator_id:
            direct |= models.Q(indicator_links__indicator_id=self.sdg_indicator_id)
        return Objective.objects.filter(direct).distinct().order_by("number")

    def get_absolute_url(self) -> str:
        try:
            return reverse("indicators:indicator", args=[self.code])
        except NoReverseMatch:
            return f"/api/v1/indicators/{self.code}"


class Series(models.Model):
    code = models.CharField(_("code"), max_length=100, unique=True)
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="series",
        verbose_name=_("indicator"),
        help_text=_("Empty for context series (migrant stock, refugees) that measure no indicator."),
    )
    sdg_series = models.OneToOneField(
        "framework.SdgSeries",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogue_entry",
        verbose_name=_("SDG series"),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    # Bumped by every import that writes observations of this series: the
    # loader compares without holding a lock, then checks in its short write
    # transaction that no other import wrote the series meanwhile, and
    # recognises a re-imported file whose series nobody has written since.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "data_version"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.code


class Dimension(LocalizedMixin, models.Model):
    """A disaggregation dimension and the rule for its codes.

    ``closed``: only the codes in the list are accepted; an import bringing
    another one is refused with "unknown dimension code". Otherwise new
    codes are added on import, provided they match ``code_pattern`` when one
    is set (AGE accepts ``Y15T24`` but not ``fifteen``). Dimensions a source
    brings (a column named "Destination countries") are created open.
    """

    code = models.CharField(_("code"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    closed = models.BooleanField(_("closed code list"), default=False)
    code_pattern = models.CharField(_("pattern new codes must match"), max_length=200, blank=True)
    is_sdmx = models.BooleanField(_("SDMX dimension of the SDG data structure"), default=False)
    created_by = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.code


class DimensionCode(LocalizedMixin, models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["dimension__code", "code"]
        verbose_name = _("dimension code")
        verbose_name_plural = _("dimension codes")
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="indicators_dimension_code")]

    def __str__(self) -> str:
        return f"{self.dimension.code}={self.code}"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        VALIDATED = "validated", _("Validated (dry run)")

    format = models.CharField(_("format"), max_length=30)
    file_name = models.CharField(_("file name"), max_length=500)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
        verbose_name=_("user"),
        help_text=_("Empty for an import by the system operator at the command line."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    area = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    # What was asked: dry run, skip invalid rows, reader options.
    options = models.JSONField(_("options"), default=dict, blank=True)
    stored_file = models.CharField(_("stored upload"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The task worker running an upload ("host:pid"), so one that died is recognised.
    worker = models.CharField(_("worker"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    rows_written = models.PositiveBigIntegerField(_("rows written"), default=0)
    rows_unchanged = models.PositiveBigIntegerField(_("rows unchanged"), default=0)
    rows_rejected = models.PositiveBigIntegerField(_("rows rejected"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    # What a later import of the same file needs to know that nothing changed:
    # {"key": options digest, "series": {series id: data_version after this import}}.
    data_fingerprint = models.JSONField(_("data fingerprint"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.format} {self.file_name} ({self.status})"


class RowIdField(models.BigAutoField):
    """A BigAutoField without SQLite's AUTOINCREMENT keyword.

    AUTOINCREMENT makes SQLite maintain ``sqlite_sequence`` on every insert
    (a third of the cost of a bulk insert here); plain ``INTEGER PRIMARY
    KEY`` is the rowid. The only difference: the id of the highest row may be
    reused after that row is deleted — harmless, since an observation's
    revisions are deleted with it. PostgreSQL is unaffected.
    """

    def db_type_suffix(self, connection):
        if connection.vendor == "sqlite":
            return None
        return super().db_type_suffix(connection)


class Observation(models.Model):
    """One value of one series for one area, period and disaggregation.

    Storage choices for millions of rows on SQLite and PostgreSQL:

    * the disaggregation is one canonical string, ``dimension_key``
      (``"AGE=Y15T24|SEX=F"``, ``""`` for the headline), so the natural key
      is four plain columns under one unique index;
    * that index starts with (series, area): "one series in one country"
      reads a contiguous slice of it, and "everything about one country"
      is ``series IN (…) AND area = …`` — one seek per series of the
      catalogue (hundreds), through the same index. No other index: each
      one slows every bulk insert (an (area, series) index cost 15 %), and
      the foreign keys to batch and source are never searched on a hot path;
    * the optional text columns have database defaults, so the common row
      (no unit override, status or footnote) is inserted with 8 columns;
    * the foreign keys have no database constraint. PostgreSQL checks a
      deferred foreign key with a trigger per row at commit — four per
      observation, which tripled the time of a million-row import — and
      SQLite looks each one up on insert. Integrity is kept by the code
      that writes here: the loader only writes ids it has read or created in
      its own transaction, and deletions go through the ORM, which applies
      CASCADE and PROTECT itself;
    * the unit is stored only when it differs from the series' unit, and the
      source is a small foreign key.
    """

    id = RowIdField(primary_key=True)
    # No database-level foreign keys on this table (db_constraint=False): see the class docstring.
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="observations", db_index=False, db_constraint=False
    )
    area = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    # "2019", "2019-Q3", "2019-07", "2019-07-15", "2015/2016" (formats.periods)
    period = models.CharField(_("period"), max_length=24)
    year = models.SmallIntegerField(_("year"))
    dimension_key = models.CharField(_("disaggregation"), max_length=500, blank=True, default="")
    value = models.FloatField(_("value"), null=True)
    unit = models.CharField(_("unit, when not the series' unit"), max_length=100, blank=True, default="", db_default="")
    unit_mult = models.SmallIntegerField(_("unit multiplier"), null=True)
    obs_status = models.CharField(_("observation status"), max_length=60, blank=True, default="", db_default="")
    nature = models.CharField(_("nature"), max_length=60, blank=True, default="", db_default="")
    footnote = models.TextField(_("footnote"), blank=True, default="", db_default="")
    source = models.ForeignKey(
        DataSource, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False,
        help_text=_("The import that last wrote this value."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "area", "period", "dimension_key"], name="indicators_observation_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.area_id} {self.period} {self.dimension_key} = {self.value}"

    @property
    def dimensions(self) -> dict[str, str]:
        return dict(parse_dimension_key(self.dimension_key))


class ObservationRevision(models.Model):
    """A value an import replaced: the observation's history.

    Written in bulk by the loader (django-simple-history would add a row per
    save and cannot follow bulk updates). Holds the state *before* the
    change; the observation itself holds the state after.
    """

    id = RowIdField(primary_key=True)
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    value = models.FloatField(_("old value"), null=True)
    unit = models.CharField(max_length=100, blank=True, default="")
    unit_mult = models.SmallIntegerField(null=True)
    obs_status = models.CharField(max_length=60, blank=True, default="")
    nature = models.CharField(max_length=60, blank=True, default="")
    footnote = models.TextField(blank=True, default="")
    source = models.ForeignKey(DataSource, null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    old_batch = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        help_text=_("The import that had written the old value."),
    )  # fmt: skip
    replaced_by = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("replaced by import")
    )
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        ordering = ["observation_id", "-replaced_at", "-pk"]
        verbose_name = _("observation revision")
        verbose_name_plural = _("observation revisions")


class Target(models.Model):
    """A goal for a series in an area: reach ``target_value`` by ``target_year``."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="targets", verbose_name=_("series"))
    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    dimension_key = models.CharField(_("disaggregation"), max_length=500, blank=True, default="")
    baseline_year = models.SmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    target_value = models.FloatField(_("target value"))
    target_year = models.SmallIntegerField(_("target year"))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, blank=True)
    horizon = models.CharField(_("horizon"), max_length=3, choices=Horizon.choices, blank=True, default="")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["series__code", "area__name_en", "target_year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "area", "dimension_key", "target_year"], name="indicators_target_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.area} {self.target_value} by {self.target_year}"

    @property
    def effective_direction(self) -> str:
        """The target's own direction, else the indicator's preferred one."""
        if self.direction:
            return self.direction
        indicator = self.series.indicator
        return indicator.direction if indicator else Direction.POSITIVE


class Incident(models.Model):
    """One incident of the IOM Missing Migrants Project, with its place.

    The ``missing-migrants`` reader sums incidents into SDG 10.7.3
    observations; the explorer's incident map needs the incidents themselves
    — coordinates, cause, route — which observations cannot hold. Written by
    ``incidents.import_incidents`` (all or nothing, one row per incident id);
    read by the explorer through the (year, area) and (latitude, longitude)
    indexes.
    """

    incident_id = models.CharField(_("incident id"), max_length=60, unique=True)
    year = models.SmallIntegerField(_("year"))
    date = models.DateField(_("date"), null=True, blank=True)
    # The MMP's own region ("Mediterranean", "US-Mexico Border"): not an M49 area.
    mmp_region = models.CharField(_("Missing Migrants region"), max_length=100, blank=True, default="")
    # The UNSD geographical grouping (an M49 sub-region); empty when uncategorised (mostly at sea).
    area = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    dead = models.IntegerField(_("dead"), null=True, blank=True)
    missing = models.IntegerField(_("missing"), null=True, blank=True)
    total = models.IntegerField(_("dead and missing"))
    cause = models.CharField(_("cause of death"), max_length=300, blank=True, default="")
    route = models.CharField(_("migration route"), max_length=200, blank=True, default="")
    location = models.TextField(_("location"), blank=True, default="")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    source = models.ForeignKey(DataSource, null=True, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["year", "date", "incident_id"]
        verbose_name = _("missing migrants incident")
        verbose_name_plural = _("missing migrants incidents")
        indexes = [
            models.Index(fields=["year", "area"], name="indicators_incident_year_area"),
            models.Index(fields=["latitude", "longitude"], name="indicators_incident_place"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ({self.year}): {self.total}"
