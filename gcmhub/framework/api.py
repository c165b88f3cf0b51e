"""Read-only API for the framework: /api/v1/objectives, /actions, /principles,
/sdg-indicators and /sdg-series.

Texts come in all three languages at once (``{"en": …, "fr": …, "es": …}``)
so that a client can cache one response whatever its users read.
"""

from ninja import Router, Schema

from gcmhub.framework import services
from gcmhub.framework.models import Action, Objective, ObjectiveIndicator, Principle, SdgIndicator
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


class SeriesOut(Schema):
    code: str
    description: str


class IndicatorOut(Schema):
    code: str
    target: str
    goal: int
    title: Localized
    target_title: Localized
    custodians: str
    series: list[SeriesOut]
    objectives: list[IndicatorLinkOut]
    url: str


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
        "policy_domain": link.policy_domain,
    }


def _indicator(indicator: SdgIndicator) -> dict:
    return {
        "code": indicator.code,
        "target": indicator.target.code,
        "goal": indicator.target.goal,
        "title": _localized(indicator, "title"),
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
def objective(request, number: int):
    found = services.get_objective(number)
    return {**_objective(found, _action), "indicators": [_link(link) for link in found.indicator_links.all()]}


@router.get("/actions/{code}", response=ActionOut, summary="One action, by reference such as 20a")
def action(request, code: str):
    return _action(services.get_action(code))


@router.get("/sdg-indicators", response=list[IndicatorOut], summary="Migration-related SDG indicators")
def indicators(request):
    return [_indicator(indicator) for indicator in services.list_indicators()]


@router.get("/sdg-indicators/{code}", response=IndicatorOut, summary="One SDG indicator, e.g. 10.7.2")
def indicator(request, code: str):
    return _indicator(services.get_indicator(code))


@router.get("/sdg-series/{code}", response=IndicatorOut, summary="The SDG indicator an SDMX series reports")
def indicator_for_series(request, code: str):
    return _indicator(services.indicator_for_series(code))
