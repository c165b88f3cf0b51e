"""Stale services: their provider's members and the country's focal point
are reminded, through the same mechanism as commitment reminders
(``gcmhub.reminders``).

A published service not verified for ``STALE_AFTER_MONTHS`` months (never
verified: counted from when it was entered) is stale (``services.is_stale``).
``gcmhub services remind`` sends each contributor or stakeholder of a
provider organisation the stale services of that organisation, and each
focal point the stale services of their country. Every reminder sent is
logged (``ServiceReminder``: service, recipient, day), and a service is left
out of a person's next message until ``interval_days()`` (default 30,
``GCMHUB_SERVICE_REMINDER_INTERVAL_DAYS``) have passed — so a daily run
reminds each person of each stale service once a month, not every day. The
service page shows the log to the service's editors; the date of the last
reminder is also noted on the service (``stale_reminded_on``).
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

from .models import STALE_AFTER_MONTHS, Service, ServiceReminder
from .services import stale_services, verified_or_created_on

LIMIT = 50
DEFAULT_INTERVAL_DAYS = 30


def interval_days() -> int:
    """Days before the same person is reminded of the same service again."""
    from django.conf import settings

    return int(getattr(settings, "GCMHUB_SERVICE_REMINDER_INTERVAL_DAYS", DEFAULT_INTERVAL_DAYS))


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


def recent_reminders(today: datetime.date | None = None):
    """The reminders sent within the interval up to ``today``: not repeated now."""
    day = today or timezone.localdate()
    return ServiceReminder.objects.filter(sent_on__gt=day - datetime.timedelta(days=interval_days()), sent_on__lte=day)


def due_for(user, today: datetime.date | None = None):
    """``stale_for`` less the services ``user`` was reminded of within the interval."""
    recent = recent_reminders(today).filter(recipient=user)
    return stale_for(user, today).exclude(pk__in=recent.values("service_id"))


def _detail(service: Service) -> str:
    if service.last_verified_on:
        return _("last verified %(date)s") % {"date": service.last_verified_on.isoformat()}
    return _("never verified (entered %(date)s)") % {"date": verified_or_created_on(service).isoformat()}


def _sections(user, today: datetime.date | None) -> list[ReminderSection]:
    found = list(due_for(user, today)[: LIMIT + 1])
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
    """Log who was reminded of which service (the services their message
    listed) and note on each service when its editors were last reminded."""
    from gcmhub.actors.models import User

    day = today or timezone.localdate()
    ids: set[int] = set()
    log = []
    for user in User.objects.filter(username__in=[r.username for r in sent]):
        listed = list(due_for(user, today).values_list("pk", flat=True)[:LIMIT])
        ids.update(listed)
        log += [ServiceReminder(service_id=pk, recipient=user, recipient_username=user.username, sent_on=day)
                for pk in listed]  # fmt: skip
    if ids:
        ServiceReminder.objects.bulk_create(log)
        Service.objects.filter(pk__in=ids).update(stale_reminded_on=day)
        dataversion.bump()


def reminder_log(service: Service, limit: int = 20) -> list[ServiceReminder]:
    """The latest reminders sent about ``service`` (for its editors)."""
    return list(service.stale_reminders.all()[:limit])


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
