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

from gcmhub.actors.models import Organization
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
