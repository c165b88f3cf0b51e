"""Referral pathways: reading them, the editor's input, the referral card.

A pathway is, for one situation in one country, the ordered steps a
frontline worker follows: first contact, then specialised services, then
follow-up. Its focal point (the country's) edits it; admins too. The write
itself is ``services.save_pathway`` (permission, version, same-country
services, history); ``create_pathway``/``edit_pathway`` here first turn the
editor's input into what it takes, checking

* the steps: at least one, at most ``MAX_STEPS``, kinds in the order
  first contact → specialised → follow-up, each with something to do or a
  service;
* every service id through ``gcmhub.references`` (a service the editor may
  not read is refused like an unknown one), active (not suspended or
  closed) and in the pathway's country.

The API (``web_api.py``: ``POST``/``PUT /referral-pathways``) calls the
same two functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from gcmhub import references
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.text import text_problem

MAX_STEPS = 12
MAX_SERVICES_PER_STEP = 20
KIND_ORDER = ("first_contact", "specialised", "follow_up")
TITLE_MAX = 300
TEXT_MAX = 1000


@dataclass
class StepInput:
    kind: str
    description: str = ""
    services: list[int] = field(default_factory=list)


@dataclass
class PathwayInput:
    title: str
    notes: str = ""
    steps: list[StepInput] = field(default_factory=list)


def visible_pathways(user) -> QuerySet:
    """Every pathway is public (it holds no personal data); the services of
    its steps are filtered on reading (``step_services``)."""
    from gcmhub.protection.models import ReferralPathway, ReferralStep

    steps = ReferralStep.objects.order_by("order").prefetch_related("services")
    return ReferralPathway.objects.select_related("area", "situation").prefetch_related(
        Prefetch("steps", queryset=steps)
    )


def get_pathway(user, pathway_id: int):
    found = visible_pathways(user).filter(pk=pathway_id).first()
    if found is None:
        raise NotFound(_("No such referral pathway."))
    return found


def step_services(user, step) -> list:
    """The services of ``step`` that ``user`` may read (the public: published ones)."""
    return [service for service in step.services.all() if references.shown(user, service)]


def filter_pathways(queryset: QuerySet, *, area: str = "", situation: str = "") -> QuerySet:
    if area:
        queryset = queryset.filter(area__iso3=area.upper())
    if situation:
        queryset = queryset.filter(situation__code=situation)
    return queryset


def _check_text(value: str, limit: int, name: str) -> str:
    value = (value or "").strip()
    problem = text_problem(value)
    if problem:
        raise InvalidInput(problem, field=name)
    if len(value) > limit:
        raise InvalidInput(_("At most %(limit)d characters.") % {"limit": limit}, field=name)
    return value


def _checked_steps(actor, area, steps: list[StepInput]) -> list[dict]:
    from gcmhub.protection.models import Service

    if not steps:
        raise InvalidInput(_("A pathway has at least one step."), field="steps")
    if len(steps) > MAX_STEPS:
        raise InvalidInput(_("A pathway has at most %(count)d steps.") % {"count": MAX_STEPS}, field="steps")
    checked, last_rank = [], 0
    for position, step in enumerate(steps, start=1):
        where = f"steps[{position}]"
        if step.kind not in KIND_ORDER:
            raise InvalidInput(_("Unknown kind of step: %(kind)s.") % {"kind": step.kind}, field=f"{where}.kind")
        rank = KIND_ORDER.index(step.kind)
        if rank < last_rank:
            raise InvalidInput(
                _("Step %(position)d comes too late: steps go from first contact to specialised services to follow-up.")
                % {"position": position},
                field=f"{where}.kind",
            )
        last_rank = rank
        description = _check_text(step.description, TEXT_MAX, f"{where}.description")
        if len(step.services) > MAX_SERVICES_PER_STEP:
            raise InvalidInput(
                _("At most %(count)d services per step.") % {"count": MAX_SERVICES_PER_STEP}, field=f"{where}.services"
            )
        services = []
        for service_id in dict.fromkeys(step.services):
            service = references.resolve(actor, Service, service_id, field=f"{where}.services")
            if service.state != Service.State.ACTIVE:
                raise InvalidInput(
                    _("Service %(id)s is %(state)s: a pathway sends people only to active services.")
                    % {"id": service_id, "state": service.get_state_display().lower()},
                    field=f"{where}.services",
                )
            if service.area_id != area.pk:
                raise InvalidInput(
                    _("Service %(id)s is not in this pathway's country.") % {"id": service_id},
                    field=f"{where}.services",
                )
            services.append(service)
        if not description and not services:
            raise InvalidInput(_("Say what to do at this step or name a service."), field=f"{where}.description")
        checked.append({"kind": step.kind, "description": description, "services": services})
    return checked


def create_pathway(actor, *, area, situation, data: PathwayInput, is_demo: bool = False):
    from gcmhub.protection import services
    from gcmhub.protection.models import ReferralPathway

    # Out of the actor's country is refused before the steps are looked at.
    services.require(actor, services.ADD_PATHWAY, ReferralPathway(area=area, situation=situation))
    steps = _checked_steps(actor, area, data.steps)
    return services.save_pathway(
        actor, None, area=area, situation=situation, title=_check_text(data.title, TITLE_MAX, "title"),
        notes=_check_text(data.notes, TEXT_MAX, "notes"), steps=steps, is_demo=is_demo,
    )  # fmt: skip


def edit_pathway(actor, pathway, data: PathwayInput, expected_version: int):
    """Replace the pathway's texts and steps (EditConflict if it changed since ``expected_version``)."""
    from gcmhub.protection import services

    services.require(actor, services.CHANGE_PATHWAY, pathway)
    steps = _checked_steps(actor, pathway.area, data.steps)
    return services.save_pathway(
        actor, pathway, area=pathway.area, situation=pathway.situation,
        title=_check_text(data.title, TITLE_MAX, "title"), notes=_check_text(data.notes, TEXT_MAX, "notes"),
        steps=steps, expected_version=expected_version, is_demo=pathway.is_demo,
    )  # fmt: skip


