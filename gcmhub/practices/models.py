"""Good practices, the documents they come from, and the candidates the
extractor proposes.

A practice is publishable (``gcmhub.publishing``) with the review step of
the UN Network's repository: ``review_state`` draft → submitted → published,
a rejection returns it to draft with a reason. A document is a report people
upload; its text is kept page by page so that every candidate and every
source points to a page and a span of the extracted text.

Taxonomies (population groups, vulnerability factors) are codes kept as data
(``data/``); situations of vulnerability later come from the protection app.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.publishing import PublishableModel, ReviewedModel, ReviewState  # noqa: F401 (ReviewState: imported from here by services)
from gcmhub.text import long_text_field, validate_text

TITLE_MAX = 300
PASSAGE_MAX = 2000



class Stage(models.TextChoices):
    PRE_DEPARTURE = "pre_departure", _("Before departure")
    TRANSIT = "transit", _("Transit")
    DESTINATION = "destination", _("Destination")
    RETURN = "return", _("Return")
    ALL = "all", _("All stages")


class Practice(ReviewedModel):
    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", _("Global")

    class State(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_text])
    summary = long_text_field(_("summary"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    areas = models.ManyToManyField("geo.Area", related_name="practices", verbose_name=_("countries or areas"))
    organizations = models.ManyToManyField(
        "actors.Organization",
        through="PracticeOrganization",
        related_name="practices",
        verbose_name=_("organisations"),
    )
    objectives = models.ManyToManyField(
        "framework.Objective", through="PracticeObjective", related_name="practices", verbose_name=_("objectives")
    )
    principles = models.ManyToManyField(
        "framework.Principle", blank=True, related_name="practices", verbose_name=_("guiding principles")
    )
    stage = models.CharField(_("migration stage"), max_length=16, choices=Stage.choices, db_index=True)
    # Codes from the population-group taxonomy (data/population_groups.yaml).
    population_groups = models.JSONField(_("population groups"), default=list, blank=True)
    # Codes of the vulnerability factors addressed (the protection app's taxonomy).
    vulnerability_factors = models.JSONField(_("vulnerability factors addressed"), default=list, blank=True)
    period_start = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ONGOING)
    results = long_text_field(_("results"))
    evidence = long_text_field(_("evidence of results"))
    replicability = long_text_field(_("replicability notes"))
    commitments = models.ManyToManyField(
        "commitments.Commitment", blank=True, related_name="practices", verbose_name=_("commitments")
    )
    # Situations of vulnerability addressed (the protection app's taxonomy).
    situations = models.ManyToManyField(
        "protection.Situation", blank=True, related_name="practices", verbose_name=_("situations of vulnerability")
    )

    is_demo = models.BooleanField(_("invented demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def __str__(self) -> str:
        return self.title


class PracticeObjective(models.Model):
    """An objective a practice serves; position 0 is the primary one."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="objective_links")
    objective = models.ForeignKey("framework.Objective", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["practice_id", "position"]
        constraints = [models.UniqueConstraint(fields=["practice", "objective"], name="practice_objective_once")]


class PracticeOrganization(models.Model):
    class Role(models.TextChoices):
        IMPLEMENTING = "implementing", _("Implementing")
        PARTNER = "partner", _("Partner")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="organization_links")
    organization = models.ForeignKey("actors.Organization", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["practice_id", "role", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "organization"], name="practice_organization_once")
        ]


class Document(PublishableModel):
    """An uploaded report. The file is kept outside the web root
    (``GCMHUB_PRIVATE_FILES_DIR``); its text is kept page by page."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        HTML = "html", "HTML"
        TEXT = "text", _("Plain text")

    class Extraction(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Reading")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_text])
    publisher = models.CharField(_("publisher"), max_length=300, blank=True, validators=[validate_text])
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("country or area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "actors.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, editable=False)
    stored_path = models.CharField(max_length=200, editable=False)
    original_name = models.CharField(_("file name"), max_length=255, validators=[validate_text])
    size = models.PositiveBigIntegerField(_("size"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0, editable=False)

    extraction_state = models.CharField(
        _("extraction"), max_length=10, choices=Extraction.choices, default=Extraction.PENDING, editable=False
    )
    extraction_progress = models.PositiveSmallIntegerField(_("extraction progress (%)"), default=0, editable=False)
    extraction_error = models.TextField(_("extraction error"), blank=True, editable=False)

    is_demo = models.BooleanField(_("invented demo record"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class DocumentPage(models.Model):
    """The extracted text of one page. ``offset`` is where the page starts in
    the document's whole text (pages joined by a form feed), which spans use."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("page"))
    offset = models.PositiveIntegerField(default=0)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["document_id", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_page_once")]


class PracticeSource(models.Model):
    """Where a practice is described: a document page with the passage, or a link."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="sources")
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="practice_sources"
    )
    url = models.URLField(_("link"), max_length=1000, blank=True, validators=[validate_text])
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    passage = long_text_field(_("quoted passage"), PASSAGE_MAX)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["practice_id", "id"]


class Candidate(models.Model):
    """A practice the extractor proposes from a document, for a curator to
    accept (it becomes a draft practice), merge into another, or reject."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Rejected")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField(default=0)
    area = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=300, blank=True)
    speaker = models.CharField(max_length=300, blank=True)
    page = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    objectives = models.JSONField(default=list, blank=True)
    # The terms that decided each objective: {"7": ["shelter", ...], ...}.
    objective_terms = models.JSONField(default=dict, blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    confidence = models.FloatField(default=0)
    span_start = models.PositiveIntegerField(default=0)
    span_end = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True)
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document_id", "position"]


class PracticeEmbedding(models.Model):
    """A practice's sentence embedding, for hybrid search with the optional
    ``semantic`` extra (``gcmhub.practices.search.semantic``). Derived data:
    computed after each save by a background task and by
    ``gcmhub practices reindex``; never edited, so no history."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    model = models.CharField(max_length=100)
    # SHA-256 of the text embedded: an unchanged practice is not embedded again.
    text_hash = models.CharField(max_length=64)
    # float32, little-endian, unit length.
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("practice embedding")
