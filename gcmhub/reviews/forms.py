"""Forms of the review pages; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.actors.forms import ServiceErrorsMixin
from gcmhub.geo.models import Area
from gcmhub.reviews.models import TITLE_MAX, Consultation, Review


class DateInput(forms.DateInput):
    input_type = "date"


def area_choices() -> list[tuple[str, str]]:
    """Countries by ISO3, then regions by M49 code."""
    countries = [(a.iso3, a.tr("name")) for a in Area.objects.countries().exclude(iso3="")]
    regions = [
        (a.m49, a.tr("name"))
        for a in Area.objects.filter(kind__in=[Area.Kind.REGION, Area.Kind.SUBREGION, Area.Kind.INTERMEDIATE])
    ]
    return sorted(countries, key=lambda c: c[1]) + sorted(regions, key=lambda r: r[1])


class ReviewForm(ServiceErrorsMixin, forms.Form):
    area = forms.ChoiceField(label=_("Country or region"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Review.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    forum = forms.CharField(label=_("Forum"), max_length=100, required=False, help_text=_("For example “IMRF 2026”."))
    period_start = forms.DateField(label=_("Period covered from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Period covered until"), required=False, widget=DateInput)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Review.Status.choices)
    comments_open_from = forms.DateField(label=_("Public comments open from"), required=False, widget=DateInput)
    comments_open_until = forms.DateField(label=_("Public comments open until"), required=False, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_choices()
        if user is not None and user.role == "focal-point" and user.area_id:
            choices = [(code, name) for code, name in choices if code == user.area.iso3]
        self.fields["area"].choices = choices

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=200)
    due = forms.DateField(label=_("Due"), widget=DateInput)


class ConsultationForm(forms.Form):
    organization = forms.IntegerField(label=_("Organisation"), widget=forms.Select)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    form = forms.ChoiceField(label=_("Form of consultation"), choices=Consultation.Form.choices)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
