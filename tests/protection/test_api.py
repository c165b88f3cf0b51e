"""API /services: filters (area, situation, type, language, near), reads by
role, create, edit with 409 and 202, export in HSDS."""

import io
import json
import zipfile

import pytest

from gcmhub.protection.models import Service

from .conftest import situation


@pytest.fixture
def directory(make_service, orgs, mexico):
    return {
        "shelter": make_service(),
        "legal": make_service(
            name="Legal aid clinic", service_type="legal_aid", provider=orgs.legal, languages=["en", "fr"],
            situations=[situation("trafficking_victim")],
            locations=[{"name": "Mombasa office", "address": "Moi Avenue", "admin_area": "Mombasa County",
                        "latitude": -4.0435, "longitude": 39.6682}],
        ),
        "mexico": make_service(name="Casa", provider=orgs.mex_ngo, area=mexico, languages=["es"],
                               locations=[{"name": "Tapachula", "latitude": 14.9, "longitude": -92.26}]),
        "draft": make_service(name="Draft shelter", published=False),
        "closed": make_service(name="Closed shelter", state="closed"),
    }  # fmt: skip


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_public_list_and_filters(api, directory):
    assert set(names(api.get("/services"))) == {"Emergency shelter for women and children", "Legal aid clinic", "Casa"}
    assert names(api.get("/services?area=MEX")) == ["Casa"]
    assert names(api.get("/services?situation=trafficking_victim")) == ["Legal aid clinic"]
    assert names(api.get("/services?type=legal_aid")) == ["Legal aid clinic"]
    assert set(names(api.get("/services?language=en"))) == {"Emergency shelter for women and children", "Legal aid clinic"}
    assert names(api.get("/services?language=fr")) == ["Legal aid clinic"]
    for bad in ("area=XXX", "situation=nobody", "type=spa", "language=english", "near=north", "near=95,10"):
        response = api.get(f"/services?{bad}")
        assert response.status_code == 422, bad
        assert response.json()["field"] == bad.split("=")[0]


def test_near_orders_by_distance(api, directory):
    # From Mombasa: the Mombasa clinic, then Nairobi, then Tapachula.
    response = api.get("/services?near=-4.05,39.66")
    items = response.json()["items"]
    assert [i["name"] for i in items] == ["Legal aid clinic", "Emergency shelter for women and children", "Casa"]
    assert items[0]["distance_km"] < 2 and 430 < items[1]["distance_km"] < 460
    assert names(api.get("/services?near=-4.05,39.66&within_km=100")) == ["Legal aid clinic"]


def test_reads_by_role(api, bearer, people, directory):
    draft = directory["draft"]
    assert api.get(f"/services/{draft.pk}").status_code == 404
    assert api.get(f"/services/{draft.pk}", headers=bearer(people.focal_mex)).status_code == 404
    for user in (people.provider, people.focal_ken, people.reviewer):
        assert api.get(f"/services/{draft.pk}", headers=bearer(user)).status_code == 200
    body = api.get(f"/services/{directory['shelter'].pk}").json()
    assert body["provider"] == {"id": directory["shelter"].provider_id, "name": "Nairobi Safe House"}
    assert body["situations"] == ["unaccompanied_child", "survivor_of_violence"]
    assert body["has_pending_change"] is None and body["stale"] is False


