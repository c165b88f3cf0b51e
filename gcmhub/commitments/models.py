"""Commitments and pledges, their follow-up and the links coordination makes.

A commitment is what an organisation undertakes for the Compact in an area:
a national action, a pledge (alone, jointly or matching another), a request
for support, or a red line (what must never be done). It is publishable
(``gcmhub.publishing``): drafts are private to their scope, a reviewer
publishes. On top of that it has an explicit review step
(``review_state``: draft → submitted → published, a rejection sends it back
to draft with a reason).

Follow-up lives in ``CommitmentUpdate`` (self-reported status and completion,
with evidence), verified by a reviewer on a separate axis so that what the
owner says and what was checked are never merged. Money lives in
``CommitmentAmount``, one row per amount with its own currency: amounts of
different currencies are never added.

The rules that read these records (flags, the verifiability checklist,
permissions) live in ``flags.py``/``services.py``/``rules.py``, one place each.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.concurrency import VersionedModel
from gcmhub.protection.taxonomy import validate_stages
from gcmhub.publishing import ReviewedModel, ReviewState
from gcmhub.text import long_text_field, validate_text
from gcmhub.records import AuthoredModel

# The GCM pledging initiative bounds a pledge's text at 3,000 characters; we
# use the same bound for every kind so that texts move between kinds freely.
DESCRIPTION_MAX = 3000
TITLE_MAX = 300

iso4217 = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code, such as USD or EUR."))


def years_after(day, years: int):
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)



class Commitment(ReviewedModel, AuthoredModel):
    class Kind(models.TextChoices):
        NATIONAL_ACTION = "national_action", _("National action")
        PLEDGE = "pledge", _("Pledge")
        JOINT_PLEDGE = "joint_pledge", _("Joint pledge")
        MATCHING_PLEDGE = "matching_pledge", _("Matching pledge")
        REQUEST = "request", _("Request for support")
        RED_LINE = "red_line", _("Red line")

    ReviewState = ReviewState

    class DescriptionFormat(models.TextChoices):
        PLAIN = "plain", _("Plain text")
        MARKDOWN = "markdown", _("Markdown")

    class Horizon(models.IntegerChoices):
        SHORT = 2, _("2 years")
        MEDIUM = 5, _("5 years")
        LONG = 15, _("15 years")

    class FormOfSupport(models.TextChoices):
        FINANCIAL = "financial", _("Financial")
        TECHNICAL = "technical", _("Technical")
        POLICY = "policy", _("Policy")
        HUMAN_RESOURCES = "human_resources", _("Human resources")
        IN_KIND = "in_kind", _("In kind")

    class FundingState(models.TextChoices):
        FUNDED = "funded", _("Funded")
        PARTLY_FUNDED = "partly_funded", _("Partly funded")
        UNFUNDED = "unfunded", _("Unfunded")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DELAYED = "delayed", _("Delayed")
        DISCONTINUED = "discontinued", _("Discontinued")

    class Completion(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        LIMITED = "limited", _("Limited")
        SUBSTANTIAL = "substantial", _("Substantial")
        COMPLETE = "complete", _("Complete")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_text])
    description = long_text_field(_("description"), DESCRIPTION_MAX)
    description_format = models.CharField(
        _("description format"), max_length=10, choices=DescriptionFormat.choices, default=DescriptionFormat.PLAIN
    )
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("country or area"), on_delete=models.PROTECT, related_name="commitments"
    )
    owner = models.ForeignKey(
        "actors.Organization", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_commitments"
    )
    # A matching pledge matches another pledge (or a request); set only for that kind.
    matches = models.ForeignKey(
        "self",
        verbose_name=_("matches"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matched_by",
    )
    objectives = models.ManyToManyField(
        "framework.Objective", through="CommitmentObjective", related_name="commitments", verbose_name=_("objectives")
    )
    actions = models.ManyToManyField(
        "framework.Action", blank=True, related_name="commitments", verbose_name=_("actions")
    )
    principles = models.ManyToManyField(
        "framework.Principle", blank=True, related_name="commitments", verbose_name=_("guiding principles")
    )
    # Situations of vulnerability addressed and the migration stages concerned
    # (the protection app's taxonomy; stage codes pre_departure|transit|destination|return).
    situations = models.ManyToManyField(
        "protection.Situation", blank=True, related_name="commitments", verbose_name=_("situations of vulnerability")
    )
    stages = models.JSONField(_("migration stages"), default=list, blank=True, validators=[validate_stages])

    # The commitment's own metric, where no indicator series fits.
    metric = models.CharField(_("metric"), max_length=300, blank=True, validators=[validate_text])
    metric_unit = models.CharField(_("unit of the metric"), max_length=100, blank=True, validators=[validate_text])
    metric_baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True, blank=True)
    metric_target = models.DecimalField(_("target"), max_digits=20, decimal_places=4, null=True, blank=True)
    metric_target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)

    # Timeline: a due date, or a horizon counted from the start date.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon"), choices=Horizon.choices, null=True, blank=True
    )

    form_of_support = models.CharField(
        _("form of support"), max_length=20, choices=FormOfSupport.choices, blank=True
    )
    funding_state = models.CharField(_("funding"), max_length=20, choices=FundingState.choices, blank=True)
    iati_identifier = models.CharField(
        _("IATI activity identifier"), max_length=150, blank=True, validators=[validate_text]
    )

    # Self-reported state, as of the latest update (or as entered).
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    completion = models.CharField(
        _("completion"), max_length=20, choices=Completion.choices, default=Completion.NOT_STARTED
    )

    # Set when a reviewer publishes a commitment that fails the verifiability
    # checklist: the reason is shown publicly beside the checklist.
    verifiability_exception = long_text_field(_("why it was published although not verifiable"))
    # The deadline: the due date, or the start (else creation) date plus the
    # horizon; kept by save() so that lists filter on "overdue" in the database.
    due_by = models.DateField(_("deadline"), null=True, blank=True, editable=False, db_index=True)
    # The relations (objectives, actions, principles, partners, indicators,
    # amounts) in words, written with them, so the record's own history shows
    # their changes too. Organisations by id: a name could reveal an
    # organisation the history's reader may not see.
    # Editable (a content field for gcmhub.publishing), so a held edit holds
    # it with the relations; services write it, forms never offer it.
    relations_summary = models.TextField(_("objectives, partners and other links"), blank=True)
    # When the owner or a partner last reported on it (creation counts), for the stale/inactive flags.
    last_reported_at = models.DateTimeField(_("last reported"), null=True, blank=True, editable=False)

    # is_demo, created_by, created_at, updated_at: gcmhub.records.AuthoredModel

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["area", "review_state"], name="commitment_area_state")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.due_by = self.deadline()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"due_date", "start_date", "horizon_years"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "due_by"}
        super().save(*args, **kwargs)

    def deadline(self):
        """The due date, else the start (or creation) date plus the horizon, else None."""
        if self.due_date:
            return self.due_date
        if not self.horizon_years:
            return None
        start = self.start_date or timezone.localdate(self.created_at if self.created_at else None)
        return years_after(start, self.horizon_years)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.kind == self.Kind.MATCHING_PLEDGE and self.matches_id is None:
            errors["matches"] = _("A matching pledge names the pledge or request it matches.")
        if self.kind != self.Kind.MATCHING_PLEDGE and self.matches_id is not None:
            errors["matches"] = _("Only a matching pledge matches another commitment.")
        if self.matches_id is not None and self.pk is not None and self.matches_id == self.pk:
            errors["matches"] = _("A commitment cannot match itself.")
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date is before the start date.")
        if errors:
            raise ValidationError(errors)


class CommitmentObjective(models.Model):
    """An objective a commitment serves; position 0 is the primary one."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="objective_links")
    objective = models.ForeignKey("framework.Objective", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "objective"], name="commitment_objective_once")
        ]


