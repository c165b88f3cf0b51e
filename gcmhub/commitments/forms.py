"""Web forms for commitments. They only collect and shape input: the
services (``services.py``) decide and are the only code that writes.

A commitment is edited as one main form plus three sets of rows (partners,
linked indicator series, amounts of money). Rows left blank are ignored, so
the page needs no script to add or remove rows: it always offers a few
empty ones. Whatever was typed is sent back on an error, file inputs
excepted (browsers never let a page pre-fill them).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.actors.forms import country_choices
from gcmhub.actors.models import Organization
from gcmhub.actors.rules import is_admin, is_member, is_reviewer
from gcmhub.actors.services import visible_organizations
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Commitment,
    CommitmentAmount,
    CommitmentPartner,
    CommitmentUpdate,
)
from gcmhub.framework.models import Action, Objective, Principle
from gcmhub.geo.models import Area
from gcmhub.indicators.models import Series
from gcmhub.protection.models import Situation
from gcmhub.protection.taxonomy import stage_choices

# Empty rows offered below the filled ones.
SPARE_ROWS = 2
NONE_CHOICE = [("", _("— none —"))]


def _blank_choice(choices) -> list:
    return [*NONE_CHOICE, *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RowForm(forms.Form):
    """One row of a repeated group. Every field is optional so that a blank
    row is simply skipped; ``required_when_filled`` names what a row that
    was started must have."""

    required_when_filled: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(value in (None, "", []) for value in data.values())

    def clean(self):
        cleaned = super().clean()
        if not self.is_blank():
            for name in self.required_when_filled:
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Needed on a row that is filled in."))
        return cleaned


class PartnerRowForm(RowForm):
    required_when_filled = ("organization", "role")

    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=_blank_choice(CommitmentPartner.Role.choices), required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class IndicatorRowForm(RowForm):
    required_when_filled = ("series",)

    series = forms.CharField(
        label=_("Series code"),
        max_length=100,
        required=False,
        help_text=_("As in the indicator catalogue, for example SM_POP_REFG_OR."),
    )
    baseline_value = forms.FloatField(label=_("Baseline"), required=False)
    baseline_year = forms.IntegerField(label=_("Baseline year"), min_value=1900, max_value=2100, required=False)
    target_value = forms.FloatField(label=_("Target"), required=False)
    target_year = forms.IntegerField(label=_("Target year"), min_value=1900, max_value=2100, required=False)

    def clean_series(self):
        code = self.cleaned_data["series"].strip()
        if not code:
            return None
        series = Series.objects.filter(code__iexact=code).first()
        if series is None:
            raise ValidationError(_("No indicator series has the code “%(code)s”."), params={"code": code})
        return series


class AmountRowForm(RowForm):
    required_when_filled = ("stage", "amount", "currency", "date")

    stage = forms.ChoiceField(label=_("Stage"), choices=_blank_choice(CommitmentAmount.Stage.choices), required=False)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=18, decimal_places=2, required=False)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("ISO 4217 code, such as USD or EUR.")
    )
    date = forms.DateField(label=_("Date"), widget=DateInput, required=False)

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


class RowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.is_blank()]


PartnerFormSet = forms.formset_factory(PartnerRowForm, formset=RowFormSet, extra=0, max_num=50, validate_max=True)
IndicatorFormSet = forms.formset_factory(IndicatorRowForm, formset=RowFormSet, extra=0, max_num=50, validate_max=True)
AmountFormSet = forms.formset_factory(AmountRowForm, formset=RowFormSet, extra=0, max_num=50, validate_max=True)


def organizations_for(user):
    """Organisations offered as owner: a member acts for their own
    organisation; others choose among those they may read."""
    if is_member(user) and not (is_admin(user) or is_reviewer(user)):
        return Organization.objects.filter(pk=user.organization_id)
    return visible_organizations(user).order_by("name")


def matchable_commitments(user):
    """What a matching pledge may match: pledges and requests the user may read."""
    from gcmhub.commitments.services import visible_commitments

    kinds = (Commitment.Kind.PLEDGE, Commitment.Kind.JOINT_PLEDGE, Commitment.Kind.REQUEST)
    return visible_commitments(user).filter(kind__in=kinds).order_by("title")


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, action):
        return f"{action.label} {action.tr('title')}"


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective):
        return f"{objective.number}. {objective.tr('short_title')}"


class ObjectivesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, objective):
        return f"{objective.number}. {objective.tr('short_title')}"


class PrincipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, principle):
        return principle.tr("name")


class SituationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, situation):
        return situation.title()


class CommitmentMainForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Commitment.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Up to 3,000 characters: what will be done, by whom, for whom."),
    )
    description_format = forms.ChoiceField(
        label=_("Description format"), choices=Commitment.DescriptionFormat.choices, initial="plain"
    )
    area = forms.ChoiceField(label=_("Country or area"))
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organization.objects.none())
    # Not named "matches": an input of that name would hide the form element's
    # own matches() method from scripts (htmx calls it on every form).
    matched_commitment = forms.ModelChoiceField(
        label=_("Matches"),
        queryset=Commitment.objects.none(),
        required=False,
        help_text=_("Only for a matching pledge: the pledge or request it matches."),
    )
    primary_objective = ObjectiveChoiceField(
        label=_("Primary objective"), queryset=Objective.objects.order_by("number"), to_field_name="number"
    )
    other_objectives = ObjectivesChoiceField(
        label=_("Other objectives"),
        queryset=Objective.objects.order_by("number"),
        to_field_name="number",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions = ActionChoiceField(
        label=_("Actions"),
        queryset=Action.objects.select_related("objective").order_by("objective__number", "letter"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    principles = PrincipleChoiceField(
        label=_("Guiding principles"),
        queryset=Principle.objects.order_by("letter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    situations = SituationChoiceField(
        label=_("Situations of vulnerability addressed"),
        queryset=Situation.objects.filter(is_current=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The protection-gap matrix counts the commitment as a measure for these situations."),
    )
    stages = forms.MultipleChoiceField(
        label=_("Migration stages"),
        choices=stage_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave them all unticked if it applies at every stage."),
    )
    metric = forms.CharField(
        label=_("Own metric"),
        max_length=300,
        required=False,
        help_text=_("Where no indicator series fits: what will be counted or measured."),
    )
    metric_unit = forms.CharField(label=_("Unit of the metric"), max_length=100, required=False)
    metric_baseline = forms.DecimalField(label=_("Baseline of the metric"), max_digits=20, decimal_places=4, required=False)
    metric_target = forms.DecimalField(label=_("Target of the metric"), max_digits=20, decimal_places=4, required=False)
    metric_target_year = forms.IntegerField(
        label=_("Target year of the metric"), min_value=1900, max_value=2100, required=False
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=DateInput, help_text=_("Give a due date or a horizon.")
    )
    horizon_years = forms.TypedChoiceField(
        label=_("Horizon"),
        choices=_blank_choice(Commitment.Horizon.choices),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Counted from the start date."),
    )
    form_of_support = forms.ChoiceField(
        label=_("Form of support"), choices=_blank_choice(Commitment.FormOfSupport.choices), required=False
    )
    funding_state = forms.ChoiceField(
        label=_("Funding"), choices=_blank_choice(Commitment.FundingState.choices), required=False
    )
    iati_identifier = forms.CharField(label=_("IATI activity identifier"), max_length=150, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices, initial="planned")
    completion = forms.ChoiceField(label=_("Completion"), choices=Commitment.Completion.choices, initial="not_started")
    # The version the user started from; the service refuses a stale one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = country_choices(user)
        self.fields["owner"].queryset = organizations_for(user)
        self.fields["matched_commitment"].queryset = matchable_commitments(user)

    def clean_area(self):
        area = Area.objects.filter(iso3=self.cleaned_data["area"]).first()
        if area is None:
            raise ValidationError(_("Choose a country."))
        return area


# Where a service's error about a field is shown: form field names that
# differ from the service's, and the groups of rows.
SERVICE_FIELDS = {"objectives": "primary_objective", "matches": "matched_commitment"}
ROW_GROUPS = ("partners", "indicators", "amounts")


class CommitmentEditor:
    """The commitment form: the main form and its three groups of rows, with
    one ``is_valid``, one ``service_data`` and one place for service errors."""

    def __init__(self, data=None, *, user, initial: CommitmentInput | None = None, version: int | None = None):
        rows = _initial_rows(initial) if initial is not None else {"partners": [], "indicators": [], "amounts": []}
        owners = organizations_for(user)
        partners = visible_organizations(user).order_by("name")
        self.main = CommitmentMainForm(data, user=user, initial=_initial_main(initial, version, owners))
        self.partners = PartnerFormSet(
            data, prefix="partners", initial=rows["partners"] or None, form_kwargs={"organizations": partners}
        )
        self.indicators = IndicatorFormSet(data, prefix="indicators", initial=rows["indicators"] or None)
        self.amounts = AmountFormSet(data, prefix="amounts", initial=rows["amounts"] or None)
        if data is None:
            for formset in self.formsets.values():
                formset.extra = SPARE_ROWS
        # Errors a service reported about a whole group of rows.
        self.group_errors: dict[str, list[str]] = {name: [] for name in ROW_GROUPS}

    @property
    def formsets(self) -> dict:
        return {"partners": self.partners, "indicators": self.indicators, "amounts": self.amounts}

    @property
    def is_bound(self) -> bool:
        return self.main.is_bound

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), *(formset.is_valid() for formset in self.formsets.values())]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return self.is_bound and (
            bool(self.main.errors)
            or any(formset.total_error_count() for formset in self.formsets.values())
            or any(self.group_errors.values())
        )

    def service_data(self, *, is_demo: bool = False) -> CommitmentInput:
        data = self.main.cleaned_data
        objectives = [data["primary_objective"]]
        objectives += [o for o in data["other_objectives"] if o.pk != data["primary_objective"].pk]
        return CommitmentInput(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            description_format=data["description_format"],
            area=data["area"],
            owner=data["owner"],
            matches=data["matched_commitment"],
            partners=[(row["organization"], row["role"]) for row in self.partners.rows()],
            objectives=objectives,
            actions=list(data["actions"]),
            principles=list(data["principles"]),
            situations=list(data["situations"]),
            stages=list(data["stages"]),
            indicators=[dict(row) for row in self.indicators.rows()],
            metric=data["metric"],
            metric_unit=data["metric_unit"],
            metric_baseline=data["metric_baseline"],
            metric_target=data["metric_target"],
            metric_target_year=data["metric_target_year"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            horizon_years=data["horizon_years"],
            form_of_support=data["form_of_support"],
            funding_state=data["funding_state"],
            amounts=[dict(row) for row in self.amounts.rows()],
            iati_identifier=data["iati_identifier"],
            status=data["status"],
            completion=data["completion"],
            is_demo=is_demo,
        )

    @property
    def version(self) -> int:
        return self.main.cleaned_data.get("version") or 0

    def add_service_error(self, error) -> None:
        """Show a service's refusal beside what it is about: a field, a group of rows, or the whole form."""
        error_dict = getattr(error, "error_dict", None)
        if error_dict is None:
            error_dict = {getattr(error, "field", None) or NON_FIELD_ERRORS: [getattr(error, "message", str(error))]}
        for field, problems in error_dict.items():
            messages = ValidationError(problems).messages
            field = SERVICE_FIELDS.get(field, field)
            if field in self.group_errors:
                self.group_errors[field].extend(messages)
            elif field in self.main.fields:
                for message in messages:
                    self.main.add_error(field, message)
            else:
                for message in messages:
                    self.main.add_error(None, message)


