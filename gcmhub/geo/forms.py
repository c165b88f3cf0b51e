"""The filter form of the countries page (GET parameters, works without JavaScript)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.geo import services


class CountryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"aria-describedby": "id_q_help"}),
        help_text=_("A name in English, French or Spanish, or an ISO or M49 code."),
    )
    region = forms.ChoiceField(label=_("Region or group"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the names follow the reader's language.
        self.fields["region"].choices = [("", _("All regions")), *services.filter_choices()]
