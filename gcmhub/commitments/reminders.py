"""E-mail reminders of what waits in each user's inbox (``inbox.py``).

``gcmhub commitments remind`` calls ``send_reminders`` once a day or week
from a scheduler (cron, a systemd timer). Every active user with an e-mail
address and something waiting gets one message listing it, with a link to
their inbox; users with nothing waiting get nothing. Mail goes through
Django's mail backend: the console (standard output) unless
``GCMHUB_EMAIL_BACKEND`` names another (see docs/commitments.md ("Commitments: import, export, inbox…")).

Nothing is recorded about what was sent: running it twice sends twice, so
schedule it, do not loop it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .inbox import InboxSection, inbox_sections


@dataclass(frozen=True)
class Reminder:
    username: str
    email: str
    items: int
    subject: str
    body: str


def reminders(today: datetime.date | None = None, usernames: list[str] | None = None) -> list[Reminder]:
    """The message each user with something waiting would get (nothing sent)."""
    from gcmhub.actors.models import User

    users = User.objects.filter(is_active=True).exclude(email="").select_related("organization", "area")
    if usernames:
        users = users.filter(username__in=usernames)
    found = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in users.order_by("username"):
            sections = inbox_sections(user, today)
            if sections:
                found.append(_message(user, sections))
    return found


def send_reminders(today: datetime.date | None = None, usernames: list[str] | None = None) -> list[Reminder]:
    """Send the reminders; returns what was sent."""
    messages = reminders(today, usernames)
    if messages:
        connection = get_connection()
        connection.send_messages([
            EmailMessage(reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, [reminder.email])
            for reminder in messages
        ])  # fmt: skip
    return messages


def _message(user, sections: list[InboxSection]) -> Reminder:
    count = sum(len(section.items) for section in sections)
    subject = ngettext(
        "GCM Hub: %(count)d commitment item waits for you",
        "GCM Hub: %(count)d commitment items wait for you",
        count,
    ) % {"count": count}
    lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.username}, ""]
    lines.append(_("These commitments wait for you in GCM Hub:"))
    for section in sections:
        lines += ["", section.label]
        for item in section.items:
            text = f"- {item.commitment.title} ({item.commitment.area.iso3 or item.commitment.area.m49})"
            if item.detail:
                text += f": {item.detail}"
            if item.url:
                text += f"\n  {settings.GCMHUB_SITE_URL}{item.url}"
            lines.append(text)
        if section.more:
            lines.append("- " + _("… and more: see your inbox."))
    lines += ["", _("Your inbox: %(url)s") % {"url": settings.GCMHUB_SITE_URL + reverse("commitments_inbox:inbox")}]
    lines += ["", _("You receive this because you have an account on GCM Hub with this address.")]
    return Reminder(user.username, user.email, count, subject, "\n".join(lines) + "\n")
