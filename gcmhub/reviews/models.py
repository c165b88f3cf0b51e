"""Reviews of the Compact's implementation and the answers they collect.

A ``Review`` is one review cycle: a country's voluntary national review, a
regional review, or a submission to the International Migration Review Forum
(IMRF). It has a timeline (``ReviewMilestone``) and the stakeholders that were
consulted (``Consultation``).

Answers to an instrument (``gcmhub/reviews/instruments/*.yaml``) are kept in
``AnswerSet``s: the review's *official* self-assessment (one per instrument)
and the *scorecards* stakeholder organisations fill in independently. Each
question's answer is an ``Answer`` (versioned, so two people editing it at
once never overwrite each other; with history, so every change is kept),
with its comments (``AnswerComment``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.concurrency import VersionedModel
from gcmhub.records import AuthoredModel
from gcmhub.text import long_text_field, validate_text

TITLE_MAX = 300
COMMENT_MAX = 4000
# Evidence links per answer: enough for any honest answer, bounded for the form and history.
EVIDENCE_MAX = 50


class Review(VersionedModel, AuthoredModel):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National review")
        REGIONAL = "regional", _("Regional review")
        IMRF = "imrf", _("International Migration Review Forum submission")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        CONSULTING = "consulting", _("Consulting")
        DRAFTING = "drafting", _("Drafting")
        VALIDATING = "validating", _("Validating")
        PUBLISHED = "published", _("Published")

    area = models.ForeignKey(
        "geo.Area", verbose_name=_("country or region"), on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_text])
    forum = models.CharField(
        _("forum"), max_length=100, blank=True, validators=[validate_text], help_text=_("For example “IMRF 2026”.")
    )
    period_start = models.DateField(_("period covered from"), null=True, blank=True)
    period_end = models.DateField(_("period covered until"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PREPARING, db_index=True
    )
    coordinating_organization = models.ForeignKey(
        "actors.Organization",
        verbose_name=_("coordinating organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_reviews",
    )
    # The public comment window on the published self-assessment.
    comments_open_from = models.DateField(_("comments open from"), null=True, blank=True)
    comments_open_until = models.DateField(_("comments open until"), null=True, blank=True)
    # is_demo, created_by, created_at, updated_at: gcmhub.records.AuthoredModel

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["area", "status"], name="review_area_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.comments_open_from and self.comments_open_until and self.comments_open_until < self.comments_open_from:
            errors["comments_open_until"] = _("The comment window cannot close before it opens.")
        if errors:
            raise ValidationError(errors)


class ReviewMilestone(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("step"), max_length=200, validators=[validate_text])
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def is_late(self, today) -> bool:
        """Not done and past due, or done after it was due."""
        if self.done_on is None:
            return self.due < today
        return self.done_on > self.due


class Consultation(models.Model):
    class Form(models.TextChoices):
        MEETING = "meeting", _("Meeting or workshop")
        WRITTEN = "written", _("Written submission")
        SURVEY = "survey", _("Survey")
        ONLINE = "online", _("Online consultation")
        HEARING = "hearing", _("Public hearing")
        OTHER = "other", _("Other")

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="consultations"
    )
    organization = models.ForeignKey(
        "actors.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="consultations"
    )
    date = models.DateField(_("date"))
    form = models.CharField(_("form of consultation"), max_length=12, choices=Form.choices)
    notes = long_text_field(_("notes"), 2000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.organization} ({self.date})"


class AnswerSet(VersionedModel):
    """The answers to one instrument: the review's official self-assessment
    (``kind=official``, one per instrument) or a stakeholder's scorecard."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official self-assessment")
        SCORECARD = "scorecard", _("Stakeholder scorecard")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        VALIDATED = "validated", _("Validated")
        PUBLISHED = "published", _("Published")

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="answer_sets")
    instrument_code = models.CharField(_("instrument"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OFFICIAL, db_index=True)
    # The stakeholder for a scorecard; the coordinating organisation (or none) for the official set.
    organization = models.ForeignKey(
        "actors.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answer_sets",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    # Whether the authors let the other side (official / scorecards) read it before publication.
    share_before_publication = models.BooleanField(_("share before publication"), default=False)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["review", "kind", "id"]
        verbose_name = _("set of answers")
        verbose_name_plural = _("sets of answers")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "instrument_code"],
                condition=Q(kind="official"),
                name="reviews_one_official_set_per_instrument",
            ),
            models.UniqueConstraint(
                fields=["review", "instrument_code", "organization"],
                condition=Q(kind="scorecard"),
                name="reviews_one_scorecard_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.instrument_code} · {self.get_kind_display()}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Answer(VersionedModel):
    answer_set = models.ForeignKey(
        AnswerSet, verbose_name=_("set of answers"), on_delete=models.CASCADE, related_name="answers"
    )
    question_key = models.CharField(_("question"), max_length=40)
    rating = models.CharField(_("rating"), max_length=40, blank=True)
    # For numeric instruments.
    score = models.DecimalField(
        _("score"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100000), MaxValueValidator(100000)],
    )
    priorities = long_text_field(_("priorities"), 4000)
    challenges = long_text_field(_("challenges"), 4000)
    narrative = long_text_field(_("narrative"), 8000)
    # A scorecard's reasons for its rating.
    justification = long_text_field(_("justification"), 4000)
    # [{"type": "commitment"|"assessment"|"practice", "id": int}, ...]
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_answers",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["answer_set", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["answer_set", "question_key"], name="reviews_one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.answer_set_id}:{self.question_key}"


class AnswerComment(models.Model):
    answer = models.ForeignKey(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"), validators=[MaxLengthValidator(COMMENT_MAX), validate_text])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


# Public comments on a published self-assessment (issue 11, "independent scorecards"), in their own module.
from gcmhub.reviews.comment_models import ReviewComment  # noqa: E402,F401
