"""Stale services: their provider's members and the country's focal point
are reminded, through the same mechanism as commitment reminders
(``gcmhub.reminders``).

A published service not verified for ``STALE_AFTER_MONTHS`` months (never
verified: counted from when it was entered) is stale (``services.is_stale``).
``gcmhub services remind`` sends each contributor or stakeholder of a
provider organisation the stale services of that organisation, and each
focal point the stale services of their country. The date of the reminder
is noted on the service (``stale_reminded_on``, shown to its editors); it
does not stop the next run from reminding again: schedule it, do not loop it.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub import dataversion
from gcmhub import reminders as mechanism
from gcmhub.actors.rules import is_focal_point, is_member
from gcmhub.reminders import Reminder, ReminderLine, ReminderSection, ReminderTopic

from .models import STALE_AFTER_MONTHS, Service
from .services import stale_services, verified_or_created_on

LIMIT = 50


def service_url(service: Service) -> str | None:
    """The service's page on the site, if the web pages are installed."""
    try:
        return reverse("protection:service", args=[service.pk])
    except NoReverseMatch:
        return None


def stale_for(user, today: datetime.date | None = None):
    """The published stale services ``user`` is reminded of: their
    organisation's (contributor, stakeholder) and their country's (focal point)."""
    scope = Q(pk__in=[])
    if is_member(user) and user.organization_id:
        scope |= Q(provider_id=user.organization_id)
    if is_focal_point(user) and user.area_id:
        scope |= Q(area_id=user.area_id)
    services = Service.objects.filter(is_published=True).filter(scope).select_related("area", "provider")
    return stale_services(services, today).order_by("last_verified_on", "created_at", "pk")


def _detail(service: Service) -> str:
    if service.last_verified_on:
        return _("last verified %(date)s") % {"date": service.last_verified_on.isoformat()}
    return _("never verified (entered %(date)s)") % {"date": verified_or_created_on(service).isoformat()}


def _sections(user, today: datetime.date | None) -> list[ReminderSection]:
    found = list(stale_for(user, today)[: LIMIT + 1])
    if not found:
        return []
    lines = [
        ReminderLine(f"{service.name} — {service.provider.name} ({service.area.iso3 or service.area.m49})",
                     _detail(service), service_url(service))
        for service in found[:LIMIT]
    ]  # fmt: skip
    label = ngettext(
        "Services not verified for %(months)d month", "Services not verified for %(months)d months", STALE_AFTER_MONTHS
    ) % {"months": STALE_AFTER_MONTHS}
    return [ReminderSection(label, lines, len(found) > LIMIT)]


def _page():
    try:
        return _("The service directory: %(url)s"), reverse("protection:directory")
    except NoReverseMatch:
        return None


def _noted(sent: list[Reminder], today: datetime.date | None) -> None:
    """Note on each service when its editors were last reminded."""
    from gcmhub.actors.models import User

    day = today or timezone.localdate()
    ids: set[int] = set()
    for user in User.objects.filter(username__in=[r.username for r in sent]):
        ids.update(stale_for(user, today).values_list("pk", flat=True)[: LIMIT + 1])
    if ids:
        Service.objects.filter(pk__in=ids).update(stale_reminded_on=day)
        dataversion.bump()


STALE_SERVICES = ReminderTopic(
    sections=_sections,
    subject=lambda count: ngettext(
        "GCM Hub: %(count)d service in the directory needs checking",
        "GCM Hub: %(count)d services in the directory need checking",
        count,
    ) % {"count": count},
    intro=lambda: _(
        "People are referred to these services, but nobody has confirmed them for six months. Check each one: "
        "update what changed (a reviewer then publishes it), mark it suspended or closed if it no longer runs, "
        "or ask a reviewer to verify it as it is."
    ),
    page=_page,
    more=lambda: _("… and more: see the service directory."),
    users=lambda users: users.filter(Q(organization__isnull=False) | Q(area__isnull=False)),
    after_send=_noted,
)


def reminders(today: datetime.date | None = None, usernames: list[str] | None = None) -> list[Reminder]:
    """The message each user with stale services would get (nothing sent)."""
    return mechanism.reminders(STALE_SERVICES, today, usernames)


def send_reminders(today: datetime.date | None = None, usernames: list[str] | None = None) -> list[Reminder]:
    return mechanism.send_reminders(STALE_SERVICES, today, usernames)