def test_create_edit_conflict_and_held_edit(api, bearer, people, orgs):
    body = {
        "name": "Psychosocial support group", "service_type": "mhpss", "provider": orgs.shelter.pk, "area": "KEN",
        "situations": ["survivor_of_violence"], "languages": ["sw"], "referral_methods": ["walk_in"],
        "locations": [{"name": "Community hall", "latitude": -1.3, "longitude": 36.8}],
    }  # fmt: skip
    assert api.post("/services", json=body).status_code == 401
    assert api.post("/services", json=body, headers=bearer(people.focal_mex)).status_code == 403
    assert api.post("/services", json={**body, "extra": 1}, headers=bearer(people.provider)).status_code == 422
    created = api.post("/services", json=body, headers=bearer(people.provider))
    assert created.status_code == 201, created.content
    service = created.json()
    assert service["is_published"] is False and service["locations"][0]["latitude"] == -1.3
    url = f"/services/{service['id']}"
    edited = api.patch(url, json={"version": service["version"], "hours": "Tuesdays"}, headers=bearer(people.provider))
    assert edited.status_code == 200 and edited.json()["hours"] == "Tuesdays"
    stale = api.patch(url, json={"version": service["version"], "hours": "x"}, headers=bearer(people.provider))
    assert stale.status_code == 409
    # Published by a reviewer, the provider's next edit is held: 202, the public version unchanged.
    from gcmhub.protection import services

    record = Service.objects.get(pk=service["id"])
    services.publish_service(people.reviewer, record, record.version)
    record.refresh_from_db()
    held = api.patch(url, json={"version": record.version, "name": "Renamed"}, headers=bearer(people.provider))
    assert held.status_code == 202 and held.json()["name"] == "Psychosocial support group"
    assert held.json()["has_pending_change"] is True
    assert api.get(url).json()["name"] == "Psychosocial support group"
    forbidden = api.patch(url, json={"version": held.json()["version"], "name": "x"}, headers=bearer(people.focal_mex))
    assert forbidden.status_code == 403


def test_export_in_both_formats(api, directory):
    response = api.get("/services/export?format=hsds-json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["total_items"] == 3 and {s["name"] for s in document["contents"]} >= {"Casa"}
    response = api.get("/services/export?format=hsds-csv&area=KEN")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "datapackage.json" in archive.namelist()
    assert archive.read("services.csv").decode().count("\n") == 3  # header + 2 Kenyan public services
    assert api.get("/services/export?format=xml").status_code == 422


def test_services_is_a_listed_collection(api):
    assert api.get("/").json()["links"]["collections"]["services"].endswith("/services")


def test_reviewer_publishes_verifies_and_history(api, bearer, people, make_service):
    service = make_service(published=False)
    url = f"/services/{service.pk}"
    version = api.get(url, headers=bearer(people.reviewer)).json()["version"]
    assert api.post(f"{url}/publish", json={"version": version}, headers=bearer(people.provider)).status_code == 403
    published = api.post(f"{url}/publish", json={"version": version}, headers=bearer(people.reviewer))
    assert published.status_code == 200 and published.json()["is_published"] is True
    verified = api.post(f"{url}/verify", json={"version": published.json()["version"], "verified_on": "2026-01-05"},
                        headers=bearer(people.reviewer))  # fmt: skip
    assert verified.status_code == 200 and verified.json()["last_verified_on"] == "2026-01-05"
    again = api.post(f"{url}/verify", json={"version": published.json()["version"]}, headers=bearer(people.reviewer))
    assert again.status_code == 409
    # A held edit, then discarded by the provider who proposed it.
    version = verified.json()["version"]
    held = api.patch(url, json={"version": version, "cost": "Small fee"}, headers=bearer(people.provider))
    assert held.status_code == 202
    discarded = api.post(f"{url}/discard-change", json={"version": held.json()["version"]},
                         headers=bearer(people.provider))  # fmt: skip
    assert discarded.status_code == 200 and discarded.json()["has_pending_change"] is False
    history = api.get(f"{url}/history").json()
    assert history and all("reviewer" not in (entry.get("who") or "") for entry in history)


def test_commitment_stages_are_checked(db):
    from django.core.exceptions import ValidationError

    from gcmhub.protection.taxonomy import validate_stages

    validate_stages(["transit", "return"])
    for bad in (["moon"], "transit", ["transit", "transit"], [1]):
        with pytest.raises(ValidationError):
            validate_stages(bad)
