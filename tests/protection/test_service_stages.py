"""``Service.stages``: the migration stages a service serves. Empty (the
default) means every stage where its situations arise; otherwise the gap
matrix counts the service only in those stages. Set through the form and the
API, kept in history and in held edits, exchanged in HSDS as terms of our
taxonomy's "stage" branch."""

import io
import json

import pytest

from gcmhub.protection import gaps, hsds
from gcmhub.protection.gaps_service import country_matrix
from gcmhub.protection.hsds_import import import_services
from gcmhub.protection.models import Service

from .conftest import situation
from .test_service_form import edit_url, form_data

pytestmark = pytest.mark.django_db


def test_matrix_counts_a_service_only_in_its_stages(kenya, make_service):
    # Stranded migrants arise in transit and at destination (the taxonomy).
    make_service(situations=[situation("stranded_migrant")], name="Border desk", stages=["transit"],
                 verified_on=__import__("datetime").date.today())  # fmt: skip
    matrix = country_matrix(kenya)
    assert [m.title for m, _standing in matrix.cell("stranded_migrant", "transit").measures] == ["Border desk"]
    assert matrix.cell("stranded_migrant", "transit").status == gaps.COVERED
    assert matrix.cell("stranded_migrant", "destination").measures == ()


def test_no_stages_means_every_stage_where_the_situation_arises(kenya, make_service):
    make_service(situations=[situation("stranded_migrant")], name="Everywhere desk")
    matrix = country_matrix(kenya)
    for stage in ("transit", "destination"):
        assert [m.title for m, _standing in matrix.cell("stranded_migrant", stage).measures] == ["Everywhere desk"]
    assert matrix.cell("stranded_migrant", "pre_departure").measures == ()


def test_api_sets_and_checks_stages(api, bearer, people, orgs, make_service):
    headers = bearer(people.focal_ken)
    body = {"name": "Return counselling", "service_type": "reintegration_support", "provider": orgs.shelter.pk,
            "area": "KEN", "stages": ["return", "pre_departure"]}  # fmt: skip
    created = api.post("/services", json=body, headers=headers)
    assert created.status_code == 201, created.json()
    assert created.json()["stages"] == ["pre_departure", "return"]  # the taxonomy's order
    assert api.post("/services", json={**body, "stages": ["afterlife"]}, headers=headers).status_code == 422
    assert api.post("/services", json={**body, "stages": ["return", "return"]}, headers=headers).status_code == 422
    patched = api.patch(f"/services/{created.json()['id']}", json={"version": created.json()["version"], "stages": None},
                        headers=headers)  # fmt: skip
    assert patched.status_code == 200 and patched.json()["stages"] == []


def test_form_sets_stages_and_a_held_edit_keeps_them_waiting(client, people, orgs, make_service):
    client.force_login(people.provider)
    service = make_service()
    response = client.post(edit_url(service), form_data(orgs.shelter, version=service.version, stages=["transit"]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.stages == [] and service.pending_changes["stages"] == ["transit"]
    import re

    # The form starts from the change waiting for review.
    page = client.get(edit_url(service)).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="stages" value="(\w+)"[^>]*checked', page)
    assert ticked == ["transit"]


def test_hsds_round_trip_keeps_stages(make_service, tmp_path):
    original = make_service(stages=["transit", "destination"])
    document = hsds.export_json(Service.objects.all())
    terms = [a["taxonomy_term"]["code"] for a in document["contents"][0]["attributes"]]
    assert "stage/transit" in terms and "stage/destination" in terms
    (tmp_path / "d.json").write_text(json.dumps(document), encoding="utf-8")
    buffer = io.BytesIO()
    hsds.write_package(Service.objects.all(), buffer)
    (tmp_path / "d.zip").write_bytes(buffer.getvalue())
    original.delete()
    copy = Service.objects.get(pk=import_services(None, tmp_path / "d.json").created[0])
    assert copy.stages == ["transit", "destination"]
    Service.objects.filter(pk=copy.pk).update(stages=[])
    import_services(None, tmp_path / "d.zip")
    assert Service.objects.get().stages == ["transit", "destination"]


def test_stage_filter_in_the_api_and_the_directory(api, client, make_service):
    make_service(situations=[situation("stranded_migrant")], name="Border desk", stages=["transit"])
    make_service(situations=[situation("stranded_migrant")], name="City desk")  # no stages: transit and destination
    make_service(situations=[situation("trafficking_victim")], name="Return help", stages=["return"])

    def names(stage):
        return sorted(item["name"] for item in api.get(f"/services?stage={stage}").json()["items"])

    assert names("transit") == ["Border desk", "City desk"]
    assert names("destination") == ["City desk"]
    assert names("return") == ["Return help"]
    assert names("pre_departure") == []
    assert api.get("/services?stage=afterlife").status_code == 422
    page = client.get("/en/protection/services/?stage=destination").content.decode()
    assert "City desk" in page and "Border desk" not in page
    # An unknown stage in the page's query is no filter, not an error.
    assert client.get("/en/protection/services/?stage=afterlife").status_code == 200
    assert client.get("/en/protection/services/?stage=%00").status_code == 400  # the site refuses NUL bytes
