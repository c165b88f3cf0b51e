"""HSDS imports from the web and the API: a background task (immediate in
tests) running the command line's importer, all or nothing, recorded on a
``ServiceImport`` with counts and the located report; the product's upload
checks (type, size, zip limits); who may import where."""

import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.protection import imports
from gcmhub.protection.models import Service, ServiceImport

from .test_hsds_import import EXAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def examples():
    if not EXAMPLES.exists():
        pytest.skip("the HSDS examples are not there")
    return EXAMPLES


def tabular_zip(examples) -> bytes:
    """The shared tabular example as the zipped CSV package."""
    tables = json.loads((examples / "tabular.json").read_text(encoding="utf-8"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, rows in tables.items():
            columns = list(dict.fromkeys(key for row in rows for key in row))
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(path, text.getvalue())
    return buffer.getvalue()


def upload(api, headers, content: bytes, name: str, fmt: str, **fields):
    files = {"file": SimpleUploadedFile(name, content)}
    return api.post("/services/import", data={"format": fmt, **fields}, FILES=files, headers=headers)


def test_api_imports_the_shared_examples_in_the_background(
    api, people, bearer, media, examples, django_capture_on_commit_callbacks
):
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, (examples / "service_full.json").read_bytes(), "service_full.json", "hsds-json")
    assert response.status_code == 202, response.json()
    assert response.json()["state"] == "queued"
    status = api.get(response.json()["url"].removeprefix("/api/v1"), headers=headers).json()
    assert status["state"] == "succeeded" and status["created"] == 1 and status["services_read"] == 1
    assert status["user"] == "admin" and len(status["sha256"]) == 64
    assert any("contacts" in warning for warning in status["warnings"])
    service = Service.objects.get(name="Community Counselling")
    assert service.area.iso3 == "USA" and service.is_published
    # The upload is not kept once read.
    assert not (media / "service-imports" / str(status["id"])).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, tabular_zip(examples), "package.zip", "hsds-csv", draft="true")
    assert response.status_code == 202, response.json()
    status = api.get(f"/services/imports/{response.json()['id']}", headers=headers).json()
    assert status["state"] == "succeeded", status
    assert status["draft"] is True and status["updated"] == 1  # the same HSDS id: updated, not duplicated
    listing = api.get("/services/imports", headers=headers).json()
    assert [item["id"] for item in listing["items"]][:2] == [status["id"], status["id"] - 1]


def test_a_refused_file_writes_nothing_and_reports_located_problems(
    api, people, bearer, media, examples, django_capture_on_commit_callbacks
):
    good = json.loads((examples / "service_full.json").read_text(encoding="utf-8"))
    bad = {**good, "id": "11111111-1111-4111-8111-111111111111", "email": "not-an-address"}
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, json.dumps([good, bad]).encode(), "two.json", "hsds-json")
    status = api.get(f"/services/imports/{response.json()['id']}", headers=headers).json()
    assert status["state"] == "failed" and status["created"] == 0
    assert any(line.startswith("two.json:record 2: email:") for line in status["problems"]), status["problems"]
    assert not Service.objects.exists()


def test_dry_run_validates_without_writing(api, people, bearer, media, examples, django_capture_on_commit_callbacks):
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            api, headers, (examples / "service_full.json").read_bytes(), "s.json", "hsds-json", dry_run="true"
        )
    assert api.get(f"/services/imports/{response.json()['id']}", headers=headers).json()["state"] == "validated"
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    "content, name, fmt, reason",
    [
        (b"{}", "services.csv", "hsds-json", "must be a .json file"),
        (b"", "services.json", "hsds-json", "empty"),
        (b"PK\x03\x04 not json", "services.json", "hsds-json", "is not a .json file"),
        (b'{"a": 1}', "package.zip", "hsds-csv", "is not a .zip file"),
        (b"{\x00}", "services.json\x00.exe", "hsds-json", "must be a .json file"),
    ],
)
def test_upload_checks(api, people, bearer, media, content, name, fmt, reason):
    response = upload(api, bearer(people.admin), content, name, fmt)
    assert response.status_code == 422, response.json()
    assert reason in response.json()["detail"]
    assert not ServiceImport.objects.exists()


def test_size_limit(api, people, bearer, media, settings):
    settings.GCMHUB_IMPORT_MAX_BYTES = 10
    response = upload(api, bearer(people.admin), b'{"name": "x", "id": "y"}', "s.json", "hsds-json")
    assert response.status_code == 422 and "larger than" in response.json()["detail"]


def test_zip_bomb_is_refused_by_the_upload_limits(api, people, bearer, media, django_capture_on_commit_callbacks):
    from gcmhub.indicators.formats import limits

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", "id,name\n" + "a" * 3_000_000)
    headers = bearer(people.admin)
    with limits.applied(limits.Limits(max_compression_ratio=10)):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(api, headers, buffer.getvalue(), "bomb.zip", "hsds-csv")
    status = api.get(f"/services/imports/{response.json()['id']}", headers=headers).json()
    assert status["state"] == "failed" and "compression ratio" in status["error"]
    assert status["problems"][0].startswith("bomb.zip")


