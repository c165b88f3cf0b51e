"""Web forms. They only collect and shape input: the services decide.

Plain forms rather than ModelForms, because a ModelForm writes the input
into the instance while validating, and the services must be the only code
that changes a record.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.actors import services
from gcmhub.actors.models import Organization, User
from gcmhub.actors.rules import is_admin, is_focal_point
from gcmhub.errors import GcmHubError
from gcmhub.geo.models import Area
from gcmhub.text import max_length


def _choices(countries) -> list[tuple[str, str]]:
    choices = [(area.iso3, area.tr("name")) for area in countries.exclude(iso3="")]
    return sorted(choices, key=lambda choice: choice[1])


def country_choices(user) -> list[tuple[str, str]]:
    """Countries the user may pick: their own for a focal point, all for others."""
    countries = Area.objects.filter(kind=Area.Kind.COUNTRY)
    if not is_admin(user) and is_focal_point(user):
        countries = countries.filter(pk=user.area_id)
    return _choices(countries)


def countries_with_organizations() -> list[tuple[str, str]]:
    """For filtering a list: offering countries with nothing in them helps nobody."""
    return _choices(Area.objects.filter(kind=Area.Kind.COUNTRY, organizations__isnull=False).distinct())


class ServiceErrorsMixin:
    """Show a service's refusal next to the field it is about."""

    # Form fields named differently from the service's field names.
    service_field_names: dict[str, str] = {}

    def add_service_error(self, error: GcmHubError) -> None:
        field = self.service_field_names.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)


class OrganizationForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=max_length(Organization, "name"))
    acronym = forms.CharField(label=_("Acronym"), max_length=max_length(Organization, "acronym"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=Organization.Kind.choices)
    area = forms.ChoiceField(
        label=_("Country or area"),
        required=False,
        help_text=_("Leave empty for international organisations (administrators only)."),
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The larger organisation this one belongs to, if any."),
    )
    website = forms.URLField(
        label=_("Website"), max_length=max_length(Organization, "website"), required=False, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=max_length(Organization, "description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    # The version the user started from; the service refuses a stale one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = country_choices(user)
        self.fields["area"].choices = [("", _("— none —"))] + areas if is_admin(user) else areas
        if not is_admin(user):
            self.fields["area"].required = True
            self.fields["area"].help_text = ""
        self.fields["parent"].queryset = services.visible_organizations(user)
        if organization is not None and organization.parent_id and not services.visible_parent(user, organization):
            # The editor may not see the current parent: it cannot be offered
            # (that would name it), and an empty choice must not clear it.
            del self.fields["parent"]

    @classmethod
    def initial_from(cls, organization: Organization) -> dict:
        return {
            "name": organization.name,
            "acronym": organization.acronym,
            "kind": organization.kind,
            "area": organization.area.iso3 if organization.area else "",
            "parent": organization.parent_id,
            "website": organization.website,
            "description": organization.description,
            "version": organization.version,
        }

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("name", "acronym", "kind", "area", "website", "description")}
        if "parent" in self.fields:
            parent = self.cleaned_data["parent"]
            data["parent"] = parent.pk if parent else None
        return data


class TokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, for example “statistics import script”."),
    )


class UserCreateForm(ServiceErrorsMixin, forms.Form):
    service_field_names = {"password": "password1"}

    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    area = forms.ChoiceField(
        label=_("Country"), required=False, help_text=_("Only for national focal points.")
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Only for contributors and stakeholders."),
    )
    # Passwords are never sent back to the browser, even when the form has errors.
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, label) for role, label in User.Role.choices if _may_grant(user, role)]
        self.fields["area"].choices = [("", _("— none —"))] + country_choices(user)
        organizations = Organization.objects.select_related("area")
        if not is_admin(user):
            organizations = organizations.filter(area_id=user.area_id)
        self.fields["organization"].queryset = organizations

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class UserEditForm(ServiceErrorsMixin, forms.Form):
    """An account's name, email, role and scope. The username and password
    are not changed here; activation has its own button."""

    email = forms.EmailField(label=_("Email"), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    area = forms.ChoiceField(label=_("Country"), required=False, help_text=_("Only for national focal points."))
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Only for contributors and stakeholders."),
    )
    # The version the user started from; the service refuses a stale one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, label) for role, label in User.Role.choices if _may_grant(user, role)]
        if is_admin(user):
            # Superusers made with createsuperuser may have no role at all.
            self.fields["role"].choices = [("", _("— none —"))] + self.fields["role"].choices
            self.fields["role"].required = False
        self.fields["area"].choices = [("", _("— none —"))] + country_choices(user)
        organizations = Organization.objects.select_related("area")
        if not is_admin(user):
            organizations = organizations.filter(area_id=user.area_id)
        self.fields["organization"].queryset = organizations

    @classmethod
    def initial_from(cls, account: User) -> dict:
        return {
            "email": account.email,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "role": account.role,
            "area": account.area.iso3 if account.area else "",
            "organization": account.organization_id,
            "version": account.version,
        }

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("email", "first_name", "last_name", "role", "area")}
        organization = self.cleaned_data["organization"]
        data["organization"] = organization.pk if organization else None
        return data


def _may_grant(user, role: str) -> bool:
    """Offer only roles the user can grant; the service checks again anyway."""
    if is_admin(user):
        return True
    return role in (User.Role.FOCAL_POINT, User.Role.CONTRIBUTOR, User.Role.STAKEHOLDER)
