"""Web forms of the practices app. They collect and shape input; the
services decide (plain forms, as in ``gcmhub.actors.forms``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.actors.forms import ServiceErrorsMixin, _choices
from gcmhub.framework.models import Objective, Principle
from gcmhub.geo.models import Area
from gcmhub.practices import taxonomy
from gcmhub.practices.library import LANGUAGES
from gcmhub.practices.models import PASSAGE_MAX, Document, Practice, Stage
from gcmhub.text import LONG_TEXT_MAX, max_length


def country_choices():
    return _choices(Area.objects.filter(kind=Area.Kind.COUNTRY))


def objective_choices():
    return [(objective.number, f"{objective.number}. {objective.tr('short_title')}") for objective in Objective.objects.all()]


def organization_choices(user):
    from gcmhub.actors.services import visible_organizations

    organizations = visible_organizations(user).order_by("name").values_list("pk", "name", "acronym")
    return [(pk, f"{name} ({acronym})" if acronym else name) for pk, name, acronym in organizations]


def situation_choices():
    """The current situations of vulnerability (the protection app's taxonomy), by code."""
    from gcmhub.protection.models import Situation

    return [(situation.code, situation.title()) for situation in Situation.objects.filter(is_current=True)]


def commitment_choices(user):
    from gcmhub.commitments.services import visible_commitments

    commitments = visible_commitments(user).order_by("title", "pk").values_list("pk", "title", "area__iso3")
    return [(pk, f"{title} — {iso3}" if iso3 else title) for pk, title, iso3 in commitments]


# Organisation fields of the form, by role.
ROLE_FIELDS = {"implementing": "implementing_organizations", "partner": "partner_organizations"}


def _long(label, help_text="", rows=4):
    return forms.CharField(
        label=label, max_length=LONG_TEXT_MAX, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class PracticeForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=max_length(Practice, "title"))
    summary = _long(
        _("Summary"), _("What was done, by whom, for whom and with what result, in your own words."), rows=6
    )
    level = forms.ChoiceField(label=_("Level"), choices=Practice.Level.choices)
    areas = forms.MultipleChoiceField(label=_("Countries or areas"), required=False)
    primary_objective = forms.TypedChoiceField(label=_("Main objective"), coerce=int, required=False, empty_value=None)
    other_objectives = forms.TypedMultipleChoiceField(
        label=_("Other objectives"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    principles = forms.MultipleChoiceField(label=_("Guiding principles"), required=False, widget=forms.CheckboxSelectMultiple)
    implementing_organizations = forms.TypedMultipleChoiceField(
        label=_("Implementing organisations"), coerce=int, required=False,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several."),
    )  # fmt: skip
    partner_organizations = forms.TypedMultipleChoiceField(
        label=_("Partners"), coerce=int, required=False, help_text=_("Hold Ctrl (Cmd on a Mac) to choose several.")
    )
    commitments = forms.TypedMultipleChoiceField(
        label=_("Commitments it serves"), coerce=int, required=False,
        help_text=_("Pledges made under the Compact that this practice carries out or supports."),
    )  # fmt: skip
    stage = forms.ChoiceField(label=_("Migration stage"), choices=Stage.choices)
    situations = forms.MultipleChoiceField(
        label=_("Situations of vulnerability addressed"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The protection-gap matrix counts the practice as a measure for these situations."),
    )  # fmt: skip
    population_groups = forms.MultipleChoiceField(
        label=_("Population groups"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(taxonomy.POPULATION_GROUPS.items()),
    )  # fmt: skip
    vulnerability_factors = forms.MultipleChoiceField(
        label=_("Vulnerability factors addressed"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(taxonomy.VULNERABILITY_FACTORS.items()),
    )  # fmt: skip
    period_start = forms.IntegerField(label=_("From (year)"), min_value=1900, max_value=2100, required=False)
    period_end = forms.IntegerField(label=_("To (year)"), min_value=1900, max_value=2100, required=False)
    state = forms.ChoiceField(label=_("State"), choices=Practice.State.choices)
    results = _long(_("Results"))
    evidence = _long(_("Evidence of results"))
    replicability = _long(_("Replicability notes"), _("What another country or city would need to do the same."))
    source_url = forms.URLField(label=_("Source link"), max_length=1000, required=False, assume_scheme="https")
    source_page = forms.IntegerField(label=_("Page"), min_value=1, max_value=100_000, required=False)
    source_passage = forms.CharField(
        label=_("Quoted passage"), max_length=PASSAGE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    service_field_names = {
        "objectives": "primary_objective", "sources": "source_url", "organizations": "implementing_organizations",
    }  # fmt: skip

    def __init__(self, *args, with_source: bool = True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = country_choices()
        # Only what the user may read can be chosen (the API's rule, gcmhub.references).
        organizations = organization_choices(user)
        self.fields["implementing_organizations"].choices = organizations
        self.fields["partner_organizations"].choices = organizations
        self.fields["commitments"].choices = commitment_choices(user)
        objectives = objective_choices()
        self.fields["primary_objective"].choices = [("", _("— choose —")), *objectives]
        self.fields["other_objectives"].choices = objectives
        self.fields["principles"].choices = [(p.letter, p.tr("name")) for p in Principle.objects.all()]
        self.fields["situations"].choices = situation_choices()
        if not with_source:
            for name in ("source_url", "source_page", "source_passage"):
                del self.fields[name]

    @staticmethod
    def initial_from(practice: Practice) -> dict:
        numbers = [link.objective.number for link in practice.objective_links.select_related("objective")]
        initial = {
            name: getattr(practice, name)
            for name in (
                "title", "summary", "level", "stage", "state", "period_start", "period_end", "results", "evidence",
                "replicability", "population_groups", "vulnerability_factors", "version",
            )
        }  # fmt: skip
        initial["areas"] = list(practice.areas.values_list("iso3", flat=True))
        initial["primary_objective"] = numbers[0] if numbers else None
        initial["other_objectives"] = numbers[1:]
        initial["principles"] = list(practice.principles.values_list("letter", flat=True))
        links = list(practice.organization_links.all())
        for role, field in ROLE_FIELDS.items():
            initial[field] = [link.organization_id for link in links if link.role == role]
        initial["commitments"] = list(practice.commitments.values_list("pk", flat=True))
        initial["situations"] = list(practice.situations.values_list("code", flat=True))
        return initial

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        primary, others = data.pop("primary_objective"), data.pop("other_objectives")
        data["objectives"] = ([primary] if primary else []) + [n for n in others if n != primary]
        data.pop("version", None)
        organizations, seen = [], set()
        for role, field in ROLE_FIELDS.items():
            for organization_id in data.pop(field, None) or []:
                if organization_id not in seen:  # chosen in both lists: implementing wins
                    seen.add(organization_id)
                    organizations.append({"id": organization_id, "role": role})
        data["organizations"] = organizations
        url, page, passage = (data.pop(name, None) for name in ("source_url", "source_page", "source_passage"))
        if "source_url" in self.fields:
            data["sources"] = [{"url": url, "page": page, "passage": passage or ""}] if url else []
        return data


class DocumentUploadForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Report"), help_text=_("PDF, Word (DOCX), HTML or plain text (UTF-8).")
    )
    title = forms.CharField(label=_("Title"), max_length=max_length(Document, "title"), required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=max_length(Document, "publisher"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[(code, code or "—") for code in LANGUAGES])
    area = forms.ChoiceField(label=_("Country the report is about"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("— several or none —")), *country_choices()]

    def service_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "file"}
        return data


class CandidateForm(ServiceErrorsMixin, forms.Form):
    """The curator's corrections to a candidate, sent with the decision."""

    title = forms.CharField(label=_("Title"), max_length=max_length(Practice, "title"), required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Rewrite it in your own words before the practice is submitted."),
    )  # fmt: skip
    area = forms.ChoiceField(label=_("Country"), required=False)
    objectives = forms.TypedMultipleChoiceField(
        label=_("Objectives"), coerce=int, required=False, help_text=_("The main objective the extractor proposed stays first.")
    )
    stage = forms.ChoiceField(label=_("Migration stage"), required=False, choices=[("", "—"), *Stage.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—"), *country_choices()]
        self.fields["objectives"].choices = objective_choices()

    @staticmethod
    def initial_from(candidate) -> dict:
        return {
            "summary": candidate.summary,
            "area": candidate.area.iso3 if candidate.area_id else "",
            "objectives": candidate.objectives,
            "stage": candidate.stage,
        }
