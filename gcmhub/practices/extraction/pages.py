"""Pages of a plain-text report, and where the report body ends.

Web transcriptions of reports (like the shared IDM report) put the page
number inline at the start of each page: ``"25 THE GLOBAL COMPACT: ..."``.
A line starts a new page when it begins with the number that follows the
previous page; any other line continues the current page. Numbers that do
not follow (a date such as "18 19 April 2017", a footnote "4 See ...") are
therefore never taken for page breaks.

After the body, such transcriptions often append material that is not part
of the report: the hosting site's listings of other documents ("More
information"), agendas, a repeated title. ``body_end`` finds where that
material starts so that nothing in it becomes a candidate.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE_SEPARATOR = "\f"
_PAGE_START = re.compile(r"^\s*(\d{1,4})(?:\s+|$)")
# Lines that mark a listing of other documents appended after the body.
_LISTING_MARKERS = re.compile(r"^\s*(more information|related documents|similar documents|download)\s*:?\s*$", re.I)
# How many pages must follow each other before inline numbering is trusted.
_MIN_NUMBERED_PAGES = 3


class ReportTextError(ValueError):
    """A report file that cannot be read as text."""


def read_text_file(path: str | Path) -> list[str]:
    """The pages of a plain-text report: item i is page i + 1.

    Pages are taken from form feeds when the file has them, else from inline
    page numbers; a file with neither is one page. Material after the report
    body is dropped.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportTextError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportTextError(f"{path}: byte {exc.start} is not UTF-8 text") from None
    if "\x00" in text:
        raise ReportTextError(f"{path}: binary content, not plain text")
    return split_pages(text)


def split_pages(text: str) -> list[str]:
    """Split a report's text into pages (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if PAGE_SEPARATOR in text:
        pages = text.split(PAGE_SEPARATOR)
        return [page.strip("\n") for page in pages]
    lines = text.split("\n")
    starts = _numbered_page_starts(lines)
    if len(starts) < _MIN_NUMBERED_PAGES:
        return [text.strip("\n")]
    end = body_end(lines, starts[-1][0])
    pages: list[str] = [""] * (starts[0][1] - 1)  # pages before the first numbered one stay empty
    for position, (line_index, _number) in enumerate(starts):
        stop = starts[position + 1][0] if position + 1 < len(starts) else end
        first = _PAGE_START.sub("", lines[line_index], count=1)
        body = [first, *lines[line_index + 1 : stop]]
        pages.append("\n".join(body).strip("\n"))
    return pages


def _numbered_page_starts(lines: list[str]) -> list[tuple[int, int]]:
    """(line index, page number) of every line that starts the next page.

    The first page may be any small number; after it each page must be the
    previous one plus one. The longest such run in the file wins, so a stray
    number before the real numbering starts does not derail it.
    """
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        match = _PAGE_START.match(line)
        if not match:
            continue
        number = int(match.group(1))
        if run and number == run[-1][1] + 1:
            run.append((index, number))
        elif not run or len(run) < _MIN_NUMBERED_PAGES:
            run = [(index, number)] if number <= 10 else []
        if len(run) > len(best):
            best = list(run)
    return best


def body_end(lines: list[str], last_page_line: int) -> int:
    """Index of the first line after the report body.

    The body continues after the last numbered page until the first sign of
    appended material: a listing marker ("More information"), or a title
    line repeated at the start of the next non-empty line (how document
    listings render a link followed by its preview).
    """
    following = [index for index in range(last_page_line + 1, len(lines)) if lines[index].strip()]
    for position, index in enumerate(following):
        line = lines[index].strip()
        if _LISTING_MARKERS.match(line):
            return _start_of_listing(lines, following, position)
        if position + 1 < len(following):
            nxt = lines[following[position + 1]].strip()
            if len(line) >= 12 and nxt != line and nxt.startswith(line):
                return index
    return len(lines)


def _start_of_listing(lines: list[str], following: list[int], marker_position: int) -> int:
    """The listing block before a marker starts with its repeated title."""
    for position in range(marker_position):
        line = lines[following[position]].strip()
        nxt = lines[following[position + 1]].strip()
        if len(line) >= 12 and nxt.startswith(line):
            return following[position]
    return following[marker_position]


def join_pages(pages: list[str]) -> tuple[str, list[int]]:
    """The whole text (pages joined by a form feed) and each page's offset in it.

    Spans of candidates point into this text, as ``DocumentPage.offset`` does.
    """
    offsets = []
    position = 0
    for page in pages:
        offsets.append(position)
        position += len(page) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(pages), offsets


_CONTENTS = re.compile(r"^\s*(?:TABLE OF CONTENTS|CONTENTS)\b")
_HEADING = re.compile(r"^\s*([A-Z][A-Z’'\-]+(?:[ :,][A-Z][A-Z’'\-]+)*)\b")
_FRONT_HEADINGS = ("FOREWORD", "PREFACE", "ABBREVIATIONS", "ACRONYMS", "ACKNOWLEDGEMENTS", "ACKNOWLEDGMENTS",
                   "CONTENTS", "TABLE OF CONTENTS", "LIST OF", "EXECUTIVE SUMMARY")


def front_matter_pages(pages: list[str]) -> int:
    """How many leading pages are front matter (cover, foreword, contents, acronyms).

    When a table of contents is found early in the report, the body starts at
    the first later page that opens with a capitalised heading other than a
    front-matter one ("FOREWORD", "ABBREVIATIONS AND ACRONYMS"). Without a
    table of contents nothing is skipped.
    """
    limit = max(3, len(pages) // 4)
    contents = next((index for index, page in enumerate(pages[:limit]) if _CONTENTS.match(page)), None)
    if contents is None:
        return 0
    for index in range(contents + 1, len(pages)):
        heading = _HEADING.match(pages[index])
        if heading and len(heading.group(1)) >= 6 and not heading.group(1).startswith(_FRONT_HEADINGS):
            return index
    return 0


# Headings that open the back matter of a report: what follows is not the body.
_BACK_HEADINGS = ("APPENDIX", "APPENDICES", "ANNEX", "ANNEXES", "REFERENCES", "BIBLIOGRAPHY", "FINAL AGENDA",
                  "PROVISIONAL AGENDA", "AGENDA", "LIST OF PARTICIPANTS", "CONCEPT NOTE", "BACKGROUND PAPER")


def back_matter_start(pages: list[str]) -> int | None:
    """Index of the first page of the back matter (appendices, agendas, references), or None.

    Only a page in the second half of the report that opens with such a
    heading counts, so that a contents page or an introduction that mentions
    "the annex" does not cut the body short. Every later page is back matter
    too: the body does not resume after its appendices.
    """
    for index in range(len(pages) // 2, len(pages)):
        heading = _HEADING.match(pages[index])
        if heading and heading.group(1).startswith(_BACK_HEADINGS):
            return index
    return None
