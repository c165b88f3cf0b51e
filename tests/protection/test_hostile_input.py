"""Hostile input on the protection API and pages: NUL bytes, very long
strings, invisible and odd Unicode, huge numbers. Every one is a clear 4xx
naming the field (or a 302 for what is valid), never a 500, and nothing is
written."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.protection.models import Service, ServiceImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def service_body(orgs, **overrides):
    body = {"name": "Legal clinic", "service_type": "legal_aid", "provider": orgs.shelter.pk, "area": "KEN"}
    body.update(overrides)
    return body


HOSTILE_SERVICE_FIELDS = [
    {"name": "Clinic\x00"},
    {"name": "\ud800"},
    {"name": "x" * 100_000},
    {"name": "\u200b\u202e\u2066"},
    {"description": "y" * 100_000},
    {"provider": 2**70},
    {"provider": -1},
    {"provider": "1"},
    {"area": "K" * 10_000},
    {"area": "KEN\x00"},
    {"situations": ["x" * 10_000]},
    {"situations": ["unaccompanied_child"] * 1000},
    {"languages": ["en\x00"]},
    {"stages": ["transit"] * 100},
    {"locations": [{"latitude": 1e308 * 10, "longitude": 0}]},
    {"locations": [{"latitude": 10**400, "longitude": 0}]},
    {"locations": [{"latitude": "1", "longitude": "2"}]},
    {"locations": [{"name": "a"}] * 10_000},
    {"phone": "+254 ☎ 000"},
    {"url": "javascript:alert(1)"},
    {"email": "a@" + "b" * 300 + ".org"},
    {"state": "deleted"},
    {"is_published": True},
]


@pytest.mark.parametrize("override", HOSTILE_SERVICE_FIELDS, ids=lambda o: next(iter(o)))
def test_service_create_refuses_hostile_fields(api, bearer, people, orgs, override):
    response = api.post("/services", json=service_body(orgs, **override), headers=bearer(people.focal_ken))
    assert response.status_code in (400, 422), (override, response.status_code)
    assert response.json()["detail"]
    assert not Service.objects.exists()


def test_raw_bodies(api, bearer, people, orgs, make_service):
    headers = {**bearer(people.focal_ken), "content_type": "application/json"}
    service = make_service(published=False)
    for raw in ('{"name": "a", ', '{"version": 1e400}', '{"version": 99999999999999999999999999}', "[]",
                '{"version": NaN}', '\x00', '{"version": 1, "version": 2, "name": "dup"}'):  # fmt: skip
        response = api.patch(f"/services/{service.pk}", data=raw, **headers)
        assert 400 <= response.status_code < 500, (raw, response.status_code)
    service.refresh_from_db()
    assert service.name != "dup" or service.version > 1


@pytest.mark.parametrize(
    "path",
    ["/services/99999999999999999999999", "/services/-1", "/services/imports/99999999999999999999",
     "/referral-pathways/0", "/services/%00", "/protection/gaps/%00%00%00"],
)  # fmt: skip
def test_odd_ids_in_paths(api, bearer, people, path):
    response = api.get(path, headers=bearer(people.admin))
    assert response.status_code in (404, 422), (path, response.status_code)


@pytest.mark.parametrize(
    "fields",
    [
        {"format": "x" * 10_000},
        {"format": "hsds-json\x00"},
        {"format": "hsds-json", "area": "KEN\x00"},
        {"format": "hsds-json", "area": "Z" * 5000},
        {"format": "hsds-json", "type": "\ud800"},
        {"format": "hsds-json", "type": "nothing"},
        {"format": "hsds-json", "dry_run": "maybe"},
        {"format": "hsds-json", "unknown": "1"},
    ],
)
def test_import_form_fields(api, bearer, people, media, fields):
    files = {"file": SimpleUploadedFile("s.json", b"{}")}
    response = api.post("/services/import", data=fields, FILES=files, headers=bearer(people.admin))
    assert response.status_code in (400, 422), (fields, response.status_code)
    assert not ServiceImport.objects.exists()


def test_import_file_contents_are_refused_with_their_place(
    api, bearer, people, media, django_capture_on_commit_callbacks
):
    headers = bearer(people.admin)
    bodies = {
        "nul.json": b'{"id": "a", "name": "Clinic\\u0000", "organization": {"name": "O"}}',
        "deep.json": b"[" * 40 + b"]" * 40,
        "nan.json": b'{"id": "a", "name": "x", "latitude": NaN}',
        "huge.json": json.dumps({"id": "a", "name": "n" * 100_000, "organization": {"name": "O"}}).encode(),
        "bytes.json": b'{"id": "a", "name": "\xff\xfe"}',
    }
    for name, content in bodies.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                "/services/import", data={"format": "hsds-json", "area": "KEN"},
                FILES={"file": SimpleUploadedFile(name, content)}, headers=headers,
            )  # fmt: skip
        assert response.status_code == 202, (name, response.json())
        status = api.get(f"/services/imports/{response.json()['id']}", headers=headers).json()
        assert status["state"] == "failed", (name, status)
        assert status["problems"] and all(line.startswith(name) for line in status["problems"]), status["problems"]
    assert not Service.objects.exists()


def test_web_import_form_with_hostile_choices(client, people, media):
    client.force_login(people.admin)
    for data in ({"format": "hsds-json\x00", "type": "other"}, {"format": "hsds-json", "type": "x" * 10_000},
                 {"format": "hsds-json", "type": "other", "area": "\u202eKEN"}):  # fmt: skip
        data = {**data, "file": SimpleUploadedFile("s.json", b"{}")}
        response = client.post("/en/protection/services/import/", data)
        assert response.status_code in (400, 422)  # 400: the site refuses a NUL byte in any form field
    assert not ServiceImport.objects.exists()
