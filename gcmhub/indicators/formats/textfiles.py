"""Reading CSV text safely and in a stream.

Encodings: UTF-8, with or without a byte-order mark, is what every format
here publishes and what we read by default. A UTF-16 file with its BOM is
read too. Bytes that are not valid UTF-8 stop the read with the line they
are on (``FormatError``): we do not guess. A caller who knows a file is
Windows-1252 says so (``encoding="cp1252"`` in the options, or in a tidy
mapping); no reader falls back silently, because none of the formats here is
published in cp1252.

Rows come with the 1-based physical line they start on. The delimiter is
the most frequent of ``, ; TAB |`` in the first line unless given.
A file that does not end with a newline and whose last line leaves a quote
open is reported as truncated.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Iterator

from .records import FormatError

__all__ = ["CsvSource", "HeaderIndex", "check_not_binary", "normalise_name"]

SIGNATURES = {
    b"PK\x03\x04": "a ZIP/XLSX workbook",
    b"\xd0\xcf\x11\xe0": "an old-style Excel (.xls) workbook",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
}
_DELIMITERS = (",", ";", "\t", "|")

csv.field_size_limit(16 * 1024 * 1024)


def check_not_binary(file: str, head: bytes, expected: str = "a CSV text file") -> None:
    for signature, what in SIGNATURES.items():
        if head.startswith(signature):
            raise FormatError(file, f"this is {what}, not {expected}")


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: 0 for d in _DELIMITERS}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvSource:
    """A CSV file opened for streaming; use as a context manager.

    ``rows()`` yields ``(line, cells)``; blank lines are yielded too (as
    ``[]``) so that callers decide what a blank line means.
    """

    def __init__(self, path, *, encoding: str | None = None, delimiter: str | None = None):
        self.path = path
        self.file = str(path)
        self.ends_with_newline = False
        try:
            self.size = os.path.getsize(path)
            with open(path, "rb") as raw:
                head = raw.read(65536)
                if self.size:
                    raw.seek(-1, os.SEEK_END)
                    self.ends_with_newline = raw.read(1) in (b"\n", b"\r")
        except IsADirectoryError:
            raise FormatError(self.file, "is a folder, not a file") from None
        except OSError as exc:
            raise FormatError(self.file, f"cannot be read: {exc.strerror or exc}") from None
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise FormatError(self.file, "the file is empty")
        check_not_binary(self.file, head)
        if encoding is None:
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                encoding = "utf-16"
            else:
                encoding = "utf-8-sig"
                if b"\x00" in head:
                    raise FormatError(
                        self.file,
                        "contains NUL bytes: a binary file, or UTF-16 text without a byte-order mark "
                        "(save it as UTF-8)",
                    )
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FormatError(self.file, f"unknown encoding {encoding!r}") from None
        self.encoding = encoding
        if delimiter is None:
            first = head.split(b"\n", 1)[0]
            delimiter = _sniff_delimiter(first.decode(encoding if encoding != "utf-16" else "latin-1", "replace"))
        self.delimiter = delimiter
        self._fh = None
        self.line_num = 0

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def open_reader(self):
        """The raw ``csv.reader`` (for the hot loop of the tidy reader).

        The caller tracks lines (``reader.line_num``), turns exceptions into
        ``FormatError`` with ``translate`` and calls ``finish(last_row, line)``.
        """
        self._fh = open(self.path, encoding=self.encoding, newline="", errors="strict")  # noqa: SIM115
        self._reader = csv.reader(self._fh, delimiter=self.delimiter)
        return self._reader

    def translate(self, exc: Exception) -> FormatError:
        self.close()
        if isinstance(exc, UnicodeDecodeError):
            return self._decode_error()
        line = getattr(self, "_reader", None)
        line = line.line_num if line is not None else None
        return FormatError(self.file, f"is not valid CSV: {exc}", line=line or None)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` for every record, blank lines included (as ``[]``)."""
        reader = self.open_reader()
        previous = 0
        row = None
        line = 0
        try:
            for row in reader:
                line = previous + 1
                previous = reader.line_num
                yield line, row
        except (UnicodeDecodeError, csv.Error) as exc:
            raise self.translate(exc) from None
        finally:
            self.close()
        self.line_num = previous
        self.finish(row, line)

    def finish(self, last_row, line: int) -> None:
        """After the last row: a missing final newline with an open quote, or with a
        last row shorter than the header (``expect_width``), means truncation."""
        self.close()
        self._check_truncated()
        if (
            last_row is not None
            and self.width
            and not self.ends_with_newline
            and len(last_row) < self.width
            and any(cell.strip() for cell in last_row)
        ):
            raise FormatError(
                self.file,
                f"the last row has {len(last_row)} of {self.width} columns: the file looks truncated",
                line=line,
            )

    width = 0

    def bytes_read(self) -> int:
        """Roughly how far into the file the reader is (to size look-up tables)."""
        try:
            return self._fh.buffer.tell() if self._fh is not None else 0
        except (OSError, ValueError):
            return 0

    def expect_width(self, width: int) -> None:
        """Rows should have ``width`` cells: a shorter last row at a missing final newline is truncation."""
        self.width = width

    def _check_truncated(self) -> None:
        if self.ends_with_newline or not self.size:
            return
        with open(self.path, "rb") as raw:
            raw.seek(max(0, self.size - 65536))
            tail = raw.read()
        last = re.split(rb"[\r\n]", tail)[-1]
        if last.count(b'"') % 2:
            raise FormatError(
                self.file, "ends inside a quoted value: the file looks truncated", line=self.line_num or None
            )

    def _decode_error(self) -> FormatError:
        decoder_name = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        with open(self.path, "rb") as raw:
            for number, chunk in enumerate(raw, start=1):
                if number == 1 and chunk.startswith(codecs.BOM_UTF8):
                    chunk = chunk[3:]
                try:
                    chunk.decode(decoder_name)
                except UnicodeDecodeError as exc:
                    bad = chunk[exc.start : exc.end]
                    return FormatError(
                        self.file,
                        f"byte {bad.hex(' ')} at position {exc.start + 1} is not valid {decoder_name.upper()} "
                        "(is the file Windows-1252/Latin-1? save it as UTF-8, or give its encoding)",
                        line=number,
                    )
        return FormatError(self.file, f"is not valid {decoder_name.upper()} text")


