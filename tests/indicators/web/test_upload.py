"""Uploading a data file: who may, the form, the import page and its live status."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.indicators.models import ImportBatch, Observation

from .conftest import LANGUAGES

pytestmark = pytest.mark.django_db

MAPPING = b"area: Country\narea_scheme: iso3\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n"
GOOD = b"Country,Year,Value\nKEN,2019,7.5\nKEN,2020,7.1\n"
BAD = b"Country,Year,Value\nKEN,2019,7.5\nKEN,2020,seven\nKEN,2021,6.9\n"


def log_in(client, user):
    client.force_login(user)


def upload(client, content=GOOD, **fields):
    data = {
        "format": "tidy",
        "file": SimpleUploadedFile("remittances.csv", content, content_type="text/csv"),
        "mapping": SimpleUploadedFile("remittances.mapping.yml", MAPPING, content_type="application/yaml"),
        "area": "KEN",
        "source": "Central Bank of Kenya",
        **fields,
    }
    return client.post("/en/indicators/upload/", data)


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get("/en/indicators/upload/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/login/?next=/en/indicators/upload/")


def test_contributors_may_not_import(client, users):
    log_in(client, users.contributor)
    response = client.get("/en/indicators/upload/")
    assert response.status_code == 403
    assert "Only national focal points and administrators import data." in response.content.decode()
    assert upload(client).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_focal_points_get_the_form_for_their_country(client, users, language):
    log_in(client, users.focal)
    response = client.get(f"/{language}/indicators/upload/")
    assert response.status_code == 200
    form = response.context["form"]
    assert [code for code, _label in form.fields["area"].choices] == ["KEN"]
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="dry_run"' in html and 'name="skip_invalid"' in html
    assert "tidy" in html and "desa-stock" in html


def test_administrators_may_import_several_countries(client, users):
    log_in(client, users.admin)
    form = client.get("/en/indicators/upload/").context["form"]
    choices = [code for code, _label in form.fields["area"].choices]
    assert choices[0] == "" and "KEN" in choices and "MEX" in choices


def test_upload_imports_and_shows_the_result(client, users, django_capture_on_commit_callbacks):
    log_in(client, users.focal)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/indicators/imports/{batch.pk}/"
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.user == users.focal
    assert Observation.objects.filter(series__code="SI_RMT_COST", area__iso3="KEN").count() == 2
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "remittances.csv" in html and "Central Bank of Kenya" in html and "Succeeded" in html
    assert "hx-trigger" not in html  # finished: no more polling


def test_a_bad_file_gives_a_report_with_line_and_column(client, users, django_capture_on_commit_callbacks):
    log_in(client, users.focal)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, BAD)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert not Observation.objects.exists()  # nothing written
    html = client.get(response["Location"]).content.decode()
    assert "Validation report" in html and "nothing was written" in html
    row = re.search(r"<tr><td>remittances\.csv</td><td class=\"num\">(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", html)
    assert row, html
    assert row.group(1) == "3" and row.group(2) == "Value" and "seven" in row.group(3)


def test_skip_invalid_and_dry_run(client, users, django_capture_on_commit_callbacks):
    log_in(client, users.focal)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, BAD, dry_run="on")
    checked = ImportBatch.objects.get()
    assert checked.status in (ImportBatch.Status.FAILED, ImportBatch.Status.VALIDATED)
    assert not Observation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, BAD, skip_invalid="on")
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.rows_rejected == 1
    assert Observation.objects.count() == 2
    html = client.get(f"/en/indicators/imports/{batch.pk}/").content.decode()
    assert "1 invalid row was skipped." in html and "seven" in html


def test_the_form_keeps_input_on_error(client, users):
    log_in(client, users.focal)
    response = client.post(
        "/en/indicators/upload/", {"format": "tidy", "source": "Kenya National Bureau of Statistics", "area": "KEN"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Kenya National Bureau of Statistics"' in html
    assert re.search(r'<option value="tidy"\s+selected>', html)
    assert "This field is required." in html
    assert not ImportBatch.objects.exists()


def test_the_service_checks_the_file_type(client, users):
    log_in(client, users.focal)
    response = upload(client, b"\x00\x01binary", file=SimpleUploadedFile("data.pdf", b"%PDF-1.4"))
    assert response.status_code == 422
    assert "must be a .csv or .xlsx file" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_focal_point_cannot_import_for_another_country(client, users):
    log_in(client, users.focal)
    response = upload(client, area="MEX")
    assert response.status_code == 422  # not among the form's choices
    assert not ImportBatch.objects.exists()


def test_status_fragment_polls_until_finished(client, users):
    log_in(client, users.focal)
    batch = ImportBatch.objects.create(format="tidy", file_name="big.csv", user=users.focal)
    response = client.get(f"/en/indicators/imports/{batch.pk}/status/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment
    assert f'hx-get="/en/indicators/imports/{batch.pk}/status/"' in html and 'hx-trigger="every 1s"' in html
    assert "Waiting for a worker" in html

    batch.status = ImportBatch.Status.RUNNING
    batch.save()
    assert "rows read so far" in client.get(f"/en/indicators/imports/{batch.pk}/status/").content.decode()

    batch.status = ImportBatch.Status.SUCCEEDED
    batch.rows_read = batch.rows_written = 10
    batch.save()
    html = client.get(f"/fr/indicators/imports/{batch.pk}/status/").content.decode()
    assert "hx-trigger" not in html and 'aria-busy="false"' in html


def test_imports_are_private(client, users):
    batch = ImportBatch.objects.create(format="tidy", file_name="theirs.csv", user=users.admin)
    log_in(client, users.focal)
    assert client.get(f"/en/indicators/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/en/indicators/imports/{batch.pk}/status/").status_code == 404
    client.logout()
    assert client.get(f"/en/indicators/imports/{batch.pk}/").status_code == 302
    log_in(client, users.admin)
    assert client.get(f"/es/indicators/imports/{batch.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("language", "warning"),
    [("en", "No task worker has been seen"), ("fr", "Aucun exécuteur de tâches"), ("es", "No se ha visto ningún proceso")],
)
def test_the_import_page_says_when_no_worker_has_been_seen_for_a_minute(
    client, users, settings, tmp_path, language, warning
):
    from gcmhub import workers

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(client, users.focal)
    upload(client)  # queued; no worker runs in the tests
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.QUEUED
    status_url = f"/{language}/indicators/imports/{batch.pk}/status/"
    assert warning in client.get(status_url).content.decode()
    workers.beat()  # a worker says it is alive
    assert warning not in client.get(status_url).content.decode()
