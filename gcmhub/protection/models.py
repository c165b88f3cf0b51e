"""Protection: situations of vulnerability, the service directory and referral pathways.

No personal data of migrants is stored anywhere in this app. The directory
describes services (who offers what, where, for whom, how to refer), never
cases; free-text fields carry guidance not to enter case details.

* ``Situation``: one row per situation of vulnerability of the taxonomy
  (``data/vulnerability.yaml``), kept in step by ``sync_situations``; titles,
  factors, stages and objectives are read from the taxonomy.
* ``Service``: a protection service offered by a provider organisation in a
  country, publishable (``gcmhub.publishing``: a reviewer publishes, edits to
  a published service by others are held) and versioned.
* ``ServiceLocation``: where the service is delivered (address, administrative
  area within the country, coordinates).
* ``ReferralPathway`` / ``ReferralStep``: for a situation in a country, the
  ordered steps (first contact, specialised service, follow-up) with the
  services at each step.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.concurrency import VersionedModel
from gcmhub.publishing import PublishableModel
from gcmhub.text import long_text_field, validate_text
from gcmhub.records import AuthoredModel

from .taxonomy import load_taxonomy, service_type_choices, validate_stages

NO_CASE_DETAILS = _(
    "Describe the service, not people: never enter names, case details or anything that could identify a migrant."
)
NAME_MAX = 300
DESCRIPTION_MAX = 3000
SHORT_TEXT_MAX = 1000

def _text_field(verbose_name, limit: int, help_text=""):
    """``gcmhub.text.long_text_field`` with guidance shown next to it."""
    field = long_text_field(verbose_name, limit)
    field.help_text = help_text
    return field


# The period after which a service not verified again is stale.
STALE_AFTER_MONTHS = 6

phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-/]{3,40}$", _("Use digits, spaces and + ( ) - / . only, for example +254 20 123 4567.")
)


class Situation(models.Model):
    """A situation of vulnerability of the taxonomy (by code)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # False for a code the taxonomy no longer lists (kept: records point at it).
    is_current = models.BooleanField(_("in the current taxonomy"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("situation of vulnerability")
        verbose_name_plural = _("situations of vulnerability")

    def __str__(self) -> str:
        return self.title()

    @property
    def definition(self):
        try:
            return load_taxonomy().situation(self.code)
        except KeyError:
            return None

    def title(self, language: str | None = None) -> str:
        definition = self.definition
        return definition.title(language) if definition else self.code

    def description(self, language: str | None = None) -> str:
        definition = self.definition
        return definition.description(language) if definition else ""


class ServiceState(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class ReferralMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("Walk-in")
    FORM = "form", _("Referral form")


class Service(PublishableModel, AuthoredModel):
    State = ServiceState

    provider = models.ForeignKey(
        "actors.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("country"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[validate_text])
    description = _text_field(_("description"), DESCRIPTION_MAX, help_text=NO_CASE_DETAILS)
    service_type = models.CharField(
        _("type of service"), max_length=64, choices=service_type_choices, db_index=True
    )
    situations = models.ManyToManyField(
        Situation, blank=True, related_name="services", verbose_name=_("situations served")
    )
    # Migration stages served (taxonomy.STAGES); empty: every stage where its situations arise.
    stages = models.JSONField(
        _("migration stages served"), default=list, blank=True, validators=[validate_stages],
        help_text=_("Leave empty if the service serves people at every stage where its situations arise."),
    )  # fmt: skip
    # Population group codes (gcmhub.practices.taxonomy.POPULATION_GROUPS).
    groups = models.JSONField(_("groups served"), default=list, blank=True)
    eligibility = _text_field(
        _("eligibility"),
        SHORT_TEXT_MAX,
        help_text=_("Who may use the service, in general terms. Do not describe individual cases."),
    )
    cost = models.CharField(
        _("cost"), max_length=500, blank=True, validators=[validate_text], help_text=_("For example: free of charge.")
    )
    # ISO 639-1 codes of the languages the service is offered in.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    accessibility = _text_field(
        _("accessibility"), SHORT_TEXT_MAX, help_text=_("Physical access, sign language, easy-read material, …")
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=500,
        blank=True,
        validators=[validate_text],
        help_text=_("For example: Monday to Friday 8:00-17:00; hotline 24 hours."),
    )
    # How to refer someone: codes of ReferralMethod.
    referral_methods = models.JSONField(_("how to refer"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    url = models.URLField(_("web site"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ServiceState.choices, default=ServiceState.ACTIVE, db_index=True
    )
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True, editable=False, db_index=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last verified by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When its editors were last reminded that it is stale (reminders.py), shown to them.
    stale_reminded_on = models.DateField(_("stale reminder sent on"), null=True, blank=True, editable=False)
    # Situations in words, written with them, so the record's history shows their changes.
    relations_summary = models.TextField(_("situations served (summary)"), blank=True)
    # The HSDS id the record was imported with (or exported under), to keep ids stable across exchanges.
    hsds_id = models.CharField(_("HSDS identifier"), max_length=100, blank=True, db_index=True)

    # is_demo, created_by, created_at, updated_at: gcmhub.records.AuthoredModel

    history = HistoricalRecords(excluded_fields=["updated_at", "stale_reminded_on"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["area", "state", "is_published"], name="service_area_state")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse("protection:service", args=[self.pk])
        except NoReverseMatch:
            return f"/api/v1/services/{self.pk}"

    def service_type_label(self, language: str | None = None) -> str:
        try:
            return load_taxonomy().service_type(self.service_type).title(language)
        except KeyError:
            return self.service_type


class ServiceLocation(models.Model):
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, blank=True, validators=[validate_text])
    address = models.CharField(_("address"), max_length=500, blank=True, validators=[validate_text])
    # The administrative area within the country (province, district, …), as written locally.
    admin_area = models.CharField(_("administrative area"), max_length=200, blank=True, validators=[validate_text])
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    hsds_id = models.CharField(_("HSDS identifier"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "id"]
        verbose_name = _("service location")
        verbose_name_plural = _("service locations")

    def __str__(self) -> str:
        return self.name or self.address or str(self.service)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ReferralPathway(VersionedModel):
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("country"), on_delete=models.PROTECT, related_name="referral_pathways"
    )
    situation = models.ForeignKey(
        Situation, verbose_name=_("situation"), on_delete=models.PROTECT, related_name="referral_pathways"
    )
    title = models.CharField(_("title"), max_length=NAME_MAX, validators=[validate_text])
    notes = _text_field(_("notes for frontline workers"), SHORT_TEXT_MAX, help_text=NO_CASE_DETAILS)
    is_demo = models.BooleanField(_("invented demo record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["area", "situation", "title", "id"]
        verbose_name = _("referral pathway")
        verbose_name_plural = _("referral pathways")

    def __str__(self) -> str:
        return self.title


class StepKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    SPECIALISED = "specialised", _("Specialised service")
    FOLLOW_UP = "follow_up", _("Follow-up")


class ReferralStep(models.Model):
    Kind = StepKind

    pathway = models.ForeignKey(
        ReferralPathway, verbose_name=_("pathway"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind of step"), max_length=16, choices=StepKind.choices)
    description = _text_field(_("what to do"), SHORT_TEXT_MAX, help_text=NO_CASE_DETAILS)
    services = models.ManyToManyField(Service, blank=True, related_name="referral_steps", verbose_name=_("services"))

    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["pathway", "order", "id"]
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        constraints = [models.UniqueConstraint(fields=["pathway", "order"], name="protection_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"


class ServiceImport(models.Model):
    """An HSDS file uploaded from the web or the API, imported in the
    background (``imports.py``) by the CLI's importer, all or nothing. The
    report keeps counts, warnings and the located problems
    (``file:record 2: email: reason``) — never the file's content."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        VALIDATED = "validated", _("Validated (dry run)")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        JSON = "hsds-json", _("HSDS JSON")
        CSV = "hsds-csv", _("HSDS tabular package (zip of CSV files)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="service_imports",
    )  # fmt: skip
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)  # noqa: A003
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    stored_file = models.CharField(_("stored upload"), max_length=500, blank=True)
    # What was asked: dry_run, draft, default_type.
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    # The task worker running it ("host:pid"), so one that died is recognised.
    worker = models.CharField(_("worker"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    services_read = models.PositiveIntegerField(_("services read"), default=0)
    created_count = models.PositiveIntegerField(_("services created"), default=0)
    updated_count = models.PositiveIntegerField(_("services updated"), default=0)
    held_count = models.PositiveIntegerField(_("changes held for review"), default=0)
    organizations_created = models.PositiveIntegerField(_("organisations created"), default=0)
    # Located lines "file:where: field: reason".
    problems = models.JSONField(_("problems"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service import")
        verbose_name_plural = _("service imports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.format} {self.file_name} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.VALIDATED, self.State.FAILED)


class ServiceReminder(models.Model):
    """One stale-service reminder sent to one person about one service
    (``reminders.py``): nobody is reminded of the same service twice within
    the reminder interval, and the service page shows its editors who was
    reminded when. Usernames only: these are staff of providers and focal
    points, never migrants."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="stale_reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept if the account is deleted: the log still says who was reminded.
    recipient_username = models.CharField(_("recipient's username"), max_length=150)
    sent_on = models.DateField(_("sent on"), db_index=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("stale-service reminder")
        verbose_name_plural = _("stale-service reminders")
        indexes = [models.Index(fields=["recipient", "sent_on"], name="service_reminder_recipient")]

    def __str__(self) -> str:
        return f"{self.service} → {self.recipient_username} ({self.sent_on})"
