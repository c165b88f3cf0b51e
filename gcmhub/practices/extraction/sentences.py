"""Sentences of the report text, with their offsets.

Reports run sentences across page breaks, so the whole text (pages joined by
form feeds) is split at once. A full stop ends a sentence when a capital,
digit or quote follows, except after initials ("Austin T. Fragomen Jr."),
common abbreviations and inside parentheses (speaker introductions carry
commas and full stops).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "jr", "sr", "st", "no", "nos", "e.g", "i.e", "etc", "n.d", "art", "para", "paras",
    "inc", "ltd", "co", "vs", "u.s", "u.k", "cf", "fig", "vol", "pp", "p", "op", "al", "approx", "dept", "govt",
}
_END = re.compile(
    r"[.!?]+[\"'”’)]?(?=\s+[\"'“‘(]?[A-Z0-9ÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ])"
    # Web transcriptions drop a year that ends a sentence, full stop and all
    # ("benefited 240,000 people in The Ministry had also ..."): a preposition
    # that wants a year, right before a sentence opener, ends the sentence.
    r"|\s(?:in|since|until|from)(?=\s+(?:The|It|This|These|Those|He|She|They)\s+"
    r"(?!Hague|Gambia|Netherlands|Bahamas|Philippines|Niger|Sudan|Congo|Comoros|Maldives)\S)"
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# An unclosed parenthesis stops protecting full stops after this many characters.
_MAX_PARENTHESIS = 600
# A printed page number (arabic or roman) right before a page break.
_PRINTED_NUMBER = re.compile(r"\s+(?:\d{1,3}|[ivxlc]{1,6})\s*(?=\f)")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str  # cleaned: page breaks and printed page numbers removed
    page: int  # 1-based page where the sentence starts


# Footnotes that transcriptions leave inline: "4 See IOM Myanmar. ... Available at x.pdf",
# "10 For more information on ... see www...". They are blanked (same length,
# so offsets hold) before sentences are looked for.
_FOOTNOTES = (
    re.compile(r"(?<=\s)\d{1,2}\s+(?:See\s+)?[A-Z][^\f]{0,220}?Available at(?:\s+(?!\d{1,3}\s*\f)[^\s\f]+)?"),
    re.compile(r"(?<=\s)\d{1,2}\s+For more information[^\f]{0,300}?\.(?=\s+\d{1,3}\s*\f)"),
    re.compile(r"(?<=\s)\d{1,2}\s+See (?:paragraph|para\.|page|chapter|section)[^.\f]{0,100}\."),
)
_LEADING_NUMBERS = re.compile(r"(?:\d{1,3}\s+)+(?=\S)")


def mask_footnotes(text: str) -> str:
    for pattern in _FOOTNOTES:
        text = pattern.sub(lambda match: " " * len(match.group(0)), text)
    return text


def split_sentences(text: str, page_offsets: list[int]) -> list[Sentence]:
    text = mask_footnotes(text)
    sentences = []
    start = _skip_space(text, 0)
    depth = 0
    scan = 0
    for match in _END.finditer(text):
        depth += _paren_balance(text, scan, match.start())
        scan = match.start()
        if (depth > 0 and match.start() - start < _MAX_PARENTHESIS) or _is_abbreviation(text, match.start()):
            continue
        end = match.end()
        if end > start:
            sentences.append(_sentence(text, start, end, page_offsets))
        start = _skip_space(text, end)
        depth = 0
        scan = start
    if start < len(text.rstrip()):
        sentences.append(_sentence(text, start, len(text.rstrip()), page_offsets))
    return [sentence for sentence in sentences if sentence.text]


def _paren_balance(text: str, start: int, end: int) -> int:
    chunk = text[start:end]
    return chunk.count("(") - chunk.count(")")


def _is_abbreviation(text: str, position: int) -> bool:
    match = _WORD_BEFORE.search(text, max(0, position - 12), position)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():  # an initial
        return True
    return word.lower().rstrip(".") in _ABBREVIATIONS


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _sentence(text: str, start: int, end: int, page_offsets: list[int]) -> Sentence:
    leading = _LEADING_NUMBERS.match(text, start, end)
    if leading:  # footnote markers and printed page numbers before the sentence
        start = _skip_space(text, leading.end())
    raw = text[start:end]
    cleaned = _PRINTED_NUMBER.sub(" ", raw)
    cleaned = re.sub(r"(?<=[a-z])-\s*\n\s*(?=[a-z])", "", cleaned)  # words hyphenated at a line end (PDF text)
    cleaned = re.sub(r"\s+", " ", cleaned.replace("\f", " ")).strip()
    return Sentence(start=start, end=end, text=cleaned, page=page_at(page_offsets, start))


def page_at(page_offsets: list[int], position: int) -> int:
    """1-based number of the page containing ``position``."""
    return max(1, bisect.bisect_right(page_offsets, position))