def _place(service) -> str:
    location = next(iter(service.locations.all()), None)
    if location is None:
        return ""
    return ", ".join(part for part in (location.name, location.address, location.admin_area) if part)


def card_for(reader, pathway, language: str, *, url: str = "", today=None):
    """The referral card of ``pathway`` in ``language`` (``cards.Card``): the
    steps with the services ``reader`` may see, at most
    ``cards.MAX_SERVICES_PER_STEP`` each, and the labels in that language."""
    from django.utils import timezone, translation

    from gcmhub.protection import cards
    from gcmhub.protection.services import is_stale

    today = today or timezone.localdate()
    with translation.override(language):
        steps = []
        for step in pathway.steps.all():
            shown = [s for s in step_services(reader, step) if s.state == "active"]
            kept = shown[: cards.MAX_SERVICES_PER_STEP]
            steps.append(
                cards.CardStep(
                    order=step.order,
                    kind=step.kind,
                    kind_label=str(step.get_kind_display()),
                    description=step.description,
                    services=tuple(
                        cards.CardService(
                            name=service.name,
                            provider=service.provider.name,
                            phone=service.phone,
                            email=service.email,
                            hours=service.hours,
                            place=_place(service),
                            languages=", ".join(service.languages or ()),
                            stale=is_stale(service, today),
                        )
                        for service in kept
                    ),
                    more=len(shown) - len(kept),
                )
            )
        labels = {
            "demo": _("Demo data: invented for trying GCM Hub out. Do not use for real referrals."),
            "card": _("Referral card"),
            "stale": _("not verified for 6 months: check before referring"),
            "phone": _("Phone"),
            "languages": _("Languages"),
            "more": _("%(count)d more in the online directory"),
            "privacy": _("This card lists services, never people. Do not write case details on it."),
            "as_of": _("As of %(date)s") % {"date": today.isoformat()},
        }
        return cards.Card(
            language=language,
            title=pathway.title,
            situation=pathway.situation.title(language),
            country=pathway.area.tr("name") if hasattr(pathway.area, "tr") else str(pathway.area),
            steps=tuple(steps),
            notes=pathway.notes,
            is_demo=pathway.is_demo,
            url=url,
            as_of=today.isoformat(),
            labels=labels,
        )