@pytest.mark.parametrize("who", ["provider", "reviewer", "other_provider"])
def test_only_admins_and_focal_points_import(api, people, bearer, media, who):
    response = upload(api, bearer(getattr(people, who)), b"{}", "s.json", "hsds-json")
    assert response.status_code == 403


def test_focal_point_imports_into_their_own_country_only(
    api, people, bearer, media, examples, django_capture_on_commit_callbacks
):
    headers = bearer(people.focal_ken)
    content = (examples / "service_full.json").read_bytes()
    assert upload(api, headers, content, "s.json", "hsds-json", area="MEX").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, content, "s.json", "hsds-json")
    assert response.json()["area"] == "KEN"
    status = api.get(f"/services/imports/{response.json()['id']}", headers=headers).json()
    assert status["state"] == "succeeded", status
    service = Service.objects.get()
    assert service.area.iso3 == "KEN" and not service.is_published  # a focal point's import is a draft
    # Their imports are theirs (and their country's): another focal point does not see them.
    assert api.get(f"/services/imports/{status['id']}", headers=bearer(people.focal_mex)).status_code == 404
    assert api.get("/services/imports", headers=bearer(people.focal_mex)).json()["items"] == []


def test_import_needs_a_token(api, media):
    assert upload(api, {}, b"{}", "s.json", "hsds-json").status_code == 401
    assert api.get("/services/imports").status_code == 401


def test_web_import_page(client, people, media, examples, django_capture_on_commit_callbacks):
    client.force_login(people.provider)
    assert client.get("/en/protection/services/import/").status_code == 403
    assert "/protection/services/import/" not in client.get("/en/protection/services/").content.decode()
    client.force_login(people.admin)
    assert "/protection/services/import/" in client.get("/en/protection/services/").content.decode()
    page = client.get("/en/protection/services/import/")
    assert page.status_code == 200 and "names of staff" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/protection/services/import/",
            {"format": "hsds-csv", "type": "other", "file": SimpleUploadedFile("package.zip", tabular_zip(examples))},
        )
    assert response.status_code == 302
    record = ServiceImport.objects.get()
    assert response["Location"] == f"/en/protection/services/imports/{record.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Succeeded" in detail and record.created_count == 1
    assert Service.objects.get().name == "Community Counselling"
    # A wrong file keeps the form, with the reason next to the file field.
    wrong = client.post(
        "/en/protection/services/import/",
        {"format": "hsds-csv", "type": "other", "file": SimpleUploadedFile("package.json", b"{}")},
    )
    assert wrong.status_code == 422 and "must be a .zip file" in wrong.content.decode()
    # Someone else's import is not found.
    client.force_login(people.focal_mex)
    assert client.get(f"/en/protection/services/imports/{record.pk}/").status_code == 404


def test_interrupted_import_is_failed_by_the_chore(people, media):
    record = ServiceImport.objects.create(
        user=people.admin, format="hsds-json", file_name="s.json", state="running", worker="elsewhere:1"
    )
    assert imports.recover_interrupted_imports() == 1
    record.refresh_from_db()
    assert record.state == "failed" and "interrupted" in record.error


def test_an_upload_that_cannot_be_stored_is_failed_not_left_queued(api, people, bearer, media, monkeypatch):
    def full_disk(record, uploaded, suffix):
        raise OSError("No space left on device")

    monkeypatch.setattr(imports, "_store", full_disk)
    # A full disk is the server's problem (500), but the record says what happened.
    assert upload(api, bearer(people.admin), b'{"id": "a"}', "s.json", "hsds-json").status_code == 500
    record = ServiceImport.objects.get()
    assert record.state == "failed" and "No space left" in record.error


@pytest.mark.parametrize(
    "example, area",
    [("service_full.json", ""), ("service_list.json", "USA"), ("organization_full.json", ""), ("tabular", "")],
)
def test_every_shared_example_imports_through_the_web(
    client, people, media, examples, django_capture_on_commit_callbacks, example, area
):
    client.force_login(people.admin)
    if example == "tabular":
        upload_file, fmt = SimpleUploadedFile("tabular.zip", tabular_zip(examples)), "hsds-csv"
    else:
        upload_file, fmt = SimpleUploadedFile(example, (examples / example).read_bytes()), "hsds-json"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/protection/services/import/", {"format": fmt, "type": "other", "area": area, "file": upload_file}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    record = ServiceImport.objects.get()
    assert record.state == "succeeded", record.problems
    assert record.created_count >= 1 and Service.objects.count() == record.created_count
