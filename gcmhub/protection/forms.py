"""Web forms of the protection app. They collect and shape input; the
services decide (``services.save_service``, the same write as the API).

Free-text fields carry the guidance that the directory describes services,
never people: no names, case details or anything that identifies a migrant.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.actors.forms import ServiceErrorsMixin, country_choices
from gcmhub.actors.rules import is_admin, is_focal_point, is_member

from .inputs import MAX_LIST, MAX_LOCATIONS, ServiceInput
from .models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NO_CASE_DETAILS,
    SHORT_TEXT_MAX,
    ReferralMethod,
    ServiceState,
    Situation,
)
from .taxonomy import load_taxonomy, stage_choices

LOCATION_ROWS_EXTRA = 2
LANGUAGE_SEPARATORS = re.compile(r"[\s,;]+")


def provider_choices(user) -> list[tuple[int, str]]:
    """Organisations the user may name as provider: their own for a provider;
    those they may read for a focal point or an administrator."""
    from gcmhub.actors.services import visible_organizations

    organizations = visible_organizations(user)
    if not (is_admin(user) or is_focal_point(user)):
        organizations = organizations.filter(pk=user.organization_id) if is_member(user) else organizations.none()
    return list(organizations.order_by("name").values_list("pk", "name"))


def _text(label, limit: int, help_text="", rows: int = 0, required: bool = False):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(label=label, max_length=limit, required=required, help_text=help_text, widget=widget)


class ServiceForm(ServiceErrorsMixin, forms.Form):
    name = _text(_("Name of the service"), NAME_MAX, required=True)
    provider = forms.TypedChoiceField(label=_("Provider organisation"), coerce=int)
    area = forms.ChoiceField(label=_("Country"))
    service_type = forms.ChoiceField(label=_("Type of service"))
    state = forms.ChoiceField(label=_("State"), choices=ServiceState.choices, initial=ServiceState.ACTIVE)
    description = _text(_("Description"), DESCRIPTION_MAX, NO_CASE_DETAILS, rows=5)
    situations = forms.MultipleChoiceField(
        label=_("Situations served"), required=False, widget=forms.CheckboxSelectMultiple
    )
    stages = forms.MultipleChoiceField(
        label=_("Migration stages served"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if the service serves people at every stage where its situations arise."),
    )  # fmt: skip
    groups = forms.MultipleChoiceField(label=_("Groups served"), required=False, widget=forms.CheckboxSelectMultiple)
    eligibility = _text(
        _("Eligibility"), SHORT_TEXT_MAX,
        _("Who may use the service, in general terms. Do not describe individual cases."), rows=3,
    )  # fmt: skip
    cost = _text(_("Cost"), 500, _("For example: free of charge."))
    languages = forms.CharField(
        label=_("Languages"), max_length=200, required=False,
        help_text=_("ISO 639-1 codes separated by commas, for example: en, sw, so."),
    )  # fmt: skip
    accessibility = _text(
        _("Accessibility"), SHORT_TEXT_MAX,
        _("Physical access, sign language, easy-read material. Describe the service, not people."), rows=3,
    )  # fmt: skip
    hours = _text(_("Opening hours"), 500, _("For example: Monday to Friday 8:00-17:00; hotline 24 hours."))
    referral_methods = forms.MultipleChoiceField(
        label=_("How to refer"), required=False, choices=ReferralMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    phone = _text(_("Phone"), 40, _("The service's own intake line, never a person's number."))
    email = _text(_("E-mail"), 254, _("The service's own intake address."))
    url = _text(_("Web site"), 500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    service_field_names = {"verified_on": "__all__"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("— choose —")), *provider_choices(user)]
        self.fields["area"].choices = [("", _("— choose —")), *country_choices(user)]
        self.fields["service_type"].choices = [(t.code, t.title()) for t in load_taxonomy().service_types]
        self.fields["situations"].choices = [(s.code, s.title()) for s in Situation.objects.filter(is_current=True)]
        self.fields["stages"].choices = stage_choices()
        from gcmhub.practices.taxonomy import POPULATION_GROUPS

        self.fields["groups"].choices = list(POPULATION_GROUPS.items())

    def add_service_error(self, error) -> None:
        """Every field the service refused, each next to its field (the rest above the form)."""
        problems = getattr(error, "error_dict", None)
        if not problems:
            return super().add_service_error(error)
        for name, messages in problems.items():
            field = self.service_field_names.get(name, name)
            for message in forms.ValidationError(messages).messages:
                self.add_error(field if field in self.fields else None, message)

    @staticmethod
    def initial_from(data: ServiceInput, version: int) -> dict:
        """What the form shows for ``data`` (the stored service, or the change waiting for review)."""
        return {
            "name": data.name, "provider": data.provider.pk if data.provider else None,
            "area": data.area.iso3 if data.area else "", "service_type": data.service_type, "state": data.state,
            "description": data.description, "situations": [s.code for s in data.situations],
            "stages": list(data.stages),
            "groups": list(data.groups), "eligibility": data.eligibility, "cost": data.cost,
            "languages": ", ".join(data.languages), "accessibility": data.accessibility, "hours": data.hours,
            "referral_methods": list(data.referral_methods), "phone": data.phone, "email": data.email,
            "url": data.url, "version": version,
        }  # fmt: skip

    def clean_languages(self) -> list[str]:
        codes = [code for code in LANGUAGE_SEPARATORS.split(self.cleaned_data.get("languages") or "") if code]
        if len(codes) > MAX_LIST:
            raise forms.ValidationError(_("List at most %(count)d languages.") % {"count": MAX_LIST})
        return codes

    def service_data(self, locations: list[dict]) -> dict:
        """The plain values ``services.save_service`` takes."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        data["locations"] = locations
        return data


