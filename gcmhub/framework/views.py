"""Pages that show the Compact: objectives, actions, principles, SDG
indicators, and how the Compact is implemented, followed up and reviewed."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from gcmhub.errors import NotFound
from gcmhub.framework import services
from gcmhub.framework.catalogue import POLICY_DOMAIN_INDICATOR
from gcmhub.framework.models import CALENDAR_UNTIL, Action, FollowUpElement
from gcmhub.framework.sections import objective_sections
from gcmhub.i18n import current_language
from gcmhub.pagecache import public_page_cache


@dataclass(frozen=True)
class ActionRow:
    """An action with its official text in the reader's language, or in
    English when that translation has not been imported, marked as such so
    the page can tell screen readers which language they are reading."""

    action: Action
    text: str
    text_language: str
    source: str


def _action_row(action: Action, language: str) -> ActionRow:
    for candidate in dict.fromkeys((language, "en")):
        text = getattr(action, f"text_{candidate}")
        if text:
            return ActionRow(action, text, candidate, getattr(action, f"text_source_{candidate}"))
    return ActionRow(action, "", language, "")


def _found(lookup, *args):
    try:
        return lookup(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_safe
@public_page_cache
def objective_list(request):
    context = {
        "objectives": services.list_objectives(),
        "migof": services.list_migof(),
    }
    return render(request, "framework/objective_list.html", context)


def _data_pages(sdg_indicator_ids) -> dict[int, str]:
    """{SDG indicator id: its data page} for the indicators that hold data.

    The indicators app is reached through the app registry, not imported: the
    framework is the reference every other app builds on, and a site without
    the data app simply shows no data links."""
    try:
        series_model = apps.get_model("indicators", "Series")
        observation_model = apps.get_model("indicators", "Observation")
    except LookupError:
        return {}
    with_data = observation_model.objects.order_by().filter(series_id=OuterRef("pk"))
    rows = (
        series_model.objects.filter(indicator__sdg_indicator_id__in=list(sdg_indicator_ids))
        .filter(Exists(with_data))
        .values_list("indicator__sdg_indicator_id", "indicator__code")
    )
    return {sdg_id: reverse("indicators:indicator", args=[code]) for sdg_id, code in rows}


@require_safe
@public_page_cache
def objective_detail(request, number: int):
    objective = _found(services.get_objective, number)
    language = current_language()
    links = list(objective.indicator_links.all())
    data_pages = _data_pages({link.indicator_id for link in links})
    for link in links:
        link.data_url = data_pages.get(link.indicator_id, "")
    context = {
        "objective": objective,
        "actions": [_action_row(action, language) for action in objective.actions.all()],
        # Only administrators, who can import them, are told which texts are missing.
        "can_import_texts": request.user.has_perm("framework.import_official_text"),
        "links": links,
        "has_data": bool(data_pages),
        "sections": objective_sections(objective),
    }
    context["previous"], context["next"] = services.adjacent_objectives(objective)
    return render(request, "framework/objective_detail.html", context)


@require_safe
@public_page_cache
def principle_list(request):
    return render(request, "framework/principle_list.html", {"principles": services.list_principles()})


@require_safe
@public_page_cache
def indicator_list(request):
    return render(request, "framework/indicator_list.html", {"indicators": services.list_indicators()})


@require_safe
@public_page_cache
def indicator_detail(request, code: str):
    indicator = _found(services.get_indicator, code)
    context = {"indicator": indicator, "data_url": _data_pages([indicator.pk]).get(indicator.pk, "")}
    if indicator.code == POLICY_DOMAIN_INDICATOR:
        context["policy_domains"] = services.list_policy_domains()
        context["policy_scores"] = services.list_policy_scores()
    return render(request, "framework/indicator_detail.html", context)


# Linked from the top of the follow-up page: the two bodies people look for.
QUICK_LINKS = ("capacity-building-mechanism", "un-network-on-migration")


@require_safe
@public_page_cache
def follow_up(request):
    elements = services.list_follow_up()
    top_level = [element for element in elements if element.parent_id is None]
    context = {
        "implementation": [e for e in top_level if e.kind == FollowUpElement.Kind.IMPLEMENTATION],
        "follow_up": [e for e in top_level if e.kind == FollowUpElement.Kind.FOLLOW_UP],
        "calendar": services.follow_up_calendar(elements),
        "calendar_until": CALENDAR_UNTIL,
        # Elements that recur without a first year have no row in the calendar.
        "recurring": [e for e in elements if e.schedule_every and e.schedule_first_year is None],
        "quick_links": [e for e in top_level if e.slug in QUICK_LINKS],
    }
    return render(request, "framework/follow_up.html", context)
