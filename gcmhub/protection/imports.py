"""HSDS imports uploaded from the web or the API, run in the background.

``submit_import`` checks who may import (``protection.import_services``:
administrators, and a focal point for their own country), checks the upload
the way the product checks every upload (suffix for the format, size,
content that matches the suffix; a ZIP is held to the import limits of
``gcmhub.indicators.formats.limits`` before it is opened), stores it and
records a queued ``ServiceImport``; once committed, a django-tasks task
(``tasks.run_service_import``) runs ``process_import``: the command line's
importer (``hsds_import.import_services``), all or nothing, as the uploader
(their permissions apply to every service). The outcome — counts, warnings,
the located problems ``file:record 2: email: reason`` — is saved on the
record; the uploaded file is deleted once read (the report is what is kept:
an HSDS file may name staff, which the directory never stores).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.actors.rules import is_admin, is_focal_point
from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.uploads import check_upload_file

from . import hsds_import
from .models import ServiceImport

IMPORT = "protection.import_services"
SUFFIXES = {ServiceImport.Format.JSON: ".json", ServiceImport.Format.CSV: ".zip"}


class ImportForbidden(Forbidden):
    pass


def max_bytes() -> int:
    """The HSDS importer's limit, or the product's upload limit if smaller."""
    from gcmhub.indicators.services import upload_max_bytes

    return min(hsds_import.MAX_BYTES, upload_max_bytes())


def uploads_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "service-imports"


def _area(code: str | None):
    from .inputs import resolve_area

    return resolve_area(code) if code else None


def import_area(actor, code: str | None):
    """The country the import is for: the one named, else a focal point's own;
    ImportForbidden unless ``actor`` may import there."""
    area = _area(code)
    if area is None and not is_admin(actor) and is_focal_point(actor):
        area = actor.area
    if not actor.has_perm(IMPORT, area):
        raise ImportForbidden(_("Only administrators, and focal points for their own country, import services."))
    return area


def check_upload(fmt: str, name: str, size: int, head: bytes) -> str:
    """The stored suffix if the upload may go to the HSDS importer; InvalidInput naming the file otherwise."""
    if fmt not in SUFFIXES:
        raise InvalidInput(
            _("Unknown format “%(format)s”: hsds-json or hsds-csv.") % {"format": fmt}, field="format"
        )
    return check_upload_file(fmt, name, size, head, allowed=(SUFFIXES[fmt],), max_bytes=max_bytes())


def submit_import(
    actor, fmt: str, uploaded, *, area: str | None = None, dry_run: bool = False, draft: bool = False,
    default_type: str = "other",
) -> ServiceImport:  # fmt: skip
    """Check and store ``uploaded`` (a Django UploadedFile), record a queued
    import and run it in the background once committed."""
    from .inputs import check_service_type

    area_obj = import_area(actor, area)
    check_service_type(default_type, "type")
    head = uploaded.read(4096)
    uploaded.seek(0)
    suffix = check_upload(fmt, uploaded.name, uploaded.size, head)
    record = ServiceImport.objects.create(
        user=actor,
        area=area_obj,
        format=fmt,
        file_name=Path(uploaded.name).name[:255],
        options={"dry_run": bool(dry_run), "draft": bool(draft), "default_type": default_type},
    )
    try:
        _store(record, uploaded, suffix)
    except Exception as error:
        # An import is never left "queued" for an upload that will not run.
        _finish(record, None, error=_("The upload could not be stored: %(reason)s") % {"reason": error})
        raise

    from .tasks import run_service_import

    transaction.on_commit(lambda: run_service_import.enqueue(record.pk))
    return record


def _store(record: ServiceImport, uploaded, suffix: str) -> None:
    folder = uploads_dir() / str(record.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"upload{suffix}"
    digest = hashlib.sha256()
    with stored.open("wb") as out:
        for piece in uploaded.chunks():
            digest.update(piece)
            out.write(piece)
    record.stored_file, record.sha256 = str(stored), digest.hexdigest()
    record.save(update_fields=["stored_file", "sha256"])


def visible_imports(user) -> QuerySet:
    """Administrators see every import; others their own, and a focal point their country's."""
    imports = ServiceImport.objects.select_related("user", "area")
    if not user.is_authenticated:
        return imports.none()
    if is_admin(user):
        return imports
    scope = Q(user=user)
    if is_focal_point(user) and user.area_id:
        scope |= Q(area_id=user.area_id)
    return imports.filter(scope)


