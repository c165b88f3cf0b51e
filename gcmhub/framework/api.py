"""Read-only API for the framework: /api/v1/objectives, /actions, /principles,
/sdg-indicators, /sdg-series, /follow-up, /migof and /policy-domains.

Texts come in all three languages at once (``{"en": …, "fr": …, "es": …}``)
so that a client can cache one response whatever its users read.
"""

from ninja import Router, Schema

from gcmhub.apischema import Code, Id
from gcmhub.framework import services
from gcmhub.framework.catalogue import POLICY_DOMAIN_INDICATOR
from gcmhub.framework.models import (
    Action,
    FollowUpElement,
    FollowUpMilestone,
    MigofElement,
    Objective,
    ObjectiveIndicator,
    PolicyDomain,
    Principle,
    SdgIndicator,
)
from gcmhub.i18n import SUPPORTED as LANGUAGES

router = Router(tags=["framework"])


class Localized(Schema):
    en: str
    fr: str
    es: str


def _localized(instance, field: str) -> dict[str, str]:
    return {language: getattr(instance, f"{field}_{language}") for language in LANGUAGES}


class PrincipleOut(Schema):
    letter: str
    slug: str
    name: Localized
    description: Localized


class ActionSummaryOut(Schema):
    code: str
    letter: str
    title: Localized
    url: str


class ActionOut(ActionSummaryOut):
    objective: int
    official_text: Localized
    official_text_source: Localized


class ObjectiveOut(Schema):
    number: int
    paragraph: int
    title: Localized
    # Languages whose wording of the title/name has not been checked against an
    # official text (docs/framework.md).
    unverified: list[str]
    short_title: Localized
    summary: Localized
    url: str
    actions: list[ActionSummaryOut]


class IndicatorLinkOut(Schema):
    indicator: str
    objective: int
    relevance: str
    policy_domain: str


class ObjectiveDetailOut(ObjectiveOut):
    actions: list[ActionOut]
    indicators: list[IndicatorLinkOut]


class SdgSeriesOut(Schema):
    code: str
    description: str


class SdgIndicatorOut(Schema):
    code: str
    target: str
    goal: int
    title: Localized
    # Languages whose wording of the title/name has not been checked against an
    # official text (docs/framework.md).
    unverified: list[str]
    target_title: Localized
    custodians: str
    series: list[SdgSeriesOut]
    objectives: list[IndicatorLinkOut]
    url: str


class MilestoneOut(Schema):
    date: str
    year: int
    symbol: str
    label: Localized
    unconfirmed: list[str]


class ScheduleOut(Schema):
    first_year: int | None
    every_years: int | None
    between: str | None
    years: list[int]


class FollowUpOut(Schema):
    slug: str
    kind: str
    part_of: str | None
    paragraphs: list[str]
    unconfirmed: list[str]
    name: Localized
    description: Localized
    coordinator: Localized | None
    executive_committee: list[Localized]
    website: str
    schedule: ScheduleOut | None
    milestones: list[MilestoneOut]
    url: str


class MigofOut(Schema):
    kind: str
    number: int
    name: Localized
    # Languages whose wording of the title/name has not been checked against an
    # official text (docs/framework.md).
    unverified: list[str]
    description: Localized
    policy_domains: list[str]


class MigofReferenceOut(Schema):
    kind: str
    number: int


class ScoreOut(Schema):
    score: int
    label: Localized


class ObjectiveLinkOut(Schema):
    objective: int
    relevance: str


class PolicyDomainOut(Schema):
    code: str
    number: int
    name: Localized
    description: Localized
    migof: MigofReferenceOut | None
    objectives: list[ObjectiveLinkOut]
    url: str


class PolicyDomainsOut(Schema):
    indicator: str
    scale: list[ScoreOut]
    domains: list[PolicyDomainOut]


def _principle(principle: Principle) -> dict:
    return {
        "letter": principle.letter,
        "slug": principle.slug,
        "name": _localized(principle, "name"),
        "description": _localized(principle, "description"),
    }


def _objective(objective: Objective, action_view) -> dict:
    actions = list(objective.actions.all())
    for action in actions:
        action.objective = objective  # spares one query per action
    return {
        "number": objective.number,
        "paragraph": objective.paragraph,
        "title": _localized(objective, "title"),
        "unverified": objective.unverified,
        "short_title": _localized(objective, "short_title"),
        "summary": _localized(objective, "summary"),
        "url": objective.get_absolute_url(),
        "actions": [action_view(action) for action in actions],
    }


def _action_summary(action: Action) -> dict:
    return {
        "code": action.code,
        "letter": action.letter,
        "title": _localized(action, "title"),
        "url": action.get_absolute_url(),
    }


def _action(action: Action) -> dict:
    return {
        **_action_summary(action),
        "objective": action.objective.number,
        "official_text": _localized(action, "text"),
        "official_text_source": _localized(action, "text_source"),
    }


