"""E-mail reminders of what waits in each user's inbox (``inbox.py``).

``gcmhub commitments remind`` calls ``send_reminders`` once a day or week
from a scheduler (cron, a systemd timer). Every active user with an e-mail
address and something waiting gets one message listing it, with a link to
their inbox; users with nothing waiting get nothing. Mail goes through
Django's mail backend: the console (standard output) unless
``GCMHUB_EMAIL_BACKEND`` names another (see docs/commitments.md ("Commitments: import, export, inbox…")).

The mechanism (who gets a message, its layout, sending) is ``gcmhub.reminders``,
shared with the service directory's stale reminders; this module is the
commitments' topic. Nothing is recorded about what was sent: running it
twice sends twice, so schedule it, do not loop it.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub import reminders as mechanism
from gcmhub.reminders import Reminder, ReminderLine, ReminderSection, ReminderTopic

from .inbox import inbox_sections

__all__ = ["COMMITMENTS", "Reminder", "reminders", "send_reminders"]


def _sections(user, today: datetime.date | None) -> list[ReminderSection]:
    sections = []
    for section in inbox_sections(user, today):
        lines = [
            ReminderLine(
                f"{item.commitment.title} ({item.commitment.area.iso3 or item.commitment.area.m49})",
                item.detail,
                item.url,
            )
            for item in section.items
        ]
        sections.append(ReminderSection(section.label, lines, section.more))
    return sections


COMMITMENTS = ReminderTopic(
    sections=_sections,
    subject=lambda count: ngettext(
        "GCM Hub: %(count)d commitment item waits for you",
        "GCM Hub: %(count)d commitment items wait for you",
        count,
    ) % {"count": count},
    intro=lambda: _("These commitments wait for you in GCM Hub:"),
    page=lambda: (_("Your inbox: %(url)s"), reverse("commitments_inbox:inbox")),
    more=lambda: _("… and more: see your inbox."),
)


def reminders(today: datetime.date | None = None, usernames: list[str] | None = None) -> list[Reminder]:
    """The message each user with something waiting would get (nothing sent)."""
    return mechanism.reminders(COMMITMENTS, today, usernames)


def send_reminders(today: datetime.date | None = None, usernames: list[str] | None = None) -> list[Reminder]:
    """Send the reminders; returns what was sent."""
    return mechanism.send_reminders(COMMITMENTS, today, usernames)
