"""The checks every uploaded data file passes before it is stored: a suffix the
importer takes, a size within its limit, and content that looks like that
suffix (read from the first bytes). Indicator imports and HSDS service imports
call :func:`check_upload_file`; each keeps its own list of suffixes and limit."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput

_TEXT_PREFIX_NOISE = b"\xef\xbb\xbf \t\r\n"  # a UTF-8 byte-order mark and blank space


def looks_like(suffix: str, head: bytes) -> bool:
    """Whether the first bytes of a file fit its suffix."""
    if suffix in (".xlsx", ".zip"):
        return head.startswith(b"PK\x03\x04")
    if suffix == ".xml":
        return head.lstrip(_TEXT_PREFIX_NOISE).startswith(b"<")
    if suffix == ".json":
        return head.lstrip(_TEXT_PREFIX_NOISE)[:1] in (b"{", b"[")
    return b"\0" not in head  # text, in whatever encoding the reader will detect


def check_upload_file(kind: str, name: str, size: int, head: bytes, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """The file's suffix if an upload of ``kind`` (the format's name) may be
    stored; InvalidInput on the ``file`` field, naming the file, otherwise."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(
            _("A %(format)s upload must be a %(types)s file, not “%(name)s”.")
            % {"format": kind, "types": " or ".join(allowed), "name": name},
            field="file",
        )
    if size > max_bytes:
        raise InvalidInput(_("The file is larger than %(limit)d MB.") % {"limit": max_bytes // 2**20}, field="file")
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    if not looks_like(suffix, head):
        raise InvalidInput(
            _("The content of “%(name)s” is not a %(suffix)s file.") % {"name": name, "suffix": suffix}, field="file"
        )
    return suffix
