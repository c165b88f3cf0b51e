"""What a writer gives to create or change a commitment, already resolved.

Every interface (API, web forms, the CSV/XLSX importer) turns what it
received into a ``CommitmentInput`` — references resolved through the
writer's read rules (``gcmhub.references``) — and hands it to
``services.create_commitment`` / ``update_commitment``, which validate it
whole. Field names follow the issue.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from gcmhub.actors.models import Organization
from gcmhub.errors import InvalidInput
from gcmhub.framework.models import Action, Objective, Principle
from gcmhub.geo.models import Area


@dataclass
class CommitmentInput:
    kind: str
    title: str
    area: Area
    owner: Organization
    description: str = ""
    description_format: str = "plain"
    # The pledge or request a matching pledge matches (a Commitment), else None.
    matches: object = None
    # (organisation, role) pairs; role one of CommitmentPartner.Role.
    partners: list[tuple[Organization, str]] = field(default_factory=list)
    # At least one; the first is the primary objective.
    objectives: list[Objective] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    principles: list[Principle] = field(default_factory=list)
    # Situations of vulnerability addressed (protection.Situation) and the
    # migration stages concerned (codes of gcmhub.protection.taxonomy.STAGES).
    situations: list = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    # dict(series=Series, baseline_value, baseline_year, target_value, target_year)
    indicators: list[dict] = field(default_factory=list)
    metric: str = ""
    metric_unit: str = ""
    metric_baseline: Decimal | None = None
    metric_target: Decimal | None = None
    metric_target_year: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    horizon_years: int | None = None
    form_of_support: str = ""
    funding_state: str = ""
    # dict(stage, amount, currency, date)
    amounts: list[dict] = field(default_factory=list)
    iati_identifier: str = ""
    status: str = "planned"
    completion: str = "not_started"
    is_demo: bool = False

    @classmethod
    def from_commitment(cls, commitment) -> "CommitmentInput":
        """The input that would recreate ``commitment`` as stored: a form
        or a PATCH starts from it and changes only what it was given."""
        return cls(
            kind=commitment.kind,
            title=commitment.title,
            area=commitment.area,
            owner=commitment.owner,
            description=commitment.description,
            description_format=commitment.description_format,
            matches=commitment.matches,
            partners=[(link.organization, link.role) for link in commitment.partners.select_related("organization")],
            objectives=[link.objective for link in commitment.objective_links.select_related("objective")],
            actions=list(commitment.actions.order_by("objective__number", "letter")),
            principles=list(commitment.principles.order_by("letter")),
            situations=list(commitment.situations.order_by("position", "code")),
            stages=list(commitment.stages or []),
            indicators=[
                {
                    "series": link.series,
                    "baseline_value": link.baseline_value,
                    "baseline_year": link.baseline_year,
                    "target_value": link.target_value,
                    "target_year": link.target_year,
                }
                for link in commitment.indicator_links.select_related("series")
            ],
            metric=commitment.metric,
            metric_unit=commitment.metric_unit,
            metric_baseline=commitment.metric_baseline,
            metric_target=commitment.metric_target,
            metric_target_year=commitment.metric_target_year,
            start_date=commitment.start_date,
            due_date=commitment.due_date,
            horizon_years=commitment.horizon_years,
            form_of_support=commitment.form_of_support,
            funding_state=commitment.funding_state,
            amounts=[
                {"stage": a.stage, "amount": a.amount, "currency": a.currency, "date": a.date}
                for a in commitment.amounts.all()
            ],
            iati_identifier=commitment.iati_identifier,
            status=commitment.status,
            completion=commitment.completion,
            is_demo=commitment.is_demo,
        )


# --- turning what a writer typed into the records an input names ------------------------
# Shared by the API, the forms and the importer, so an unknown value gets one
# message everywhere, naming its field.


def _invalid(field: str, message: str):
    from gcmhub.commitments.services import InvalidCommitment

    return InvalidCommitment(message, field=field)


def resolve_objectives(numbers, field: str = "objectives") -> list[Objective]:
    """Objectives by number, in the order given (the first is the primary one)."""
    found = {o.number: o for o in Objective.objects.filter(number__in=[n for n in numbers if isinstance(n, int)])}
    result = []
    for number in numbers:
        if number not in found:
            raise _invalid(field, _("There is no objective %(number)s.") % {"number": number})
        result.append(found[number])
    return result


def resolve_actions(codes, field: str = "actions") -> list[Action]:
    """Actions by code such as ``"7a"`` (objective number and letter)."""
    actions = {a.code: a for a in Action.objects.select_related("objective")}
    result = []
    for code in codes:
        key = str(code).strip().lower().replace("(", "").replace(")", "").replace(" ", "")
        if key not in actions:
            raise _invalid(field, _("There is no action “%(code)s” (write it as 7a).") % {"code": code})
        result.append(actions[key])
    return result


def resolve_principles(keys, field: str = "principles") -> list[Principle]:
    """Guiding principles by slug (``people-centred``) or letter (``a``)."""
    result = []
    for key in keys:
        text = str(key).strip().lower()
        principle = Principle.objects.filter(models.Q(slug=text) | models.Q(letter=text)).first()
        if principle is None:
            raise _invalid(field, _("There is no guiding principle “%(key)s”.") % {"key": key})
        result.append(principle)
    return result


def resolve_situations(codes, field: str = "situations") -> list:
    """Situations of vulnerability by code (``unaccompanied_child``), in the
    order given: the protection app's rule (current codes only, each once)."""
    from gcmhub.protection import inputs as protection_inputs

    try:
        return protection_inputs.resolve_situations(codes, field)
    except InvalidInput as error:
        raise _invalid(field, error.message) from None


def resolve_stage(code: str, field: str = "stage") -> str:
    """One migration stage code (``transit``), checked against the protection taxonomy."""
    from gcmhub.protection.taxonomy import STAGES

    key = str(code).strip().lower()
    if key not in STAGES:
        raise _invalid(
            field,
            _("Unknown migration stage “%(code)s”. Stages: %(codes)s.") % {"code": code, "codes": ", ".join(STAGES)},
        )
    return key


def resolve_series(code: str, field: str = "indicators"):
    from gcmhub.indicators.models import Series

    series = Series.objects.filter(code=str(code).strip()).first()
    if series is None:
        raise _invalid(field, _("There is no indicator series “%(code)s”.") % {"code": code})
    return series


def resolve_area(iso3: str, field: str = "area") -> Area:
    code = (iso3 or "").strip().upper()
    area = Area.objects.filter(kind=Area.Kind.COUNTRY, iso3=code).first() if code else None
    if area is None:
        raise _invalid(field, _("There is no country with the ISO 3166 alpha-3 code “%(code)s”.") % {"code": iso3})
    return area


def resolve_organization(actor, organization_id, field: str) -> Organization:
    """An organisation through the writer's read rules (unknown and unreadable look alike)."""
    from gcmhub import references

    try:
        return references.resolve(
            actor,
            Organization,
            organization_id,
            field=field,
            message=_("There is no organisation with the id “%(id)s”."),
        )
    except InvalidInput as error:
        raise _invalid(field, error.message) from None


def resolve_commitment(actor, commitment_id, field: str = "matches"):
    from gcmhub import references
    from gcmhub.commitments.models import Commitment

    try:
        return references.resolve(
            actor, Commitment, commitment_id, field=field, message=_("There is no commitment with the id “%(id)s”.")
        )
    except InvalidInput as error:
        raise _invalid(field, error.message) from None