class CommitmentPartner(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORT = "support", _("Support")
        FUNDER = "funder", _("Funder")
        CONSULTED = "consulted", _("Consulted")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        "actors.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_id", "role", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "organization"], name="commitment_partner_once")
        ]


class CommitmentIndicator(models.Model):
    """An indicator series the commitment should move, with its own baseline and target."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="indicator_links")
    series = models.ForeignKey(
        "indicators.Series", verbose_name=_("series"), on_delete=models.PROTECT, related_name="commitment_links"
    )
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.FloatField(_("target"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_id", "series_id"]
        constraints = [models.UniqueConstraint(fields=["commitment", "series"], name="commitment_series_once")]


class CommitmentAmount(models.Model):
    """One amount of money, in its own currency. Never summed across currencies."""

    class Stage(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        COMMITTED = "committed", _("Committed")
        DISBURSED = "disbursed", _("Disbursed")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="amounts")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[iso4217])
    date = models.DateField(_("date"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_id", "stage", "date", "id"]


class CommitmentUpdate(VersionedModel):
    """A follow-up report: what the owner or a partner says, and separately
    what a reviewer verified."""

    class Verification(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        PARTLY_VERIFIED = "partly_verified", _("Partly verified")
        NOT_VERIFIED = "not_verified", _("Not verified")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Commitment.Status.choices)
    completion = models.CharField(_("completion"), max_length=20, choices=Commitment.Completion.choices)
    narrative = long_text_field(_("narrative"))
    # The value of the commitment's own metric at this date, if it has one.
    metric_value = models.DecimalField(_("value of the metric"), max_digits=20, decimal_places=4, null=True, blank=True)
    # The organisation reporting (the owner or a partner) and the person.
    organization = models.ForeignKey(
        "actors.Organization", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The public reads an update only once a reviewer published it.
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, blank=True, db_index=True
    )
    verification_note = long_text_field(_("verification note"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)

    is_demo = models.BooleanField(_("invented demo record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_id", "-reported_on", "-id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")


class Evidence(models.Model):
    """A link or an uploaded file supporting an update. Files are stored
    outside the web root (under ``GCMHUB_PRIVATE_FILES_DIR``) and served only to those
    who may read the commitment."""

    update = models.ForeignKey(CommitmentUpdate, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=300, blank=True, validators=[validate_text])
    url = models.URLField(_("link"), max_length=1000, blank=True, validators=[validate_text])
    # Relative to GCMHUB_PRIVATE_FILES_DIR; named by content hash, never by the uploaded name.
    stored_path = models.CharField(max_length=200, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255, blank=True, validators=[validate_text])
    content_type = models.CharField(_("file type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["update_id", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(url="") & models.Q(stored_path="")), name="evidence_link_or_file"
            )
        ]

    @property
    def is_file(self) -> bool:
        return bool(self.stored_path)


class SupportMatch(VersionedModel):
    """A request for support and an offer (a pledge) that fit each other.

    Proposed by the matcher (``coordination.py``) or by a person; it links
    the two only once both sides confirmed it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="offer_matches")
    offer = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="request_matches")
    reason = models.CharField(_("why they fit"), max_length=500, blank=True, validators=[validate_text])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    request_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    request_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    offer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    offer_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "offer"], name="support_match_once")]


class OverlapDecision(models.Model):
    """A coordinator's decision on a likely duplicate pair, so the pair is not
    proposed again: ``linked`` (they are related, shown together) or
    ``distinct`` (not a duplicate). The pair is stored low id first."""

    class Decision(models.TextChoices):
        LINKED = "linked", _("Linked as related")
        DISTINCT = "distinct", _("Not a duplicate")

    first = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = long_text_field(_("note"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="overlap_decision_once"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="overlap_pair_ordered"),
        ]