def _initial_main(initial: CommitmentInput | None, version: int | None, owners) -> dict:
    if initial is None:
        only_owner = list(owners[:2])
        return {"owner": only_owner[0].pk} if len(only_owner) == 1 else {}
    objectives = list(initial.objectives)
    values = {
        name: getattr(initial, name)
        for name in (
            "kind", "title", "description", "description_format", "metric", "metric_unit", "metric_baseline",
            "metric_target", "metric_target_year", "start_date", "due_date", "horizon_years", "form_of_support",
            "funding_state", "iati_identifier", "status", "completion",
        )
    }  # fmt: skip
    values.update(
        area=initial.area.iso3,
        owner=initial.owner.pk,
        matched_commitment=initial.matches.pk if initial.matches else None,
        primary_objective=objectives[0].number if objectives else None,
        other_objectives=[o.number for o in objectives[1:]],
        actions=[a.pk for a in initial.actions],
        principles=[p.pk for p in initial.principles],
        situations=[s.code for s in initial.situations],
        stages=list(initial.stages),
        version=version,
    )
    return values


def _initial_rows(initial: CommitmentInput) -> dict:
    return {
        "partners": [{"organization": o.pk, "role": role} for o, role in initial.partners],
        "indicators": [{**row, "series": row["series"].code} for row in initial.indicators],
        "amounts": [dict(row) for row in initial.amounts],
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class UpdateForm(forms.Form):
    """A follow-up report with its evidence (links and files)."""

    reported_on = forms.DateField(label=_("Date"), widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    completion = forms.ChoiceField(label=_("Completion"), choices=Commitment.Completion.choices)
    narrative = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    metric_value = forms.DecimalField(
        label=_("Value of the metric"), max_digits=20, decimal_places=4, required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Reported by"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The owner or a partner. Members report for their own organisation."),
    )
    links = forms.CharField(
        label=_("Links to evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, CSV or images. If the form comes back with an error, choose the files again."),
    )

    def __init__(self, *args, commitment: Commitment, **kwargs):
        kwargs.setdefault(
            "initial",
            {"reported_on": timezone.localdate(), "status": commitment.status, "completion": commitment.completion},
        )
        super().__init__(*args, **kwargs)
        reporters = [commitment.owner_id, *commitment.partners.values_list("organization_id", flat=True)]
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=reporters).order_by("name")
        if not commitment.metric:
            del self.fields["metric_value"]

    def clean_links(self):
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reported_on": data["reported_on"],
            "status": data["status"],
            "completion": data["completion"],
            "narrative": data["narrative"],
            "metric_value": data.get("metric_value"),
            "organization": data["organization"],
            "links": data["links"],
            "files": data["files"],
        }

    def add_service_error(self, error) -> None:
        add_service_error(self, error)


def add_service_error(form: forms.Form, error) -> None:
    """A service error beside the field it names, else at the top of the form."""
    error_dict = getattr(error, "error_dict", None)
    if error_dict is None:
        error_dict = {getattr(error, "field", None) or NON_FIELD_ERRORS: [getattr(error, "message", str(error))]}
    for field, problems in error_dict.items():
        for message in ValidationError(problems).messages:
            form.add_error(field if field in form.fields else None, message)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(VersionForm):
    exception_reason = forms.CharField(
        label=_("Reason to publish although not verifiable"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Needed only if the checklist is not complete. It is shown publicly."),
    )


class RejectForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for sending it back"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("The author reads it and can correct the commitment."),
    )


class VerifyForm(VersionForm):
    verification = forms.ChoiceField(label=_("Verification"), choices=CommitmentUpdate.Verification.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
