"""Organisations, users and their roles, and the API tokens users act with."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.concurrency import VersionedModel
from gcmhub.geo.models import Area
from gcmhub.publishing import PublishableModel
from gcmhub.text import LONG_TEXT_MAX, validate_text


class Organization(PublishableModel):
    """An actor in the whole-of-government, whole-of-society approach.

    Publishable (``gcmhub.publishing``): a reviewer publishes it, and later
    edits by its focal point wait for review."""

    class Kind(models.TextChoices):
        # The slugs are stable identifiers used in URLs, the API and imports:
        # relabel freely, never rename a slug.
        GOVERNMENT = "ministry-agency", _("Ministry or government agency")
        LOCAL_GOVERNMENT = "local-government", _("Local government")
        PARLIAMENT = "parliament", _("Parliament")
        CIVIL_SOCIETY = "civil-society", _("Civil society organisation")
        MIGRANT_DIASPORA = "migrant-diaspora", _("Migrant or diaspora organisation")
        PRIVATE_SECTOR = "private-sector", _("Private sector")
        TRADE_UNION = "trade-union", _("Trade union")
        ACADEMIA = "academia", _("Academia")
        INTERNATIONAL = "international-organization", _("International organisation")

    name = models.CharField(_("name"), max_length=300, validators=[validate_text])
    acronym = models.CharField(_("acronym"), max_length=30, blank=True, validators=[validate_text])
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices, db_index=True)
    # Null for actors without a home country, such as international organisations;
    # only administrators manage those.
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("country or area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_text])
    # Bounded: history keeps a copy of every version.
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX), validate_text]
    )
    # Invented records (demo data) must be labelled as such wherever they appear.
    is_demo = models.BooleanField(_("invented demo record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class User(AbstractUser, VersionedModel):
    """An account. ``version`` detects concurrent edits of the account
    (``gcmhub.concurrency.save_if_unchanged``); accounts are deactivated,
    never deleted, so their history stays."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        FOCAL_POINT = "focal-point", _("National focal point")
        CONTRIBUTOR = "contributor", _("Contributor")
        STAKEHOLDER = "stakeholder", _("Stakeholder")
        REVIEWER = "reviewer", _("Reviewer")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    # AbstractUser's names, with the text rules every typed text follows.
    first_name = models.CharField(_("first name"), max_length=150, blank=True, validators=[validate_text])
    last_name = models.CharField(_("last name"), max_length=150, blank=True, validators=[validate_text])
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("country or area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    # The password hash never enters history; last_login would only add noise.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    def clean(self) -> None:
        super().clean()
        check_role_scope(self.role, self.area, self.organization)

    @property
    def scope_area(self):
        """The area whose records this user's role is about, or None."""
        if self.role == self.Role.FOCAL_POINT:
            return self.area
        if self.organization_id:
            return self.organization.area
        return None


# Which scope each role needs: "area" (a country), "organization", or nothing.
ROLE_SCOPE = {
    User.Role.ADMIN: None,
    User.Role.FOCAL_POINT: "area",
    User.Role.CONTRIBUTOR: "organization",
    User.Role.STAKEHOLDER: "organization",
    User.Role.REVIEWER: None,
    "": None,
}


def check_role_scope(role: str, area, organization) -> None:
    """Raise ValidationError unless the role has exactly the scope it needs.

    One scope per role keeps every permission unambiguous: a focal point acts
    for one country, a contributor or stakeholder for one organisation (whose
    area comes from the organisation), administrators and reviewers for all.
    """
    if role not in ROLE_SCOPE:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    needed = ROLE_SCOPE[role]
    errors = {}
    if needed == "area":
        if area is None:
            errors["area"] = _("A national focal point needs a country.")
        elif area.kind != Area.Kind.COUNTRY:
            errors["area"] = _("A national focal point’s area must be a country.")
    elif area is not None:
        errors["area"] = _("Only national focal points are scoped to a country.")
    if needed == "organization" and organization is None:
        errors["organization"] = _("Contributors and stakeholders need an organisation.")
    elif needed != "organization" and organization is not None:
        errors["organization"] = _("Only contributors and stakeholders belong to an organisation.")
    if errors:
        raise ValidationError(errors)


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash of the key is stored: the key
    is shown once, when it is issued, and cannot be recovered afterwards."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, so its owner can tell tokens apart.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