class LocationForm(forms.Form):
    name = _text(_("Name of the place"), NAME_MAX, _("For example: Eastleigh office."))
    address = _text(_("Address"), 500)
    admin_area = _text(_("Administrative area"), 200, _("County, province or district, as written locally."))
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)


LocationFormSet = forms.formset_factory(
    LocationForm, extra=LOCATION_ROWS_EXTRA, max_num=MAX_LOCATIONS, validate_max=True, absolute_max=MAX_LOCATIONS
)


def location_rows(formset) -> list[dict]:
    """The filled rows of a valid location formset (empty rows are dropped)."""
    rows = []
    for form in formset:
        values = form.cleaned_data
        if any(values.get(name) not in (None, "") for name in ("name", "address", "admin_area", "latitude", "longitude")):
            rows.append({name: values.get(name) for name in ("name", "address", "admin_area", "latitude", "longitude")})
    return rows


class ServiceImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("HSDS 3.0: a .json file, or the tabular package as a .zip of CSV files.")
    )
    format = forms.ChoiceField(label=_("Format"), choices=())  # noqa: A003
    area = forms.ChoiceField(
        label=_("Country"), required=False,
        help_text=_("Every service of the file is placed in this country. Empty: each service's first address."),
    )  # fmt: skip
    type = forms.ChoiceField(  # noqa: A003
        label=_("Type of service for services without one"), initial="other",
        help_text=_("For services whose file gives none of GCM Hub's types of service."),
    )  # fmt: skip
    dry_run = forms.BooleanField(label=_("Check only: write nothing"), required=False)
    draft = forms.BooleanField(
        label=_("Keep the services as drafts"), required=False,
        help_text=_("An administrator's import is published at once unless this is ticked; others' are drafts."),
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        from .models import ServiceImport

        super().__init__(*args, **kwargs)
        self.fields["format"].choices = ServiceImport.Format.choices
        countries = country_choices(user)
        self.fields["area"].choices = countries if not is_admin(user) else [("", _("— from the addresses —")), *countries]
        self.fields["type"].choices = [(t.code, t.title()) for t in load_taxonomy().service_types]
