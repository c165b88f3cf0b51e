"""Text handling shared by both search backends: folding, query terms,
highlighted snippets.

Both backends index *folded* text (``gcmhub.geo.names.fold``: lower-case
ASCII words), so accents and capitals never matter and SQLite and PostgreSQL
see exactly the same words. Language is handled on the query side, the same
way for English, French and Spanish: common short words are dropped and every
term is matched as a prefix after a light plural trim, so "remittances" finds
"remittance", "migraciones" finds "migración" and "alternatives" finds
"alternativas". No stemmer is language-specific, so a query in one language
never silently misses text in another.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache

import yaml
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gcmhub.geo.names import fold

# Words too common to narrow a search, in en/fr/es (folded). Dropped from
# queries only: the index keeps every word.
STOPWORDS = frozenset(
    """
    a an and are as at be by for from in into is it its no not of on or that the their this to with
    au aux avec ce ces dans de des du en et il la le les leur l d non ou par pour qu que qui sa se ses sur un une
    al como con del el en entre es las lo los para por que se su sus un una y
    """.split()
)
# At most this many words of a query are searched: more only slows the search.
MAX_TERMS = 8
# Shorter terms are matched whole, not as a prefix ("un" must not find "united").
MIN_PREFIX_LENGTH = 3
SNIPPET_WORDS = 36
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    text: str  # folded
    prefix: bool
    # Other words that count as this one (search_synonyms.yaml): (folded, prefix) pairs.
    synonyms: tuple[tuple[str, bool], ...] = ()

    @property
    def variants(self) -> tuple[tuple[str, bool], ...]:
        return ((self.text, self.prefix), *self.synonyms)

    def matches(self, folded_word: str) -> bool:
        return any(folded_word.startswith(text) if prefix else folded_word == text for text, prefix in self.variants)


SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "search_synonyms.yaml"


def _variant(entry: str) -> tuple[str, bool]:
    """A group entry as (folded stem, prefix): "juste=" is matched whole."""
    whole = entry.endswith("=")
    folded = fold(entry.rstrip("="))
    if whole:
        return folded, False
    stem = trim_plural(folded)
    return stem, len(stem) >= MIN_PREFIX_LENGTH


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[tuple[str, bool], ...]]:
    """Folded query stem -> the variants of its group (data: search_synonyms.yaml)."""
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    found: dict[str, tuple[tuple[str, bool], ...]] = {}
    for group in data.get("groups", []):
        variants = tuple(dict.fromkeys(_variant(str(entry)) for entry in group if str(entry).strip()))
        for text, _prefix in variants:
            found[text] = variants
    return found


def trim_plural(word: str) -> str:
    """A light, language-neutral plural trim before prefix matching."""
    if len(word) >= 6 and word.endswith("es"):
        return word[:-2]
    if len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _group_of(groups: dict, word: str, stem: str) -> tuple[tuple[str, bool], ...]:
    """The synonym group of a query word: by its stem or itself, else the entry
    it extends ("remittances" → "remittance")."""
    found = groups.get(stem) or groups.get(word)
    if found:
        return found
    for entry, variants in groups.items():
        if entry.startswith(stem) and word.startswith(entry) and len(stem) >= MIN_PREFIX_LENGTH:
            return variants
    return ()


def query_terms(text: str) -> list[Term]:
    """The terms a query searches for: folded words minus stopwords (unless
    the query is nothing but stopwords), plurals trimmed, each once."""
    words = fold(text or "").split()
    meaningful = [word for word in words if word not in STOPWORDS] or words
    terms: list[Term] = []
    groups = synonyms()
    for word in meaningful:
        stem = trim_plural(word)
        prefix = len(stem) >= MIN_PREFIX_LENGTH
        group = _group_of(groups, word, stem)
        term = Term(stem, prefix, tuple(variant for variant in group if variant != (stem, prefix)))
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _letter_classes() -> dict[str, str]:
    """For each folded letter (and the pairs œ, æ, ß fold to), the characters
    that fold to it: a regular expression then finds a term in the original
    text, accents and all, in one pass (``fold`` stays the one definition)."""
    forms: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250)]:
        char = chr(code)
        folded = fold(char)
        if folded.isascii() and folded.isalpha() and 1 <= len(folded) <= 2:
            forms.setdefault(folded, set()).update({char, char.lower(), char.upper()})
    return {key: "".join(sorted(chars)) for key, chars in forms.items()}


_LETTERS = _letter_classes()


def _term_pattern(term: Term) -> str:
    return "|".join(_word_pattern(text, prefix) for text, prefix in term.variants)


def _word_pattern(text: str, prefix: bool) -> str:
    parts, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in _LETTERS:  # "oe" is "oe" or "œ"
            first, second = (re.escape(_LETTERS.get(ch, ch)) for ch in pair)
            parts.append(f"(?:[{first}][{second}]|[{re.escape(_LETTERS[pair])}])")
            i += 2
            continue
        char = text[i]
        parts.append(f"[{re.escape(_LETTERS[char])}]" if char in _LETTERS else re.escape(char))
        i += 1
    return "(?:" + "".join(parts) + (r"\w*" if prefix else r"(?!\w)") + ")"


@lru_cache(maxsize=256)
def _term_regex(terms: tuple[Term, ...]) -> re.Pattern:
    """Words a term matches (folded: accents and capitals ignored), whole."""
    return re.compile(r"(?<!\w)(?:" + "|".join(_term_pattern(term) for term in terms) + ")")


def highlight(text: str, terms: list[Term]) -> SafeString:
    """``text`` escaped, with every word a term matches wrapped in <mark>."""
    return mark_safe(_marked(text, terms, 0, len(text)))


def _marked(text: str, terms: list[Term], start: int, end: int) -> str:
    if not terms:
        return escape(text[start:end])
    out, position = [], start
    for match in _term_regex(tuple(terms)).finditer(text, start, end):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    out.append(escape(text[position:end]))
    return "".join(out)


def snippet(texts: list[str], terms: list[Term], words: int = SNIPPET_WORDS) -> SafeString:
    """A short excerpt of the first of ``texts`` where a term occurs, centred
    on the densest run of hits, with the hits marked; the start of the first
    non-empty text when nothing matches (a filter-only search)."""
    for text in texts:
        if not text:
            continue
        hits = [match.start() for match in _term_regex(tuple(terms)).finditer(text)] if terms else []
        if hits or not terms:
            spans = [match.span() for match in _WORD.finditer(text)]
            starts = [span[0] for span in spans]
            hit_words = [max(0, bisect_right(starts, hit) - 1) for hit in hits]
            return _excerpt(text, spans, _best_window(hit_words, words), words, terms)
    first = next((text for text in texts if text), "")
    if not first:
        return mark_safe("")
    return _excerpt(first, [m.span() for m in _WORD.finditer(first)], 0, words, terms)


def _best_window(hits: list[int], words: int) -> int:
    """The first word of the window of ``words`` words holding the most hits."""
    if not hits:
        return 0
    best_start, best_count = hits[0], 0
    for i, hit in enumerate(hits):
        count = sum(1 for other in hits[i:] if other < hit + words)
        if count > best_count:
            best_start, best_count = hit, count
    return max(0, best_start - words // 4)


def _excerpt(text: str, spans: list[tuple[int, int]], first_word: int, words: int, terms: list[Term]) -> SafeString:
    if not spans:
        return mark_safe(escape(text[:200]))
    last_word = min(len(spans), first_word + words) - 1
    start = 0 if first_word == 0 else spans[first_word][0]
    end = len(text) if last_word == len(spans) - 1 else spans[last_word][1]
    body = _marked(text, terms, start, end)
    return mark_safe(("… " if start > 0 else "") + body + (" …" if end < len(text) else ""))