_SPACES = re.compile(r"\s+")


def normalise_name(name) -> str:
    """Header matching key: case-, space- and bracket-insensitive."""
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().strip("[]").strip()
    return _SPACES.sub(" ", text).lower()


class HeaderIndex:
    """Column lookup by name, forgiving about case, spaces and ``[brackets]``.

    With ``exact=True`` names that differ only in case are different columns
    (Open SDG's ``Series`` label and ``SERIES`` code); a lookup then tries the
    exact spelling first and falls back to a case-insensitive match.
    """

    def __init__(self, header, file: str, line=1, *, exact: bool = False):
        self.names = ["" if h is None else str(h).replace("\ufeff", "").strip() for h in header]
        # drop trailing blank columns (WDI writes a trailing comma)
        while self.names and not self.names[-1]:
            self.names.pop()
        self.file = file
        self.line = line
        self.exact = exact
        self.positions: dict[str, int] = {}
        self.folded: dict[str, int | None] = {}
        for position, name in enumerate(self.names):
            folded = normalise_name(name)
            key = _SPACES.sub(" ", name.strip("[] ")) if exact else folded
            if key and key in self.positions:
                raise FormatError(file, f"column {name!r} appears twice in the header", line=line, column=name)
            if key:
                self.positions[key] = position
                self.folded[folded] = None if folded in self.folded else position

    def __len__(self) -> int:
        return len(self.names)

    def find(self, *aliases: str, fold: bool = True) -> int | None:
        for alias in aliases:
            if self.exact:
                position = self.positions.get(_SPACES.sub(" ", alias.strip()))
                if position is not None or not fold:
                    if position is not None:
                        return position
                    continue
            position = self.folded.get(normalise_name(alias))
            if position is not None:
                return position
        return None

    def require(self, *aliases: str) -> int:
        position = self.find(*aliases)
        if position is None:
            found = ", ".join(repr(n) for n in self.names if n) or "nothing"
            raise FormatError(
                self.file,
                f"required column {aliases[0]!r} is missing (the header has {found})",
                line=self.line,
                column=aliases[0],
            )
        return position
