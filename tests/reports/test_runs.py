"""Runs, snapshots and narratives through the services: progress, files,
immutability of what was published, version checks, comparison."""

import hashlib

import pytest

from gcmhub.errors import EditConflict, Forbidden, InvalidInput
from gcmhub.reports import services
from gcmhub.reports.models import ReportRun, ReportSnapshot, SnapshotChanged


def _publish(user, review, kind="vgr", language="en"):
    run = services.request_report(user, review, kind, "", language, purpose=ReportRun.Purpose.PUBLISH, enqueue=False)
    run = services.run_report(run.pk)
    assert run.state == "done", run.message
    return run.snapshot


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_a_run_produces_its_file_and_reports_progress(review, people, fmt, django_capture_on_commit_callbacks):
    seen = []
    run = services.request_report(people.focal_ken, review, "vgr", fmt, "fr", enqueue=False)
    assert run.state == "queued" and run.progress == 0
    run = services.run_report(run.pk, progress=lambda percent, message: seen.append(percent))
    assert run.state == "done" and run.progress == 100
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) > 20
    path, content_type, name = services.run_file(people.focal_ken, run)
    content = path.read_bytes()
    assert hashlib.sha256(content).hexdigest() == run.sha256 and run.size == len(content)
    assert name.endswith(f"-fr.{fmt}") and "ken" in name


def test_the_background_task_runs_on_commit(review, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_report(people.focal_ken, review, "vnr", "html", "es")
    run.refresh_from_db()
    assert run.state == "done" and run.file_path


def test_a_failure_is_recorded_on_the_run(review, people, monkeypatch):
    def broken(document, fmt):
        raise RuntimeError("typst exploded")

    monkeypatch.setattr(services, "render", broken)
    run = services.request_report(people.focal_ken, review, "vgr", "pdf", enqueue=False)
    run = services.run_report(run.pk)
    assert run.state == "failed" and "typst exploded" in run.message


def test_who_may_generate(review, people):
    for user in (people.focal_ken, people.admin):
        services.request_report(user, review, "vgr", "pdf", enqueue=False)
    for user in (people.focal_mex, people.contributor_ken, people.stakeholder_ken, people.reviewer):
        with pytest.raises(Forbidden):
            services.request_report(user, review, "vgr", "pdf", enqueue=False)
    with pytest.raises(InvalidInput):
        services.request_report(people.focal_ken, review, "shadow", "pdf", enqueue=False)


def test_snapshot_is_immutable_whatever_the_data_does(review, people, kenya):
    from gcmhub.progress.models import Assessment
    from gcmhub.reviews.models import Answer

    snapshot = _publish(people.focal_ken, review)
    assert snapshot.number == 1 and set(snapshot.files) == {"html", "pdf", "docx"}
    assert services.verify_snapshot(snapshot)
    frozen_document, frozen_hash, frozen_files = snapshot.document, snapshot.content_hash, dict(snapshot.files)
    file_bytes = {fmt: (services.files_root() / e["path"]).read_bytes() for fmt, e in snapshot.files.items()}

    # Later changes to the data…
    Assessment.objects.filter(series__code="KEN_LEGAL_AID").update(current_value=99999.0, score=-4.0)
    Answer.objects.filter(question_key="objective-7").update(rating="room_to_develop", narrative="Rewritten.")
    services.save_narrative(people.focal_ken, review, "vgr", "en", "objective-7", "A new narrative.", None)
    second = _publish(people.focal_ken, review)

    # …never alter the published one.
    snapshot = ReportSnapshot.objects.get(pk=snapshot.pk)
    assert snapshot.document == frozen_document and snapshot.content_hash == frozen_hash
    assert snapshot.files == frozen_files and services.verify_snapshot(snapshot)
    for fmt, entry in snapshot.files.items():
        assert (services.files_root() / entry["path"]).read_bytes() == file_bytes[fmt]
    assert second.number == 2 and second.content_hash != frozen_hash
    # And the model refuses to change or delete it.
    snapshot.title = "Edited"
    with pytest.raises(SnapshotChanged):
        snapshot.save()
    with pytest.raises(SnapshotChanged):
        snapshot.delete()

    changes = {c.key: c for c in services.compare_snapshots(snapshot, second)}
    assert changes["objective-7-assessment"].change == "changed"
    assert any("Room to develop" in line for line in changes["objective-7-assessment"].diff)
    assert changes["objective-7"].change == "changed"  # its narrative
    assert changes["objective-1"].change == "unchanged"
    assert changes["methodology"].change == "unchanged"


def test_snapshot_numbers_are_per_kind_and_language(review, people):
    assert _publish(people.focal_ken, review, "vgr", "en").number == 1
    assert _publish(people.focal_ken, review, "vgr", "fr").number == 1
    assert _publish(people.focal_ken, review, "vgr", "en").number == 2


def test_only_the_focal_point_publishes(review, people):
    for user in (people.focal_mex, people.stakeholder_ken, people.reviewer):
        with pytest.raises(Forbidden):
            services.request_report(user, review, "vgr", "", purpose="publish", enqueue=False)


def test_narratives_are_version_checked(review, people):
    first = services.save_narrative(people.focal_ken, review, "vgr", "en", "methodology", "One.", None)
    assert first.version == 1
    second = services.save_narrative(people.focal_ken, review, "vgr", "en", "methodology", "Two.", 1)
    assert second.version == 2
    with pytest.raises(EditConflict):
        services.save_narrative(people.focal_ken, review, "vgr", "en", "methodology", "Stale.", 1)
    with pytest.raises(EditConflict):  # someone created it meanwhile
        services.save_narrative(people.focal_ken, review, "vgr", "en", "methodology", "New.", None)
    with pytest.raises(Forbidden):
        services.save_narrative(people.focal_mex, review, "vgr", "en", "methodology", "Hijack.", 2)
    with pytest.raises(InvalidInput):
        services.save_narrative(people.focal_ken, review, "vgr", "en", "../etc", "x", None)
    assert second.history.count() == 2
