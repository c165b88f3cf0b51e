"""An upload's life: checked and stored by the request, unpacked and
imported by the worker, always ending in a true state (issue 7 §1 and §2)."""

import os
import socket
import subprocess
import sys
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from gcmhub import workers
from gcmhub.indicators import services
from gcmhub.indicators.models import ImportBatch, Observation

from .test_api import upload
from .test_import_limits import declared_dimension_bomb, many_entries_bomb, ratio_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_file(api, headers, path, fmt, **fields):
    return upload(api, headers, content=path.read_bytes(), name=path.name, fmt=fmt, mapping=None, **fields)


def finished(api, headers, response):
    assert response.status_code == 202, response.content
    return api.get(f"/imports/{response.json()['id']}", headers=headers).json()


def test_a_zip_bomb_is_unpacked_by_the_worker_and_refused_naming_the_limit(
    api, people, bearer, media, tmp_path, django_capture_on_commit_callbacks
):
    headers = bearer(people.admin)
    bomb = ratio_bomb(tmp_path / "sdg-data.zip")
    with django_capture_on_commit_callbacks() as queued:
        response = upload_file(api, headers, bomb, "opensdg", area="KEN")
    # The request stored the archive and nothing more: it is still waiting for a worker.
    assert response.status_code == 202
    folder = media / "imports" / str(response.json()["id"])
    assert sorted(path.name for path in folder.iterdir()) == ["upload.zip"]
    for callback in queued:
        callback()
    status = finished(api, headers, response)
    assert status["status"] == "failed"
    assert "max_compression_ratio" in status["report"]["error"]
    assert status["report"]["error"].startswith("sdg-data.zip:")  # the name the user gave, not the server's
    assert not (folder / "data").exists()


def test_an_archive_of_many_entries_ends_failed_naming_the_limit(
    api, people, bearer, media, tmp_path, django_capture_on_commit_callbacks
):
    headers = bearer(people.admin)
    bomb = many_entries_bomb(tmp_path / "sdg-data.zip", 10_001)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_file(api, headers, bomb, "opensdg", area="KEN")
    status = finished(api, headers, response)
    assert status["status"] == "failed" and "max_entries" in status["report"]["error"]
    assert ImportBatch.objects.filter(status=ImportBatch.Status.QUEUED).count() == 0


def test_a_workbook_bomb_upload_ends_failed_naming_the_limit(
    api, people, bearer, media, tmp_path, django_capture_on_commit_callbacks
):
    headers = bearer(people.admin)
    bomb = declared_dimension_bomb(tmp_path / "costs.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, headers, content=bomb.read_bytes(), name="costs.xlsx")
    status = finished(api, headers, response)
    assert status["status"] == "failed" and "max_columns" in status["report"]["error"]


def test_a_good_archive_is_imported_and_its_unpacked_folder_deleted(
    api, people, bearer, media, tmp_path, django_capture_on_commit_callbacks
):
    headers = bearer(people.admin)
    archive = tmp_path / "sdg-data.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("sdg-data/data/indicator_10-c-1.csv", "Year,Value\n2016,8.1\n2021,7.2\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_file(api, headers, archive, "opensdg", area="KEN")
    status = finished(api, headers, response)
    assert status["status"] == "succeeded" and status["rows_written"] == 2
    folder = media / "imports" / str(status["id"])
    assert (folder / "upload.zip").exists()  # kept for audit, for the retention period
    assert not (folder / "data").exists()


def test_an_upload_that_cannot_be_stored_ends_failed_with_its_reason(api, people, bearer, media):
    headers = bearer(people.admin)
    with mock.patch.object(services, "file_sha256", side_effect=OSError("No space left on device")):
        response = upload(api, headers)
    # The API answers any unexpected error as a JSON 500 (gcmhub.api), never an HTML page.
    assert response.status_code == 500 and "detail" in response.json()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert "No space left on device" in batch.report["error"]


def queued_batch(media, people):
    batch = ImportBatch.objects.create(format="tidy", file_name="costs.csv", user=people.admin)
    folder = media / "imports" / str(batch.pk)
    folder.mkdir(parents=True)
    stored = folder / "upload.csv"
    stored.write_text("Country,Year,Value\nKenya,2019,7.5\n")
    (folder / "mapping.yml").write_text("area: Country\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n")
    batch.options = {"mapping": str(folder / "mapping.yml")}
    batch.save()
    return batch, stored


def test_a_worker_stopped_mid_import_fails_the_batch_as_interrupted(media, people):
    batch, stored = queued_batch(media, people)
    with mock.patch.object(services, "run_import", side_effect=KeyboardInterrupt), pytest.raises(KeyboardInterrupt):
        services.process_upload(batch.pk, str(stored))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.report["interrupted"] is True
    assert "interrupted" in batch.report["error"]


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_imports_left_running_by_a_killed_worker_are_failed_when_a_worker_starts(media, people):
    killed = ImportBatch.objects.create(
        format="tidy", file_name="a.csv", status=ImportBatch.Status.RUNNING, worker=workers.identity(dead_pid())
    )
    alive = ImportBatch.objects.create(
        format="tidy", file_name="b.csv", status=ImportBatch.Status.RUNNING, worker=workers.identity()
    )
    elsewhere = ImportBatch.objects.create(
        format="tidy", file_name="c.csv", status=ImportBatch.Status.RUNNING, worker="other-host.example:42"
    )
    assert services.recover_interrupted_imports() == 2
    killed.refresh_from_db(), alive.refresh_from_db(), elsewhere.refresh_from_db()
    assert killed.status == elsewhere.status == ImportBatch.Status.FAILED
    assert killed.report["interrupted"] is True
    assert alive.status == ImportBatch.Status.RUNNING


def test_a_worker_on_another_host_is_alive_while_its_heartbeat_is_fresh(media, monkeypatch):
    monkeypatch.setattr(socket, "gethostname", lambda: "other-host.example")
    monkeypatch.setattr(os, "getpid", lambda: 42)
    workers.beat()
    monkeypatch.undo()
    assert workers.is_alive("other-host.example:42")
    assert not workers.is_alive("other-host.example:43")


def test_cleanup_uploads_deletes_expired_uploads_only(media, people, settings):
    settings.GCMHUB_UPLOAD_RETENTION_DAYS = 30
    old, old_file = queued_batch(media, people)
    recent, recent_file = queued_batch(media, people)
    running, running_file = queued_batch(media, people)
    ImportBatch.objects.filter(pk=old.pk).update(status="succeeded", finished_at=timezone.now() - timedelta(days=31))
    ImportBatch.objects.filter(pk=recent.pk).update(status="failed", finished_at=timezone.now() - timedelta(days=29))
    ImportBatch.objects.filter(pk=running.pk).update(status="running")
    orphan = media / "imports" / "999999"
    orphan.mkdir()
    os.utime(orphan, (0, 0))
    call_command("cleanup_uploads")
    assert not old_file.parent.exists() and not orphan.exists()
    assert recent_file.exists() and running_file.exists()
    assert ImportBatch.objects.get(pk=old.pk).stored_file == ""
    call_command("cleanup_uploads", "--days", "0")
    assert not recent_file.exists() and running_file.exists()


def test_with_no_retention_the_upload_is_deleted_when_the_import_ends(media, people, settings):
    settings.GCMHUB_UPLOAD_RETENTION_DAYS = 0
    batch, stored = queued_batch(media, people)
    services.process_upload(batch.pk, str(stored))
    assert ImportBatch.objects.get(pk=batch.pk).status == "succeeded"
    assert not stored.exists()
    assert Observation.objects.filter(batch=batch).count() == 1
