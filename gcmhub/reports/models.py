"""What the reports app stores: narratives, generation runs and published snapshots.

* ``ReportNarrative`` — the editable text of one section of one report
  (review × kind × section key × language). The pre-filled blocks of the
  section stay computed from the data; only this text is written by people.
* ``ReportRun`` — one request to produce a report file (or to publish a
  snapshot), run by a background task that reports its progress.
* ``ReportSnapshot`` — a published report, frozen: the document tree and the
  raw figures it was built from, the rendered files with their SHA-256, a
  content hash and a permanent URL. A snapshot is never changed after it is
  written (``save`` refuses), so later data changes cannot alter it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.concurrency import VersionedModel
from gcmhub.text import long_text_field

NARRATIVE_MAX = 20000


class Kind(models.TextChoices):
    VGR = "vgr", _("Voluntary GCM Review")
    REGIONAL = "regional", _("Regional review submission")
    VNR = "vnr", _("Migration chapter for a Voluntary National Review")
    SDG_1072 = "10.7.2", _("SDG 10.7.2 answers")


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    HTML = "html", "HTML"


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"
    ES = "es", "Español"


class ReportNarrative(VersionedModel):
    review = models.ForeignKey(
        "reviews.Review", verbose_name=_("review"), on_delete=models.CASCADE, related_name="report_narratives"
    )
    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    section_key = models.CharField(_("section"), max_length=60)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = long_text_field(_("narrative"), NARRATIVE_MAX)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["review", "kind", "language", "section_key"]
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "section_key", "language"], name="reports_one_narrative_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.kind}/{self.language}/{self.section_key}"


class ReportRun(models.Model):
    class Purpose(models.TextChoices):
        GENERATE = "generate", _("Generate a file")
        PUBLISH = "publish", _("Publish a snapshot")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(
        "reviews.Review", verbose_name=_("review"), on_delete=models.CASCADE, related_name="report_runs"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.GENERATE)
    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default="en")
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # Relative to GCMHUB_PRIVATE_FILES_DIR.
    file_path = models.CharField(max_length=300, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    snapshot = models.ForeignKey(
        "ReportSnapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"run {self.pk}: {self.kind} {self.format} {self.language} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def filename(self) -> str:
        area = self.review.area
        code = (area.iso3 or area.m49).lower()
        return f"gcm-{self.kind.replace('.', '')}-{code}-review{self.review_id}-{self.language}.{self.format}"


class SnapshotChanged(Exception):
    """Raised when code tries to change a published snapshot."""


class ReportSnapshot(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(
        "reviews.Review", verbose_name=_("review"), on_delete=models.PROTECT, related_name="report_snapshots"
    )
    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # 1, 2, … per review, kind and language.
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    document = models.JSONField(_("document"))
    data = models.JSONField(_("data used"), default=dict)
    # SHA-256 of the canonical JSON of ``document`` (the content, whatever the format).
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True)
    # {"pdf": {"path": ..., "sha256": ..., "size": ...}, "docx": ..., "html": ...}
    files = models.JSONField(_("files"), default=dict)
    is_demo = models.BooleanField(_("contains invented demo data"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(fields=["review", "kind", "language", "number"], name="reports_snapshot_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (#{self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise SnapshotChanged("A published report snapshot cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SnapshotChanged("A published report snapshot cannot be deleted.")

    def get_absolute_url(self) -> str:
        return reverse("reports:snapshot", args=[self.uid])