def _link(link: ObjectiveIndicator) -> dict:
    return {
        "indicator": link.indicator.code,
        "objective": link.objective.number,
        "relevance": link.relevance,
        "policy_domain": link.policy_domain_id or "",
    }


def _indicator(indicator: SdgIndicator) -> dict:
    return {
        "code": indicator.code,
        "target": indicator.target.code,
        "goal": indicator.target.goal,
        "title": _localized(indicator, "title"),
        "unverified": indicator.unverified,
        "target_title": _localized(indicator.target, "title"),
        "custodians": indicator.custodians,
        "series": [{"code": s.code, "description": s.description} for s in indicator.series.all()],
        "objectives": [_link(link) for link in indicator.objective_links.all()],
        "url": indicator.get_absolute_url(),
    }


@router.get("/principles", response=list[PrincipleOut], summary="The ten guiding principles")
def principles(request):
    return [_principle(principle) for principle in services.list_principles()]


@router.get("/objectives", response=list[ObjectiveOut], summary="The 23 objectives and their actions")
def objectives(request):
    return [_objective(objective, _action_summary) for objective in services.list_objectives()]


@router.get(
    "/objectives/{number}",
    response=ObjectiveDetailOut,
    summary="One objective, its actions' official texts and SDG links",
)
def objective(request, number: Id):
    found = services.get_objective(number)
    return {**_objective(found, _action), "indicators": [_link(link) for link in found.indicator_links.all()]}


@router.get("/actions/{code}", response=ActionOut, summary="One action, by reference such as 20a")
def action(request, code: Code):
    return _action(services.get_action(code))


@router.get("/sdg-indicators", response=list[SdgIndicatorOut], summary="Migration-related SDG indicators")
def indicators(request):
    return [_indicator(indicator) for indicator in services.list_indicators()]


@router.get("/sdg-indicators/{code}", response=SdgIndicatorOut, summary="One SDG indicator, e.g. 10.7.2")
def indicator(request, code: Code):
    return _indicator(services.get_indicator(code))


@router.get("/sdg-series/{code}", response=SdgIndicatorOut, summary="The SDG indicator an SDMX series reports")
def indicator_for_series(request, code: Code):
    return _indicator(services.indicator_for_series(code))


def _milestone(milestone: FollowUpMilestone) -> dict:
    return {
        "date": milestone.date,
        "year": milestone.year,
        "symbol": milestone.symbol,
        "label": _localized(milestone, "label"),
        "unconfirmed": milestone.unconfirmed,
    }


def _follow_up(element: FollowUpElement) -> dict:
    schedule = None
    if element.has_schedule:
        schedule = {
            "first_year": element.schedule_first_year,
            "every_years": element.schedule_every,
            "between": element.schedule_between.slug if element.schedule_between_id else None,
            "years": element.scheduled_years(),
        }
    return {
        "slug": element.slug,
        "kind": element.kind,
        "part_of": element.parent.slug if element.parent_id else None,
        "paragraphs": element.paragraphs,
        "unconfirmed": element.unconfirmed,
        "name": _localized(element, "name"),
        "description": _localized(element, "description"),
        "coordinator": _localized(element, "coordinator") if element.coordinator_en else None,
        "executive_committee": element.executive_committee,
        "website": element.website,
        "schedule": schedule,
        "milestones": [_milestone(milestone) for milestone in element.milestones.all()],
        "url": element.get_absolute_url(),
    }


def _migof(element: MigofElement) -> dict:
    return {
        "kind": element.kind,
        "number": element.number,
        "name": _localized(element, "name"),
        "unverified": element.unverified,
        "description": _localized(element, "description"),
        "policy_domains": [domain.code for domain in element.policy_domains.all()],
    }


def _policy_domain(domain: PolicyDomain) -> dict:
    return {
        "code": domain.code,
        "number": domain.number,
        "name": _localized(domain, "name"),
        "description": _localized(domain, "description"),
        "migof": {"kind": domain.migof.kind, "number": domain.migof.number} if domain.migof_id else None,
        "objectives": [
            {"objective": link.objective.number, "relevance": link.relevance} for link in domain.objective_links.all()
        ],
        "url": domain.get_absolute_url(),
    }


@router.get(
    "/follow-up",
    response=list[FollowUpOut],
    summary="How the Compact is implemented, followed up and reviewed (IMRF, regional reviews …)",
)
def follow_up(request):
    return [_follow_up(element) for element in services.list_follow_up()]


@router.get("/migof", response=list[MigofOut], summary="IOM's Migration Governance Framework: principles, objectives")
def migof(request):
    return [_migof(element) for element in services.list_migof()]


@router.get(
    "/policy-domains", response=PolicyDomainsOut, summary="The six policy domains of SDG 10.7.2 and their 1–4 scale"
)
def policy_domains(request):
    return {
        "indicator": POLICY_DOMAIN_INDICATOR,
        "scale": [{"score": s.score, "label": _localized(s, "label")} for s in services.list_policy_scores()],
        "domains": [_policy_domain(domain) for domain in services.list_policy_domains()],
    }
