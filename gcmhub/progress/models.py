"""Stored progress assessments and target timelines.

* ``Assessment`` — the result of one method on one series in one area for
  one disaggregation (``dimension_key`` "" = headline), with everything that
  produced it: the yearly values assessed, the base year asked for, the
  target and where it came from, the direction, the limit, the method's
  version and parameters, and a fingerprint of all of that so that a
  recomputation on unchanged inputs writes nothing. Written only by
  ``services.recompute`` (in bulk); nobody edits one by hand, so there is no
  edit history — the inputs on the row *are* its provenance.
* ``TargetTimeline`` — the graduated timeline of an ``indicators.Target``:
  which expected path (straight line or constant growth) and, optionally,
  the start date its horizon counts from; plus the last values seen, so that
  pages can say on track / off track / overdue / achieved for *today*
  without reading observations (``timelines.evaluate``). The choices are
  kept in django-simple-history (who, when, before, after); the refreshed
  values are not.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import timelines
from .methods._common import STATUS_NAMES


class Status(models.TextChoices):
    """The six statuses every method maps to (docs/progress-methods.md)."""

    TARGET_ACHIEVED = "target_achieved", _("Target achieved")
    SUBSTANTIAL = "substantial_progress", _("Substantial progress")
    MODERATE = "moderate_progress", _("Moderate progress")
    LIMITED = "limited_progress", _("Limited progress")
    DETERIORATION = "deterioration", _("Deterioration")
    NOT_AVAILABLE = "not_available", _("Not available")


assert set(Status.values) == set(STATUS_NAMES)


class TargetSource(models.TextChoices):
    NONE = "", _("No target")
    NATIONAL = "national", _("National target")
    NATIONAL_HEADLINE = "national-headline", _("National target for the headline series")
    GLOBAL = "global", _("Global SDG target")


class AssessmentQuerySet(models.QuerySet):
    def headline(self):
        return self.filter(dimension_key="")

    def for_method(self, method: str):
        return self.filter(method=method)

    def assessed(self):
        return self.exclude(status=Status.NOT_AVAILABLE)


class Assessment(models.Model):
    series = models.ForeignKey(
        "indicators.Series", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("series")
    )
    area = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("area"))
    dimension_key = models.CharField(_("disaggregation"), max_length=500, blank=True, default="")
    method = models.CharField(_("method"), max_length=20)

    # --- the result -------------------------------------------------------
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, db_index=True)
    method_status = models.CharField(_("status in the method's own terms"), max_length=40)
    score = models.FloatField(_("score"), null=True)
    progress_value = models.FloatField(_("progress value"), null=True)
    base_year = models.SmallIntegerField(_("base year"), null=True)
    base_value = models.FloatField(_("base value"), null=True)
    current_year = models.SmallIntegerField(_("latest year"), null=True)
    current_value = models.FloatField(_("latest value"), null=True)
    cagr_actual = models.FloatField(_("observed growth rate"), null=True)
    cagr_required = models.FloatField(_("required growth rate"), null=True)
    ratio = models.FloatField(_("ratio of observed to required growth"), null=True)
    projection = models.FloatField(_("projected value at the target year"), null=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True, default="")
    reason_code = models.PositiveSmallIntegerField(default=0)
    # Method-specific numbers: Open SDG's limit coefficient and effective
    # thresholds, ESCAP's current status and elapsed share.
    details = models.JSONField(_("details"), default=dict, blank=True)

    # --- the inputs -------------------------------------------------------
    years = models.JSONField(_("years assessed"), default=list)
    values = models.JSONField(_("values assessed"), default=list)
    requested_base_year = models.SmallIntegerField(_("base year asked for"))
    target_value = models.FloatField(_("target"), null=True)
    target_year = models.SmallIntegerField(_("target year"), null=True)
    target_source = models.CharField(
        _("target source"), max_length=20, choices=TargetSource.choices, blank=True, default=""
    )
    target = models.ForeignKey(
        "indicators.Target", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    direction = models.CharField(_("direction"), max_length=8)
    limit = models.FloatField(_("natural limit"), null=True)
    sources = models.JSONField(_("data sources"), default=list, blank=True)
    last_batch_id = models.BigIntegerField(_("latest import batch"), null=True)
    method_version = models.CharField(_("method version"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict)
    fingerprint = models.CharField(_("fingerprint of the inputs"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["series_id", "area_id", "dimension_key", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "area", "dimension_key", "method"], name="progress_assessment_key"
            )
        ]
        indexes = [models.Index(fields=["area", "method"], name="progress_assessment_area")]

    def __str__(self) -> str:
        key = f" [{self.dimension_key}]" if self.dimension_key else ""
        return f"{self.series_id} {self.area_id}{key} {self.method}: {self.status}"

    @property
    def points(self) -> list[tuple[int, float]]:
        return list(zip(self.years, self.values, strict=False))

    @property
    def has_target(self) -> bool:
        return self.target_value is not None


class Trajectory(models.TextChoices):
    CAGR = timelines.CAGR, _("Constant growth rate (CAGR)")
    LINEAR = timelines.LINEAR, _("Straight line")


class TimelineStatus(models.TextChoices):
    ACHIEVED = timelines.ACHIEVED, _("Achieved")
    ON_TRACK = timelines.ON_TRACK, _("On track")
    OFF_TRACK = timelines.OFF_TRACK, _("Off track")
    OVERDUE = timelines.OVERDUE, _("Overdue")
    NOT_AVAILABLE = timelines.NOT_AVAILABLE, _("Not available")


REFRESHED_FIELDS = (
    "start_year", "start_value", "start_value_observed", "latest_year", "latest_value", "status",
    "evaluated_on", "computed_at",
)  # fmt: skip


class TargetTimeline(models.Model):
    """The timeline of one target (one row per ``indicators.Target``).

    ``trajectory`` and ``start_date`` are choices a focal point makes; the
    rest is refreshed by ``services.recompute`` from the observations.
    """

    target = models.OneToOneField(
        "indicators.Target", on_delete=models.CASCADE, related_name="timeline", verbose_name=_("target")
    )
    trajectory = models.CharField(_("expected path"), max_length=8, choices=Trajectory.choices, default=Trajectory.CAGR)
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_(
            "When the target's horizon (2, 5 or 15 years) starts; empty: from the baseline year to the target year."
        ),
    )
    # --- refreshed by recompute ---------------------------------------------
    start_year = models.SmallIntegerField(_("start year"), null=True)
    start_value = models.FloatField(_("start value"), null=True)
    start_value_observed = models.BooleanField(default=True)
    latest_year = models.SmallIntegerField(_("latest year"), null=True)
    latest_value = models.FloatField(_("latest value"), null=True)
    status = models.CharField(_("status"), max_length=16, choices=TimelineStatus.choices, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    # What people choose is in the history; what recompute refreshes (in
    # bulk, which writes no history row) is derived from the observations.
    history = HistoricalRecords(excluded_fields=list(REFRESHED_FIELDS))

    class Meta:
        verbose_name = _("target timeline")
        verbose_name_plural = _("target timelines")

    def __str__(self) -> str:
        return f"timeline of target {self.target_id} ({self.status or 'not evaluated'})"

    def build(self) -> timelines.Timeline | None:
        """The pure ``Timeline`` of this target, or None when it cannot be drawn
        (no start value, or a start that is not before the end)."""
        target = self.target
        if self.start_value is None:
            return None
        direction = target.effective_direction
        try:
            if self.start_date and target.horizon:
                return timelines.for_horizon(
                    self.start_date, target.horizon, self.start_value, target.target_value,
                    direction=direction, trajectory=self.trajectory,
                )  # fmt: skip
            if self.start_date:
                return timelines.Timeline(
                    start=self.start_date,
                    end=timelines.year_point(target.target_year),
                    due=date(target.target_year, 12, 31),
                    start_value=self.start_value,
                    target_value=target.target_value,
                    direction=direction,
                    trajectory=self.trajectory,
                )
            if self.start_year is None:
                return None
            return timelines.for_years(
                self.start_year, target.target_year, self.start_value, target.target_value,
                direction=direction, trajectory=self.trajectory,
            )  # fmt: skip
        except ValueError:
            return None

    def evaluate(self, today: date | None = None) -> timelines.TimelineResult:
        """The status on ``today`` (default: today), from the stored values."""
        today = today or timezone.localdate()
        latest_date = timelines.year_point(self.latest_year) if self.latest_year is not None else None
        timeline = self.build()
        if timeline is not None:
            return timelines.evaluate(timeline, self.latest_value, latest_date, today)
        # No path to compare with; a met target is still met.
        target = self.target
        sign = 1 if target.effective_direction == "positive" else -1
        if self.latest_value is not None and sign * (self.latest_value - target.target_value) >= 0:
            return timelines.TimelineResult(timelines.ACHIEVED, today, None, None, None, self.trajectory)
        reason = timelines.R_NO_DATA if self.latest_value is None else timelines.R_NO_START
        return timelines.TimelineResult(timelines.NOT_AVAILABLE, today, None, None, None, self.trajectory, reason)
