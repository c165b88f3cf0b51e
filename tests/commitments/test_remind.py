"""``gcmhub commitments remind``: one e-mail per user with something waiting, through Django's mail backend."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gcmhub.commitments.models import Commitment
from gcmhub.commitments.reminders import reminders


@pytest.fixture
def waiting(make_commitment, people):
    for user in (people.reviewer, people.contributor_ken, people.focal_mex, people.outsider):
        user.email = f"{user.username}@example.org"
        user.save()
    stale = make_commitment("published", title="Legal aid desks")
    moment = timezone.now() - datetime.timedelta(days=420)
    Commitment.objects.filter(pk=stale.pk).update(last_reported_at=moment, created_at=moment)
    make_commitment("submitted", title="Waiting for approval")
    return stale


def test_each_user_with_something_waiting_gets_one_message(waiting, people, settings):
    settings.GCMHUB_SITE_URL = "https://hub.example.org"
    call_command("commitments", "remind")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    # focal-mex and the outsider have nothing waiting in their scope: no e-mail.
    assert set(by_recipient) == {"reviewer@example.org", "contributor-ken@example.org"}
    contributor = by_recipient["contributor-ken@example.org"]
    assert "Legal aid desks (KEN)" in contributor.body and "Stale commitments" in contributor.body
    assert "https://hub.example.org/en/inbox/" in contributor.body
    assert contributor.from_email == settings.DEFAULT_FROM_EMAIL
    reviewer = by_recipient["reviewer@example.org"]
    assert "Waiting for approval" in reviewer.body and "Legal aid desks" not in reviewer.body


def test_dry_run_sends_nothing_and_user_narrows(waiting, people, capsys):
    call_command("commitments", "remind", "--dry-run")
    assert mail.outbox == []
    out = capsys.readouterr().out
    assert "reviewer <reviewer@example.org>: 1" in out and "contributor-ken" in out
    call_command("commitments", "remind", "--user", "reviewer")
    assert [message.to for message in mail.outbox] == [["reviewer@example.org"]]


def test_today_moves_the_clock_and_unknown_user_is_refused(waiting, people):
    # A year earlier the commitment was not stale yet: only the reviewer's approval waits.
    earlier = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    assert {r.username for r in reminders(datetime.date.fromisoformat(earlier))} == {"reviewer"}
    with pytest.raises(CommandError, match="No account named ghost"):
        call_command("commitments", "remind", "--user", "ghost")


def test_users_without_address_or_inactive_get_nothing(waiting, people):
    people.contributor_ken.is_active = False
    people.contributor_ken.save()
    people.reviewer.email = ""
    people.reviewer.save()
    assert reminders() == []


def test_the_console_backend_is_the_default(settings):
    from django.conf import settings as live

    # The test runner swaps in the locmem backend; the site's own setting is the console.
    import gcmhub.settings as site_settings

    assert site_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert live.EMAIL_BACKEND.endswith("locmem.EmailBackend")
