"""Reading workbooks row by row.

``.xlsx``/``.xlsm`` go through openpyxl in read-only mode (rows are streamed
from the zipped XML, never the whole sheet in memory); legacy ``.xls`` (the
World Bank's download) through xlrd, which loads the workbook whole — such
files are small. The format is recognised by the file's first bytes, not
its name. Whatever goes wrong inside either library becomes a
``FormatError`` naming the file: "unreadable spreadsheet".

An XLSX is held to the import limits (``limits.py``) before openpyxl parses
it: its archive and shared-strings table are checked on opening, each
sheet's declared dimension before its rows are read, and the rows and cells
actually streamed as they come.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator

from . import limits
from .records import FormatError

__all__ = ["Workbook", "is_workbook", "open_workbook"]

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _head(path) -> bytes:
    try:
        with open(path, "rb") as raw:
            return raw.read(8)
    except IsADirectoryError:
        raise FormatError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise FormatError(str(path), f"cannot be read: {exc.strerror or exc}") from None


def is_workbook(path) -> bool:
    head = _head(path)
    return head.startswith(XLSX_SIGNATURE) or head.startswith(XLS_SIGNATURE)


class Workbook:
    """A workbook open for reading; use as a context manager."""

    def __init__(self, path):
        self.file = str(path)
        head = _head(path)
        if not head:
            raise FormatError(self.file, "the file is empty")
        self._book = None
        self._xls = None
        if head.startswith(XLSX_SIGNATURE):
            self.kind = "xlsx"
            limits.check_workbook(path)
            try:
                import openpyxl

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
                self.sheetnames = list(self._book.sheetnames)
            except Exception as exc:  # zip, XML, KeyError: all mean "unreadable"
                raise FormatError(self.file, f"is not a readable XLSX workbook ({_why(exc)})") from None
        elif head.startswith(XLS_SIGNATURE):
            self.kind = "xls"
            try:
                import xlrd
            except ImportError:  # pragma: no cover - xlrd comes with the project's dependencies
                raise FormatError(self.file, "is an old-style .xls workbook and xlrd is not installed") from None
            try:
                self._xls = xlrd.open_workbook(path, on_demand=True)
                self.sheetnames = list(self._xls.sheet_names())
            except Exception as exc:
                raise FormatError(self.file, f"is not a readable .xls workbook ({_why(exc)})") from None
        else:
            raise FormatError(self.file, "is not an Excel workbook (.xlsx or .xls)")

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._book is not None:
            try:
                self._book.close()
            except Exception:  # pragma: no cover
                pass
            self._book = None
        if self._xls is not None:
            self._xls.release_resources()
            self._xls = None

    def sheet(self, name: str | None = None, *, default: str | None = None) -> str:
        """The sheet to read: ``name`` if given, else ``default`` if present, else the first."""
        if name is not None:
            if name not in self.sheetnames:
                raise FormatError(self.file, f"has no sheet {name!r} (sheets: {', '.join(self.sheetnames)})")
            return name
        if default is not None and default in self.sheetnames:
            return default
        if not self.sheetnames:
            raise FormatError(self.file, "has no sheets")
        return self.sheetnames[0]

    def rows(self, sheet: str) -> Iterator[tuple[int, tuple]]:
        """``(row_number, values)`` for every row, 1-based as Excel numbers them."""
        if self._book is not None:
            try:
                worksheet = self._book[sheet]
                limits.check_dimension(self.file, sheet, _declared_dimension(worksheet))
                counter = limits.RowCounter(self.file, sheet)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                        counter.add(number, len(values))
                        yield number, values
            except FormatError:
                raise
            except (Exception, zipfile.BadZipFile) as exc:
                raise FormatError(self.file, f"sheet {sheet!r} cannot be read ({_why(exc)})") from None
        else:
            try:
                worksheet = self._xls.sheet_by_name(sheet)
                for index in range(worksheet.nrows):
                    yield index + 1, tuple(_xls_value(cell) for cell in worksheet.row(index))
            except Exception as exc:
                raise FormatError(self.file, f"sheet {sheet!r} cannot be read ({_why(exc)})") from None


def _declared_dimension(worksheet) -> str | None:
    """The ``A1:D20`` a read-only sheet declares, or None when it declares none."""
    if getattr(worksheet, "_max_row", None) is None or getattr(worksheet, "_max_column", None) is None:
        return None
    from openpyxl.utils import get_column_letter

    return (
        f"{get_column_letter(worksheet._min_column)}{worksheet._min_row}:"
        f"{get_column_letter(worksheet._max_column)}{worksheet._max_row}"
    )


def _xls_value(cell):
    # xlrd types: 0 empty, 1 text, 2 number, 3 date, 4 boolean, 5 error, 6 blank
    if cell.ctype in (0, 6):
        return None
    if cell.ctype == 5:
        return "#ERROR"
    return cell.value


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."


def open_workbook(path) -> Workbook:
    return Workbook(path)
