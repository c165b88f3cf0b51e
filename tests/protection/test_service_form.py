"""The service web form: the same write as the API (``services.save_service``),
permissions per role, the other country's focal point refused, concurrent
edits detected, what was typed kept, hostile input answered with 4xx."""

import pytest

from gcmhub.protection.models import Service

pytestmark = pytest.mark.django_db

NEW = "/en/protection/services/new/"


def form_data(provider, area="KEN", version="", **overrides):
    data = {
        "name": "Legal clinic for migrant workers",
        "provider": str(provider.pk),
        "area": area,
        "service_type": "legal_aid",
        "state": "active",
        "description": "Free legal advice on contracts and wages.",
        "situations": ["exploited_worker"],
        "groups": ["migrant_workers"],
        "eligibility": "Any migrant worker.",
        "cost": "Free of charge",
        "languages": "en, sw",
        "accessibility": "Ground floor.",
        "hours": "Mon-Fri 9:00-16:00",
        "referral_methods": ["phone", "walk_in"],
        "phone": "+254 700 000 111",
        "email": "clinic@example.org",
        "url": "https://example.org/clinic",
        "version": str(version),
        "location-TOTAL_FORMS": "2",
        "location-INITIAL_FORMS": "0",
        "location-MIN_NUM_FORMS": "0",
        "location-MAX_NUM_FORMS": "50",
        "location-0-name": "Kisumu office",
        "location-0-address": "Oginga Odinga Street",
        "location-0-admin_area": "Kisumu County",
        "location-0-latitude": "-0.0917",
        "location-0-longitude": "34.768",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_url(service):
    return f"/en/protection/services/{service.pk}/edit/"


def test_provider_creates_a_draft_of_their_own_organisation(client, people, orgs):
    client.force_login(people.provider)
    page = client.get(NEW)
    assert page.status_code == 200
    body = page.content.decode()
    assert "never enter names, case details" in body  # guidance next to the free-text fields
    response = client.post(NEW, form_data(orgs.shelter))
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(name="Legal clinic for migrant workers")
    assert response["Location"] == f"/en/protection/services/{service.pk}/"
    assert not service.is_published and service.provider == orgs.shelter and service.area.iso3 == "KEN"
    assert [s.code for s in service.situations.all()] == ["exploited_worker"]
    assert service.languages == ["en", "sw"]
    location = service.locations.get()
    assert location.admin_area == "Kisumu County" and location.latitude == pytest.approx(-0.0917)
    assert service.history.first().history_user == people.provider
    # Another organisation is not offered, and refused if sent.
    other = client.post(NEW, form_data(orgs.legal, name="Not mine"))
    assert other.status_code == 422
    assert not Service.objects.filter(name="Not mine").exists()


def test_links_from_directory_and_service_page(client, people, make_service):
    service = make_service()
    assert "/protection/services/new/" not in client.get("/en/protection/services/").content.decode()
    assert edit_url(service) not in client.get(f"/en/protection/services/{service.pk}/").content.decode()
    client.force_login(people.provider)
    assert "/protection/services/new/" in client.get("/en/protection/services/").content.decode()
    assert edit_url(service) in client.get(f"/en/protection/services/{service.pk}/").content.decode()


@pytest.mark.parametrize(
    "who, status",
    [("admin", 200), ("focal_ken", 200), ("provider", 200), ("provider_stakeholder", 200),
     ("other_provider", 403), ("focal_mex", 403), ("mex_provider", 403), ("reviewer", 403)],
)  # fmt: skip
def test_who_may_open_the_edit_form(client, people, make_service, who, status):
    service = make_service()
    client.force_login(getattr(people, who))
    assert client.get(edit_url(service)).status_code == status


def test_anonymous_is_sent_to_log_in(client, make_service):
    service = make_service()
    assert client.get(NEW).status_code == 302
    assert client.get(edit_url(service)).status_code == 302


def test_focal_point_cannot_create_or_move_in_another_country(client, people, orgs, make_service):
    client.force_login(people.focal_mex)
    response = client.post(NEW, form_data(orgs.mex_ngo, area="KEN", name="Across the border"))
    assert response.status_code == 422
    assert not Service.objects.filter(name="Across the border").exists()
    draft = make_service(published=False)
    # Another country's draft does not even exist for them; a published service is refused.
    assert client.post(edit_url(draft), form_data(orgs.shelter, version=draft.version)).status_code == 404
    public = make_service(name="Public shelter")
    assert client.post(edit_url(public), form_data(orgs.shelter, version=public.version)).status_code == 403
    # The Kenyan focal point may not move a service to Mexico either.
    client.force_login(people.focal_ken)
    moved = client.post(edit_url(draft), form_data(orgs.shelter, area="MEX", version=draft.version))
    assert moved.status_code == 422
    draft.refresh_from_db()
    assert draft.area.iso3 == "KEN"


def test_focal_point_edits_a_draft_live_and_a_published_service_is_held(client, people, orgs, make_service):
    client.force_login(people.focal_ken)
    draft = make_service(published=False)
    response = client.post(edit_url(draft), form_data(orgs.shelter, version=draft.version, name="Renamed draft"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Renamed draft"
    published = make_service(name="Published shelter")
    page = client.get(edit_url(published)).content.decode()
    assert "wait for a reviewer" in page
    response = client.post(edit_url(published), form_data(orgs.shelter, version=published.version, name="Proposed"))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.name == "Published shelter" and published.pending_changes["name"] == "Proposed"
    # The form starts from the change waiting for review.
    assert 'value="Proposed"' in client.get(edit_url(published)).content.decode()


def test_concurrent_edit_is_detected_and_input_kept(client, people, orgs, make_service):
    service = make_service(published=False)
    read = service.version
    client.force_login(people.focal_ken)
    assert client.post(edit_url(service), form_data(orgs.shelter, version=read, name="First")).status_code == 302
    client.force_login(people.provider)
    late = client.post(edit_url(service), form_data(orgs.shelter, version=read, name="Second, typed late"))
    assert late.status_code == 409
    body = late.content.decode()
    assert "Someone else changed this service" in body and "focal-ken" in body
    assert 'value="Second, typed late"' in body
    service.refresh_from_db()
    assert service.name == "First"


def test_validation_errors_keep_what_was_typed(client, people, orgs):
    client.force_login(people.focal_ken)
    response = client.post(
        NEW,
        form_data(orgs.shelter, email="not an address", languages="en, xx", **{"location-0-latitude": "91"}),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="not an address"' in body and "Legal clinic for migrant workers" in body
    assert 'value="en, xx"' in body
    # A service-level refusal (an unknown language) also lands next to its field.
    response = client.post(NEW, form_data(orgs.shelter, languages="en, xx"))
    assert response.status_code == 422
    assert "is not an ISO 639-1 language code" in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Shelter\x00"),
        ("description", "x" * 100_000),
        ("name", "\u200b\u202e\ufeff"),
        ("location-0-latitude", "1e400"),
        ("location-0-longitude", "nan"),
        ("version", "99999999999999999999999"),
        ("provider", "99999999999999999999999"),
        ("area", "\u202eKEN"),
        ("location-TOTAL_FORMS", "100000000"),
        ("situations", "unknown_situation"),
        ("phone", "+254 ☎ 000"),
    ],
)
def test_hostile_input_is_a_clear_4xx(client, people, orgs, make_service, field, value):
    client.force_login(people.focal_ken)
    service = make_service(published=False)
    for url, version in ((NEW, ""), (edit_url(service), service.version)):
        data = form_data(orgs.shelter, version=version)
        data[field] = value
        response = client.post(url, data)
        assert 400 <= response.status_code < 500, (field, response.status_code)
    assert Service.objects.count() == 1


def test_odd_but_valid_unicode_is_kept(client, people, orgs):
    client.force_login(people.focal_ken)
    text = "Ω≈ç√∫ 𝕳𝖊𝖑𝖑𝖔 ﷽ 👩🏽‍⚕️ עברית"
    assert client.post(NEW, form_data(orgs.shelter, description=text)).status_code == 302
    assert Service.objects.get().description == text


def test_undecodable_bytes_never_reach_the_database(client, people, orgs):
    """Django decodes a form body with replacement characters: stored as U+FFFD, never a 500."""
    from urllib.parse import urlencode

    client.force_login(people.focal_ken)
    body = urlencode(form_data(orgs.shelter), doseq=True) + "&name=%ED%A0%80%FF"
    response = client.post(NEW, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert set(Service.objects.get().name) == {"\ufffd"}


def review_url(service):
    return f"/en/protection/services/{service.pk}/review/"


def test_review_on_the_service_page(client, people, orgs, make_service):
    draft = make_service(published=False)
    client.force_login(people.reviewer)
    page = client.get(f"/en/protection/services/{draft.pk}/").content.decode()
    assert 'value="publish"' in page and 'value="verify"' in page
    assert client.post(review_url(draft), {"action": "publish", "version": draft.version}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    # A provider's edit waits; the reviewer publishes it, then verifies the service.
    client.force_login(people.provider)
    assert 'value="publish"' not in client.get(f"/en/protection/services/{draft.pk}/").content.decode()
    client.post(edit_url(draft), form_data(orgs.shelter, version=draft.version, name="Proposed name"))
    draft.refresh_from_db()
    assert draft.has_pending_changes
    assert client.post(review_url(draft), {"action": "publish", "version": draft.version}).status_code == 403
    client.force_login(people.reviewer)
    stale_version = draft.version - 1
    client.post(review_url(draft), {"action": "publish", "version": stale_version})
    draft.refresh_from_db()
    assert draft.name != "Proposed name"  # a stale version is refused
    client.post(review_url(draft), {"action": "publish", "version": draft.version})
    draft.refresh_from_db()
    assert draft.name == "Proposed name" and not draft.has_pending_changes
    client.post(review_url(draft), {"action": "verify", "version": draft.version})
    draft.refresh_from_db()
    assert draft.last_verified_on is not None and draft.last_verified_by == people.reviewer
    # The provider discards their own next proposal.
    client.force_login(people.provider)
    client.post(edit_url(draft), form_data(orgs.shelter, version=draft.version, name="Second thoughts"))
    draft.refresh_from_db()
    client.post(review_url(draft), {"action": "discard", "version": draft.version})
    draft.refresh_from_db()
    assert not draft.has_pending_changes and draft.name == "Proposed name"
    assert client.post(review_url(draft), {"action": "explode", "version": "x\x00"}).status_code in (302, 400)
