"""Limits on what one imported file may make the importer do.

A few kilobytes can describe gigabytes: a workbook declaring the sheet
``A1:XFD1048576`` (17 billion cells), a shared-strings table of 20 million
empty strings, a ZIP whose members unpack a thousand times larger, or
hundreds of thousands of empty entries. Every such file is refused before the
work it asks for is done, with a message naming the limit, so an upload
cannot be turned against the site.

The checks read only what a ZIP declares about itself (its end record and
central directory, walked without building anything) and stream the shared-strings XML through a counter;
Python's ``zipfile`` never returns more bytes than a member declares, so the
declared sizes bound what openpyxl can later decompress.

This module is pure Python (no Django). The site sets the limits once from
its settings (``GCMHUB_IMPORT_LIMITS``, see docs/indicators.md) with
``configure`` when the indicators app starts; ``applied`` overrides them for
one block (tests); otherwise the defaults below hold.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace

from .records import FormatError

__all__ = [
    "LimitExceeded", "Limits", "RowCounter", "applied", "check_archive", "check_workbook", "configure", "current",
]  # fmt: skip


@dataclass(frozen=True)
class Limits:
    # Rows and columns of one sheet, and cells of one sheet (rows × columns).
    max_rows: int = 2_000_000
    max_columns: int = 1_000
    max_cells: int = 50_000_000
    # Entries of a workbook's shared-strings table (openpyxl holds them all in memory).
    max_shared_strings: int = 1_000_000
    # A ZIP (an uploaded Open SDG folder, or an XLSX): members, bytes once unpacked,
    # and how many times larger than its compressed size a member may unpack.
    max_entries: int = 10_000
    max_unpacked_bytes: int = 2 * 1024**3
    max_compression_ratio: int = 200
    # Members smaller than this are not held to the ratio (tiny files compress oddly well).
    ratio_floor_bytes: int = 1024 * 1024

    @classmethod
    def from_mapping(cls, values: dict | None) -> Limits:
        """Defaults overridden by the known keys of ``values`` (unknown keys are an error)."""
        values = dict(values or {})
        known = {field.name for field in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown import limit(s): {', '.join(sorted(unknown))}")
        return replace(cls(), **{key: int(value) for key, value in values.items()})


class LimitExceeded(FormatError):
    """A file refused because it goes over one of the ``Limits`` (named in the message)."""

    def __init__(self, file: str, reason: str, limit: str):
        super().__init__(file, reason)
        self.limit = limit


_configured = Limits()
_current: ContextVar[Limits | None] = ContextVar("gcmhub_import_limits", default=None)


def configure(limits: Limits) -> None:
    """Make ``limits`` this process's limits (the site's settings)."""
    global _configured
    _configured = limits


def current() -> Limits:
    return _current.get() or _configured


@contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Use ``limits`` for reads done inside the block (threads and forks inherit it)."""
    token = _current.set(limits)
    try:
        yield limits
    finally:
        _current.reset(token)


def _refuse(file, limit: str, what: str, found, allowed) -> LimitExceeded:
    return LimitExceeded(
        str(file), f"{what} ({found:,}) exceeds the import limit {limit} = {allowed:,}; the file was not read", limit
    )


# --- ZIP archives (uploaded folders and XLSX workbooks) ---------------------------

_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_ZIP64_END_RECORD = b"PK\x06\x06"
_CENTRAL_HEADER = b"PK\x01\x02"
_CENTRAL_HEADER_SIZE = 46


def _end_record(fh) -> tuple[int, int, int] | None:
    """``(declared entries, central directory size, its start)`` from a ZIP's
    end record (ZIP64 too), or None when there is none."""
    fh.seek(0, 2)
    size = fh.tell()
    base = max(0, size - (_END_RECORD_SIZE + 65535))
    fh.seek(base)
    tail = fh.read()
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < _END_RECORD_SIZE:
        return None
    count, cd_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    end_at = at
    if count == 0xFFFF or cd_size == 0xFFFFFFFF:
        zip64 = tail.rfind(_ZIP64_END_RECORD, 0, at)
        if zip64 >= 0 and len(tail) - zip64 >= 48:
            count, cd_size = struct.unpack("<QQ", tail[zip64 + 32 : zip64 + 48])
            end_at = zip64
    return count, cd_size, base + end_at - cd_size


def count_entries(path, stop_after: int) -> int | None:
    """How many entries a ZIP holds: the larger of what its end record
    declares and the headers found walking its central directory, which
    stops once ``stop_after`` is passed — so 400,000 entries cost no more than
    ``stop_after`` (``zipfile`` would build an object for each). None when
    there is no end record (``zipfile`` then reports the damage)."""
    with open(path, "rb") as fh:
        end = _end_record(fh)
        if end is None:
            return None
        declared, cd_size, cd_start = end
        if cd_start < 0:
            return declared
        fh.seek(cd_start)
        found = consumed = 0
        while consumed < cd_size and found <= stop_after:
            header = fh.read(_CENTRAL_HEADER_SIZE)
            if len(header) < _CENTRAL_HEADER_SIZE or not header.startswith(_CENTRAL_HEADER):
                break
            name, extra, comment = struct.unpack("<HHH", header[28:34])
            fh.seek(name + extra + comment, 1)
            consumed += _CENTRAL_HEADER_SIZE + name + extra + comment
            found += 1
    return max(declared, found)


