"""Stale flag (not verified for 6 months) and the reminders to the provider's
members and the country's focal point."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from gcmhub.protection import services
from gcmhub.protection.models import Service
from gcmhub.protection.reminders import reminders, stale_for

from .conftest import age


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    "today, expected",
    [("2026-09-03", False), ("2026-09-04", True), ("2027-01-01", True)],
)
def test_six_calendar_months_after_verification(today, expected, make_service):
    service = make_service(verified_on=d("2026-03-04"))
    assert services.is_stale(service, d(today)) is expected
    assert (service in services.stale_services(Service.objects.all(), d(today))) is expected


def test_month_ends_and_never_verified(make_service):
    assert services.months_before(d("2026-08-31"), 6) == d("2026-02-28")
    assert services.months_before(d("2026-03-15"), 6) == d("2025-09-15")
    fresh = make_service()
    assert not services.is_stale(fresh)
    old = age(make_service(name="Old"), 200)
    assert services.is_stale(old)
    assert list(services.stale_services(Service.objects.all())) == [old]
    # Closed services are never stale; verifying makes a service fresh again.
    closed = age(make_service(name="Closed", state="closed"), 400)
    assert not services.is_stale(closed)
    services.verify_service(None, old, old.version)
    assert not services.is_stale(old)


@pytest.fixture
def waiting(make_service, people, orgs, mexico):
    for user in (people.provider, people.provider_stakeholder, people.other_provider, people.focal_ken,
                 people.focal_mex, people.reviewer):  # fmt: skip
        user.email = f"{user.username}@example.org"
        user.save()
    stale = age(make_service(name="Stale shelter"), 190)
    age(make_service(name="Stale draft", published=False), 190)
    make_service(name="Fresh shelter")
    return stale


def test_provider_members_and_focal_point_are_reminded(waiting, people, settings):
    settings.GCMHUB_SITE_URL = "https://hub.example.org"
    call_command("services", "remind")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"provider@example.org", "provider-stakeholder@example.org", "focal-ken@example.org"}
    body = by_recipient["focal-ken@example.org"].body
    assert "Stale shelter — Nairobi Safe House (KEN)" in body and "never verified" in body
    assert "Fresh shelter" not in body and "Stale draft" not in body
    assert "1 service in the directory needs checking" in by_recipient["provider@example.org"].subject
    waiting.refresh_from_db()
    assert waiting.stale_reminded_on == datetime.date.today()


def test_dry_run_and_clock(waiting, people, capsys):
    call_command("services", "remind", "--dry-run")
    assert mail.outbox == []
    assert "focal-ken <focal-ken@example.org>: 1" in capsys.readouterr().out
    # Half a year earlier nothing was stale yet.
    earlier = datetime.date.today() - datetime.timedelta(days=183)
    assert reminders(earlier) == []
    assert list(stale_for(people.focal_mex)) == []


def test_commitment_reminders_do_not_list_services(waiting):
    from gcmhub.commitments.reminders import reminders as commitment_reminders

    assert all("Stale shelter" not in r.body for r in commitment_reminders())


def test_nobody_is_reminded_twice_within_the_interval(waiting, people, make_service, settings):
    from gcmhub.protection.models import ServiceReminder
    from gcmhub.protection.reminders import send_reminders

    today = datetime.date.today()
    assert {r.username for r in send_reminders(today)} == {"provider", "provider-stakeholder", "focal-ken"}
    log = ServiceReminder.objects.filter(service=waiting)
    assert sorted(log.values_list("recipient_username", flat=True)) == ["focal-ken", "provider", "provider-stakeholder"]
    # The next day: nothing new to say, so nobody gets a message.
    mail.outbox.clear()
    assert send_reminders(today + datetime.timedelta(days=1)) == [] and mail.outbox == []
    # A service that becomes stale meanwhile is still reminded, alone.
    newly = age(make_service(name="Newly stale"), 190)
    sent = send_reminders(today + datetime.timedelta(days=2))
    assert {r.username for r in sent} == {"provider", "provider-stakeholder", "focal-ken"}
    assert all("Newly stale" in r.body and "Stale shelter" not in r.body for r in sent)
    # Once the interval has passed, both are reminded again.
    settings.GCMHUB_SERVICE_REMINDER_INTERVAL_DAYS = 7
    again = send_reminders(today + datetime.timedelta(days=10))
    assert all("Newly stale" in r.body and "Stale shelter" in r.body for r in again)
    assert ServiceReminder.objects.filter(service=newly).count() == 6


def test_service_page_shows_the_reminder_log_to_editors_only(waiting, people, client):
    from gcmhub.protection.reminders import send_reminders

    send_reminders()
    url = f"/en/protection/services/{waiting.pk}/"
    assert "Reminders sent" not in client.get(url).content.decode()
    client.force_login(people.other_provider)
    assert "Reminders sent" not in client.get(url).content.decode()
    for editor in (people.provider, people.focal_ken, people.reviewer):
        client.force_login(editor)
        page = client.get(url).content.decode()
        assert "Reminders sent" in page and "provider-stakeholder" in page, editor


def test_the_command_says_what_it_does_not_repeat(waiting, capsys):
    call_command("services", "remind")
    capsys.readouterr()
    call_command("services", "remind", "--dry-run")
    err = capsys.readouterr().err
    assert "3 reminders of a service to a person, sent in the last 30 days, are not repeated." in err
    assert "Dry run: 0 users would get a reminder" in err
