"""E-mail reminders: one message per user listing what waits for them.

The mechanism is shared; each app supplies a ``ReminderTopic``: what waits
for a user (``sections(user, today)``), the subject, the opening line and the
page to visit. ``gcmhub commitments remind`` sends the commitments' topic
(``gcmhub.commitments.reminders``), ``gcmhub services remind`` the stale
services of the directory (``gcmhub.protection.reminders``). Run them once a
day or week from a scheduler (cron, a systemd timer).

Every active user with an e-mail address and something waiting gets one
message per topic; users with nothing waiting get nothing. Mail goes through
Django's mail backend: the console (standard output) unless
``GCMHUB_EMAIL_BACKEND`` names another. Running a topic twice sends twice:
schedule it, do not loop it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Reminder:
    username: str
    email: str
    items: int
    subject: str
    body: str


@dataclass(frozen=True)
class ReminderLine:
    """One record waiting: ``text`` (a title), ``detail`` (why), ``url`` (a site path)."""

    text: str
    detail: str = ""
    url: str | None = None


@dataclass
class ReminderSection:
    label: str
    lines: list[ReminderLine] = field(default_factory=list)
    more: bool = False  # more wait than are listed


@dataclass(frozen=True)
class ReminderTopic:
    # (user, today) -> the sections waiting for that user, empty ones left out
    sections: Callable[[object, datetime.date | None], list[ReminderSection]]
    # count -> the subject line
    subject: Callable[[int], str]
    # the sentence before the list
    intro: Callable[[], str]
    # the closing link: () -> (label with %(url)s, site path), or None
    page: Callable[[], tuple[str, str] | None] = lambda: None
    # the line after a section that lists only part of what waits
    more: Callable[[], str] = lambda: _("… and more: see the site.")
    # narrows the users considered (a queryset of active users with an address)
    users: Callable[[object], object] = lambda users: users
    # called with what was sent and the date, after sending (e.g. to note when)
    after_send: Callable[[list[Reminder], datetime.date | None], None] | None = None


def reminders(topic: ReminderTopic, today: datetime.date | None = None,
              usernames: list[str] | None = None) -> list[Reminder]:  # fmt: skip
    """The message each user with something waiting would get (nothing sent)."""
    from gcmhub.actors.models import User

    users = User.objects.filter(is_active=True).exclude(email="").select_related("organization", "area")
    if usernames:
        users = users.filter(username__in=usernames)
    found = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in topic.users(users).order_by("username"):
            sections = [section for section in topic.sections(user, today) if section.lines]
            if sections:
                found.append(_message(topic, user, sections))
    return found


def send_reminders(topic: ReminderTopic, today: datetime.date | None = None,
                   usernames: list[str] | None = None) -> list[Reminder]:  # fmt: skip
    """Send the reminders; returns what was sent."""
    messages = reminders(topic, today, usernames)
    if messages:
        connection = get_connection()
        connection.send_messages([
            EmailMessage(reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, [reminder.email])
            for reminder in messages
        ])  # fmt: skip
        if topic.after_send is not None:
            topic.after_send(messages, today)
    return messages


def _message(topic: ReminderTopic, user, sections: list[ReminderSection]) -> Reminder:
    count = sum(len(section.lines) for section in sections)
    lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.username}, ""]
    lines.append(str(topic.intro()))
    for section in sections:
        lines += ["", str(section.label)]
        for line in section.lines:
            text = f"- {line.text}"
            if line.detail:
                text += f": {line.detail}"
            if line.url:
                text += f"\n  {settings.GCMHUB_SITE_URL}{line.url}"
            lines.append(text)
        if section.more:
            lines.append("- " + str(topic.more()))
    page = topic.page()
    if page:
        label, path = page
        lines += ["", label % {"url": settings.GCMHUB_SITE_URL + path}]
    lines += ["", _("You receive this because you have an account on GCM Hub with this address.")]
    return Reminder(user.username, user.email, count, str(topic.subject(count)), "\n".join(lines) + "\n")
