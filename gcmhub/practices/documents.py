"""Uploaded reports: checking, storing and reading them page by page.

A report is accepted as PDF, DOCX, HTML or plain text, recognised by its
content (its first bytes and, for DOCX, the parts of the ZIP), never by the
name or the type the browser claims. It is refused over
``GCMHUB_DOCUMENT_MAX_BYTES`` while it is still being received, stored under
``GCMHUB_PRIVATE_FILES_DIR/documents/`` (outside the web root) named by its
SHA-256, and served only through a view that checks the read permission.

Reading keeps the pages: a PDF's own pages (pypdf, BSD licence), a DOCX's
explicit and last-rendered page breaks (python-docx, MIT licence), form feeds
in HTML and text, and for plain text the page numbers printed inline in the
report (``extraction.read_text_file``). The whole text of a document is its
pages joined by a form feed; ``DocumentPage.offset`` is where each page starts
in it, so spans point into that text.
"""

from __future__ import annotations

import codecs
import hashlib
import html.parser
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput

from gcmhub.practices.extraction.pages import PAGE_SEPARATOR  # noqa: E402  (one separator for spans)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# More pages than any report; a PDF declaring millions is refused before reading.
MAX_PAGES = 5000
CHUNK = 64 * 1024


class DocumentError(InvalidInput):
    """An upload that cannot be accepted or read; names the file and the reason."""


def max_bytes() -> int:
    return int(getattr(settings, "GCMHUB_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def storage_dir() -> Path:
    return Path(settings.GCMHUB_PRIVATE_FILES_DIR) / "documents"


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int
    format: str


# --- receiving -----------------------------------------------------------------


def store_upload(chunks, original_name: str) -> StoredFile:
    """Write the uploaded bytes (an iterable of chunks) to private storage,
    refusing them past the size limit and unless their content is one of the
    accepted formats. The stored name is the SHA-256 of the content."""
    limit = max_bytes()
    folder = storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise DocumentError(
                        _("%(name)s is larger than the limit of %(limit)s bytes.") % {"name": original_name, "limit": limit},
                        field="file",
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DocumentError(_("%(name)s is empty.") % {"name": original_name}, field="file")
        kind = detect_format(Path(temporary), original_name)
        path = folder / digest.hexdigest()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(path=path, sha256=digest.hexdigest(), size=size, format=kind)


def stored_path(sha256: str) -> Path:
    return storage_dir() / sha256


# --- recognising the format by content -------------------------------------------

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|p|div|h[1-6])\b", re.I | re.S)


def detect_format(path: Path, shown_name: str) -> str:
    """``pdf``, ``docx``, ``html`` or ``text`` from the content; DocumentError otherwise."""
    with open(path, "rb") as stream:
        head = stream.read(8192)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if _is_docx(path):
            return "docx"
        raise DocumentError(
            _("%(name)s is a ZIP archive but not a Word document (DOCX).") % {"name": shown_name}, field="file"
        )
    if _looks_like_text(path):
        return "html" if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")) else "text"
    raise DocumentError(
        _("%(name)s is not a PDF, DOCX, HTML or plain-text (UTF-8) file.") % {"name": shown_name}, field="file"
    )


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _looks_like_text(path: Path) -> bool:
    """UTF-8 without NUL or other binary control characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            if b"\x00" in chunk:
                return False
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
            if any(ord(c) < 32 and c not in "\t\n\r\f\v" for c in text):
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --- reading pages -------------------------------------------------------------------


def read_pages(path: Path, kind: str, shown_name: str) -> list[str]:
    """The text of each page; DocumentError naming the file if it cannot be read."""
    readers = {"pdf": _pdf_pages, "docx": _docx_pages, "html": _html_pages, "text": _text_pages}
    try:
        pages = readers[kind](path)
    except DocumentError:
        raise
    except Exception as error:  # a damaged file: each library raises its own errors
        raise DocumentError(
            _("%(name)s could not be read as %(format)s: %(reason)s")
            % {"name": shown_name, "format": kind.upper(), "reason": error},
            field="file",
        ) from None
    if len(pages) > MAX_PAGES:
        raise DocumentError(
            _("%(name)s has %(count)s pages; at most %(limit)s are read.")
            % {"name": shown_name, "count": len(pages), "limit": MAX_PAGES},
            field="file",
        )
    return [_clean(page) for page in pages] or [""]


def _clean(text: str) -> str:
    # The separator and NUL must not occur inside a page.
    return text.replace(PAGE_SEPARATOR, "\n").replace("\x00", "")


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if len(reader.pages) > MAX_PAGES:
        return [""] * len(reader.pages)  # refused by the caller, unread
    return [page.extract_text() or "" for page in reader.pages]


def _docx_pages(path: Path) -> list[str]:
    import docx
    from docx.oxml.ns import qn

    from gcmhub.indicators.formats.limits import check_archive

    check_archive(path, kind="Word document")  # no ZIP bomb reaches python-docx
    document = docx.Document(str(path))
    pages: list[list[str]] = [[]]
    for paragraph in document.paragraphs:
        line = []
        for run in paragraph.runs:
            element = run._element
            breaks = [
                child
                for child in element.iter()
                if child.tag == qn("w:lastRenderedPageBreak")
                or (child.tag == qn("w:br") and child.get(qn("w:type")) == "page")
            ]
            if breaks and (line or any(pages[-1])):
                pages[-1].append("".join(line))
                line = []
                pages.append([])
            line.append(run.text)
        pages[-1].append("".join(line) if paragraph.runs else paragraph.text)
    return ["\n".join(lines).strip("\n") for lines in pages]


class _HtmlText(html.parser.HTMLParser):
    """Visible text of an HTML page, one line per block element."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "ul", "ol"}
    HIDDEN = {"script", "style", "template", "noscript", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        style = dict(attrs).get("style") or ""
        if "page-break-before" in style.replace(" ", "") or "break-before:page" in style.replace(" ", ""):
            self.parts.append(PAGE_SEPARATOR)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _html_pages(path: Path) -> list[str]:
    parser = _HtmlText()
    parser.feed(path.read_text(encoding="utf-8-sig"))
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return [page.strip() for page in text.split(PAGE_SEPARATOR)]


def _text_pages(path: Path) -> list[str]:
    # Pages from form feeds, or from the page numbers reports saved as text
    # keep inline; material after the report body is left out.
    from gcmhub.practices.extraction import read_text_file

    return read_text_file(path)
