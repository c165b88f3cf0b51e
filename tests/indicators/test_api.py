"""The indicators API: catalogue, observations, downloads, uploads."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.indicators.models import ImportBatch, Observation

from .conftest import numbered, obs

pytestmark = pytest.mark.django_db

ANONYMOUS = {}


@pytest.fixture
def data(load):
    records = [
        obs(area=iso3, period=str(year), value=float(year - 2000) + (0.5 if iso3 == "MEX" else 0), dims=dims)
        for iso3 in ("KEN", "MEX")
        for year in range(2008, 2023)
        for dims in ((), (("SEX", "F"),), (("SEX", "M"),))
    ]
    load(numbered(records), source="World Bank")
    return records


def test_indicator_list_and_detail(api, data):
    listed = api.get("/indicators").json()
    assert [entry["code"] for entry in listed] == ["10.c.1"]
    assert listed[0]["series"] == ["SI_RMT_COST"]
    assert listed[0]["is_sdg"] is True and listed[0]["direction"] == "negative"

    detail = api.get("/indicators/10.c.1").json()
    assert detail["series_detail"][0]["code"] == "SI_RMT_COST"
    assert detail["series_detail"][0]["sdg_series"] is True
    assert 20 in [objective["number"] for objective in detail["objectives"]]  # the framework's link

    assert api.get("/indicators/99.x.9").status_code == 404


def test_observations_are_filtered_and_paginated(api, data):
    response = api.get("/series/SI_RMT_COST/observations?area=KEN&from=2010&to=2014&SEX=F")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5
    first = body["items"][0]
    assert (first["area"], first["period"], first["dimensions"], first["value"]) == ("KEN", "2010", {"SEX": "F"}, 10.0)
    assert first["source"] == "World Bank"

    page = api.get("/series/SI_RMT_COST/observations?limit=10&offset=10").json()
    assert page["count"] == 90 and len(page["items"]) == 10

    totals = api.get("/series/SI_RMT_COST/observations?area=MEX&SEX=_T").json()
    assert totals["count"] == 15 and all(item["dimensions"] == {} for item in totals["items"])
    headline = api.get("/series/SI_RMT_COST/observations?area=MEX&headline=true").json()
    assert headline["count"] == 15


def test_observation_filters_are_checked(api, data):
    assert api.get("/series/NOPE/observations").status_code == 404
    unknown = api.get("/series/SI_RMT_COST/observations?COLOUR=blue")
    assert unknown.status_code == 422 and "COLOUR" in unknown.json()["detail"]
    assert api.get("/series/SI_RMT_COST/observations?area=XYZ").status_code == 422


@pytest.mark.parametrize("fmt", ["csv", "sdmx-csv", "opensdg", "json"])
def test_download_text_formats(client, data, fmt):
    response = client.get(f"/api/v1/series/SI_RMT_COST/download?format={fmt}&area=KEN")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="SI_RMT_COST-KEN')
    text = b"".join(response.streaming_content).decode()
    if fmt == "json":
        import json

        assert len(json.loads(text)["observations"]) == 45
    else:
        assert len(list(csv.reader(io.StringIO(text)))) == 46


def test_download_xlsx(client, data):
    from openpyxl import load_workbook

    response = client.get("/api/v1/series/SI_RMT_COST/download?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert sum(1 for _row in book["Data"].iter_rows()) == 91


def test_download_refuses_unknown_formats(api, data):
    assert api.get("/series/SI_RMT_COST/download?format=pdf").status_code == 422


# --- uploads ---------------------------------------------------------------------------

TIDY = "Country,Year,Value\nKenya,2019,7.5\nKenya,2020,6.9\n"
MAPPING = b"area: Country\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n"


def upload(api, headers, *, content=TIDY, name="costs.csv", fmt="tidy", mapping=MAPPING, **fields):
    files = {"file": SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)}
    if mapping is not None:
        files["mapping"] = SimpleUploadedFile("mapping.yml", mapping)
    return api.post("/imports", data={"format": fmt, **fields}, FILES=files, headers=headers)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_upload_needs_a_token(api, media):
    assert upload(api, {}).status_code == 401
    assert upload(api, {"Authorization": "Bearer wrong"}).status_code == 401


def test_upload_runs_as_a_task_and_reports(api, people, bearer, media, django_capture_on_commit_callbacks):
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, source="Central Bank")
    assert response.status_code == 202
    batch_id = response.json()["id"]

    status = api.get(f"/imports/{batch_id}", headers=headers).json()
    assert status["status"] == "succeeded"
    assert (status["rows_read"], status["rows_written"]) == (2, 2)
    assert status["report"]["created"] == 2 and status["user"] == "admin"
    assert len(status["sha256"]) == 64
    assert Observation.objects.filter(batch_id=batch_id).count() == 2
    assert (media / "imports" / str(batch_id) / "upload.csv").exists()


def test_a_bad_upload_fails_with_its_report(api, people, bearer, media, django_capture_on_commit_callbacks):
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, content="Country,Year,Value\nKenya,2019,abc\nNarnia,2020,1\n")
    status = api.get(f"/imports/{response.json()['id']}", headers=headers).json()
    assert status["status"] == "failed"
    assert status["report"]["problem_count"] == 2
    assert [problem["line"] for problem in status["report"]["problems"]] == [2, 3]
    assert "Narnia" in status["report"]["problems"][1]["reason"]
    assert Observation.objects.count() == 0


def test_skip_invalid_upload_keeps_rejects(api, people, bearer, media, django_capture_on_commit_callbacks):
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, content="Country,Year,Value\nKenya,2019,abc\nKenya,2020,1\n",
                          skip_invalid="true")  # fmt: skip
    batch_id = response.json()["id"]
    assert api.get(f"/imports/{batch_id}", headers=headers).json()["status"] == "succeeded"
    rejects = api.get(f"/imports/{batch_id}/rejects", headers=headers)
    assert rejects.status_code == 200 and b"abc" in rejects.content


def test_dry_run_upload_validates_only(api, people, bearer, media, django_capture_on_commit_callbacks):
    headers = bearer(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, dry_run="true")
    status = api.get(f"/imports/{response.json()['id']}", headers=headers).json()
    # A dry run writes nothing: it says what it would write.
    assert status["status"] == "validated" and status["rows_written"] == 0
    assert status["report"]["would_create"] == 2 and status["report"]["created"] == 0
    assert Observation.objects.count() == 0


def test_upload_checks_type_and_size(api, people, bearer, media, settings):
    headers = bearer(people.admin)
    wrong_type = upload(api, headers, name="costs.pdf")
    assert wrong_type.status_code == 422 and "csv" in wrong_type.json()["detail"]
    binary = upload(api, headers, content=b"\x00\x01\x02binary")
    assert binary.status_code == 422
    fake_xlsx = upload(api, headers, name="costs.xlsx", content="not a workbook")
    assert fake_xlsx.status_code == 422
    settings.GCMHUB_IMPORT_MAX_BYTES = 10
    assert "larger than" in upload(api, headers).json()["detail"]
    assert upload(api, headers, fmt="pdf").status_code == 422
    assert ImportBatch.objects.count() == 0


def test_focal_point_uploads_for_their_country_only(api, people, bearer, media, django_capture_on_commit_callbacks):
    headers = bearer(people.focal_ken)
    assert upload(api, headers).status_code == 403  # no area: a multi-country file
    assert upload(api, headers, area="MEX").status_code == 403

    mixed = "Country,Year,Value\nKenya,2019,7.5\nMexico,2020,6.9\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, content=mixed, area="KEN")
    assert response.status_code == 202
    status = api.get(f"/imports/{response.json()['id']}", headers=headers).json()
    assert status["status"] == "failed" and "Mexico" in status["report"]["error"]
    assert Observation.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, area="KEN")
    assert api.get(f"/imports/{response.json()['id']}", headers=headers).json()["status"] == "succeeded"


def test_others_cannot_upload_or_see_imports(api, people, bearer, media, django_capture_on_commit_callbacks):
    assert upload(api, bearer(people.reviewer)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = upload(api, bearer(people.admin)).json()["id"]
    assert api.get(f"/imports/{batch_id}").status_code == 401
    assert api.get(f"/imports/{batch_id}", headers=bearer(people.focal_mex)).status_code == 404
    assert api.get("/imports", headers=bearer(people.focal_mex)).json()["count"] == 0
    assert api.get("/imports", headers=bearer(people.admin)).json()["count"] == 1