def get_import(user, pk) -> ServiceImport:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    found = visible_imports(user).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound(_("No such import."))
    return found


# --- the background task -----------------------------------------------------------------


def process_import(import_id: int) -> dict:
    """Run a queued import: claim it (queued → running, with the worker), hold
    a ZIP to the upload limits, import with the CLI's importer as the
    uploader, and save the outcome. The upload is deleted afterwards."""
    from gcmhub import workers
    from gcmhub.indicators.formats import limits
    from gcmhub.indicators.formats.records import FormatError

    claimed = ServiceImport.objects.filter(pk=import_id, state=ServiceImport.State.QUEUED).update(
        state=ServiceImport.State.RUNNING, started_at=timezone.now(), worker=workers.identity()
    )
    record = ServiceImport.objects.select_related("user", "area").get(pk=import_id)
    if not claimed:
        return {"state": record.state}  # already run (a retried task)
    options = record.options or {}
    try:
        path = Path(record.stored_file)
        if path.suffix == ".zip":
            limits.check_archive(path, shown_name=record.file_name)
        report = hsds_import.import_services(
            record.user, path, area=record.area.iso3 if record.area_id else None,
            dry_run=bool(options.get("dry_run")), publish=False if options.get("draft") else None,
            default_type=options.get("default_type") or "other", name=record.file_name,
        )  # fmt: skip
    except hsds_import.ImportRefused as refused:
        _finish(record, refused.report, error=refused.message)
    except (InvalidInput, Forbidden, NotFound) as error:
        _finish(record, None, error=error.message)
    except FormatError as error:  # an archive over the upload limits, or unreadable
        _finish(record, None, error=str(error))
    except Exception:
        _finish(record, None, error=_("The import stopped on an internal error; nothing was written."))
        raise
    except BaseException:  # the worker is being stopped
        _finish(record, None, error=interrupted_message())
        raise
    else:
        _finish(record, report)
    finally:
        shutil.rmtree(uploads_dir() / str(import_id), ignore_errors=True)
    return {"state": record.state, "import": record.pk}


def _finish(record: ServiceImport, report, *, error: str = "") -> None:
    failed = bool(error)
    if failed:
        record.state = ServiceImport.State.FAILED
    elif report.dry_run:
        record.state = ServiceImport.State.VALIDATED
    else:
        record.state = ServiceImport.State.SUCCEEDED
    record.finished_at = timezone.now()
    record.error = error
    record.stored_file = ""
    if report is not None:
        record.services_read = report.services
        record.problems = [str(problem) for problem in report.problems]
        record.warnings = [str(warning) for warning in report.warnings]
        if not failed:
            record.created_count, record.updated_count = len(report.created), len(report.updated)
            record.held_count, record.organizations_created = len(report.held), len(report.organizations_created)
    if failed and not record.problems:
        record.problems = [f"{record.file_name}: {error}"]
    record.save()


def interrupted_message() -> str:
    return _("The import was interrupted (its worker stopped); nothing was written. Upload the file again.")


def recover_interrupted_imports() -> int:
    """Fail the imports left running by a worker that is gone; a worker chore."""
    from gcmhub import workers

    running = ServiceImport.objects.filter(state=ServiceImport.State.RUNNING).exclude(worker="")
    gone = [record for record in running if not workers.is_alive(record.worker)]
    for record in gone:
        _finish(record, None, error=interrupted_message())
        shutil.rmtree(uploads_dir() / str(record.pk), ignore_errors=True)
    return len(gone)
