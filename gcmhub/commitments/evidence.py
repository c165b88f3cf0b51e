"""Evidence files: checked by content, stored outside the web root, named by hash.

An uploaded file is accepted only if its *content* is one of the kinds the
issue lists (PDF, DOCX, XLSX, CSV, PNG/JPEG/GIF/WebP images) — the name and
the type the browser claims are not trusted — and it is no larger than
``settings.GCMHUB_EVIDENCE_MAX_BYTES``. It is stored under
``settings.GCMHUB_PRIVATE_FILES_DIR/evidence/`` by its SHA-256 (two uploads
of the same bytes share one file), never under the name it came with, and
is served only through ``services.evidence_file_for``, which checks that the
reader may read the update it supports. Files are never unpacked or
executed here: a DOCX or XLSX is stored and handed back as it came.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput

# What filetype names each accepted kind, and the type we serve it with.
ACCEPTED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
CSV_TYPE = "text/csv"
EVIDENCE_DIR = "evidence"
CHUNK = 64 * 1024
# Enough of the start of a file for every signature filetype knows (a DOCX
# names its parts near the start of the ZIP).
HEAD_BYTES = 8192


@dataclass(frozen=True)
class StoredFile:
    stored_path: str  # relative to GCMHUB_PRIVATE_FILES_DIR
    sha256: str
    size: int
    content_type: str
    original_name: str


def private_root() -> Path:
    return Path(settings.GCMHUB_PRIVATE_FILES_DIR)


def _chunks(upload):
    """Bytes of an upload: a Django UploadedFile, a binary file object or bytes."""
    if isinstance(upload, bytes | bytearray):
        yield bytes(upload)
        return
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
        return
    while True:
        chunk = upload.read(CHUNK)
        if not chunk:
            return
        yield chunk


def _looks_like_csv(head: bytes, name: str) -> bool:
    """CSV has no signature: a ``.csv`` name and text (UTF-8, no NUL) at the start."""
    if not name.lower().endswith(".csv") or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end in the middle of a character.
        return error.start >= len(head) - 3
    return True


def content_type_of(head: bytes, name: str, field: str = "files") -> str:
    """The type to serve the file with, from its first bytes; InvalidInput if not accepted."""
    kind = filetype.guess(head)
    if kind is not None and kind.extension in ACCEPTED:
        return ACCEPTED[kind.extension]
    if kind is None and _looks_like_csv(head, name):
        return CSV_TYPE
    raise InvalidInput(
        _("“%(name)s” is not an accepted file: send PDF, DOCX, XLSX, CSV or an image (PNG, JPEG, GIF, WebP).")
        % {"name": name},
        field=field,
    )


def store(upload, name: str, field: str = "files") -> StoredFile:
    """Check and store one upload; InvalidInput naming ``field`` if refused."""
    name = os.path.basename((name or "").replace("\\", "/")).strip() or "evidence"
    limit = settings.GCMHUB_EVIDENCE_MAX_BYTES
    root = private_root() / EVIDENCE_DIR
    root.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in _chunks(upload):
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(
                        _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": round(limit / 2**20, 1)},
                        field=field,
                    )
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput(_("“%(name)s” is empty.") % {"name": name}, field=field)
        content_type = content_type_of(head, name, field)
        sha = digest.hexdigest()
        relative = f"{EVIDENCE_DIR}/{sha[:2]}/{sha}"
        target = private_root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, target)
        temporary = None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    return StoredFile(relative, sha, size, content_type, name[:255])


def path_of(stored_path: str) -> Path:
    """The absolute path of a stored file; refuses anything outside the private directory."""
    root = private_root().resolve()
    path = (root / stored_path).resolve()
    if root not in path.parents:
        raise ValueError(f"evidence path outside the private files directory: {stored_path!r}")
    return path


def remove_unreferenced(stored_paths) -> None:
    """Delete stored files no evidence refers to any more (after a commitment is deleted)."""
    from gcmhub.commitments.models import Evidence

    for stored_path in set(stored_paths):
        if stored_path and not Evidence.objects.filter(stored_path=stored_path).exists():
            path = path_of(stored_path)
            if path.exists():
                path.unlink()