def check_archive(
    path, limits: Limits | None = None, *, shown_name: str | None = None, kind: str = "ZIP archive"
) -> list[zipfile.ZipInfo]:
    """The members of the ZIP at ``path`` once its entry count, unpacked size
    and compression ratios are known to be within ``limits``; LimitExceeded
    (or FormatError for a damaged archive) otherwise."""
    limits = limits or current()
    name = shown_name or str(path)
    count = count_entries(path, limits.max_entries)
    if count is not None and count > limits.max_entries:
        raise _refuse(name, "max_entries", "the archive's number of entries", count, limits.max_entries)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FormatError(name, f"is not a readable {kind} ({error})") from None
    if len(members) > limits.max_entries:
        raise _refuse(name, "max_entries", "the archive's number of entries", len(members), limits.max_entries)
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        what = "the archive's unpacked size in bytes"
        raise _refuse(name, "max_unpacked_bytes", what, total, limits.max_unpacked_bytes)
    for member in members:
        if member.file_size < limits.ratio_floor_bytes:
            continue
        ratio = member.file_size // max(1, member.compress_size)
        if ratio > limits.max_compression_ratio:
            raise _refuse(
                name, "max_compression_ratio", f"the compression ratio of its member {member.filename!r}", ratio,
                limits.max_compression_ratio,
            )  # fmt: skip
    return members


# --- XLSX workbooks -----------------------------------------------------------------

# An <si> element of the shared-strings table, with or without a namespace prefix.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_OVERLAP = 64


def count_shared_strings(archive: zipfile.ZipFile, member: str, stop_after: int) -> int:
    """How many strings the table holds, counted while streaming its XML;
    stops once ``stop_after`` is passed."""
    count = 0
    carry = b""
    with archive.open(member) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            text = carry + block
            # Count only matches that start before the carried-over tail, so none is counted twice.
            limit = max(0, len(text) - _OVERLAP)
            count += sum(1 for match in _SHARED_STRING.finditer(text) if match.start() < limit)
            if count > stop_after:
                return count
            carry = text[limit:]
    return count + len(_SHARED_STRING.findall(carry))


def check_workbook(path, limits: Limits | None = None) -> None:
    """Refuse an XLSX whose archive or shared-strings table is over the limits,
    before openpyxl parses any of it."""
    limits = limits or current()
    members = check_archive(path, limits, kind="XLSX workbook")
    with zipfile.ZipFile(path) as archive:
        for table in _shared_string_tables(archive, members):
            count = count_shared_strings(archive, table, limits.max_shared_strings)
            if count > limits.max_shared_strings:
                raise _refuse(
                    path, "max_shared_strings", "the workbook's number of shared strings", count,
                    limits.max_shared_strings,
                )  # fmt: skip


_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_MANIFEST = "[Content_Types].xml"
_MANIFEST_MAX_BYTES = 1024 * 1024


def _shared_string_tables(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """The members openpyxl would read as the shared-strings table: the one the
    content-types manifest names (whatever it is called), and any member
    called ``sharedStrings.xml``."""
    names = {member.filename for member in members}
    tables = {name for name in names if name.lower().endswith("sharedstrings.xml")}
    manifest = next((member for member in members if member.filename == _MANIFEST), None)
    if manifest is None or manifest.file_size > _MANIFEST_MAX_BYTES:
        return tables
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(archive.read(_MANIFEST))
    except (ElementTree.ParseError, zipfile.BadZipFile, ValueError):
        return tables  # openpyxl will call the workbook unreadable
    for element in root.iter():
        if element.tag.endswith("Override") and element.get("ContentType") == _SHARED_STRINGS_TYPE:
            part = (element.get("PartName") or "").lstrip("/")
            if part in names:
                tables.add(part)
    return tables


_CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def dimension_size(reference: str | None) -> tuple[int, int] | None:
    """``(rows, columns)`` of a sheet's declared dimension such as ``A1:XFD1048576``."""
    if not reference:
        return None
    corners = reference.split(":")
    parsed = [_CELL_REFERENCE.match(corner.strip()) for corner in corners]
    if not all(parsed) or len(parsed) not in (1, 2):
        return None
    cells = [(int(m.group(2)), _column_number(m.group(1))) for m in parsed]
    (top, left), (bottom, right) = cells[0], cells[-1]
    return abs(bottom - top) + 1, abs(right - left) + 1


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def check_dimension(file, sheet: str, reference: str | None, limits: Limits | None = None) -> None:
    """Refuse a sheet whose declared dimension is over the row, column or cell limits."""
    limits = limits or current()
    size = dimension_size(reference)
    if size is None:
        return
    rows, columns = size
    where = f"sheet {sheet!r} declares {reference}: its number of"
    if rows > limits.max_rows:
        raise _refuse(file, "max_rows", f"{where} rows", rows, limits.max_rows)
    if columns > limits.max_columns:
        raise _refuse(file, "max_columns", f"{where} columns", columns, limits.max_columns)
    if rows * columns > limits.max_cells:
        raise _refuse(file, "max_cells", f"{where} cells", rows * columns, limits.max_cells)


class RowCounter:
    """Counts the rows and cells actually streamed from a sheet (a declared
    dimension can be missing or lie) and refuses once a limit is passed."""

    def __init__(self, file, sheet: str, limits: Limits | None = None):
        self.limits = limits or current()
        self.file = file
        self.sheet = sheet
        self.rows = 0
        self.cells = 0

    def add(self, row_number: int, width: int) -> None:
        limits = self.limits
        self.rows = max(self.rows, row_number)
        self.cells += width
        sheet = f"sheet {self.sheet!r}"
        if self.rows > limits.max_rows:
            raise _refuse(self.file, "max_rows", f"{sheet}: its number of rows", self.rows, limits.max_rows)
        if width > limits.max_columns:
            raise _refuse(
                self.file, "max_columns", f"{sheet}: row {row_number}'s number of columns", width, limits.max_columns
            )
        if self.cells > limits.max_cells:
            raise _refuse(self.file, "max_cells", f"{sheet}: its number of cells", self.cells, limits.max_cells)
