"""Site-wide search, gathered from the apps that own the records.

The search page (``/<lang>/search/?q=``) and the API (``GET /api/v1/search``)
belong to ``web``, but what can be found — objectives, actions, indicators,
countries, organisations, and later commitments or practices — belongs to
other apps. Each registers a provider, usually in its ``AppConfig.ready()``,
as apps plug into the country page (``gcmhub.geo.sections``)::

    from gcmhub.web.search import SearchResult, register_search_provider

    def search_commitments(query):
        for commitment in visible_commitments(query.user):  # the app's own read rule
            if query.matches(commitment.title_en, commitment.title_fr, commitment.title_es):
                yield SearchResult(title=commitment.tr("title"), url=commitment.get_absolute_url())

    register_search_provider("commitments", _("Commitments"), search_commitments, order=50)

A provider gets a ``SearchQuery`` (the text folded to lower-case ASCII, the
reader, their language) and yields results; it applies its own read rules,
so nothing a reader may not open is ever listed. ``query.matches`` compares
folded text in Python — the same on SQLite and PostgreSQL, blind to case and
accents — which suits reference tables of a few hundred rows; a provider of
large tables narrows in SQL first (areas keep a folded ``search_text``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from gcmhub.geo.names import fold
from gcmhub.i18n import current_language

# Longer queries are cut: nobody types more to find a page, and it bounds the work.
MAX_QUERY_LENGTH = 100
# Results per kind on the page and in the API; the page says when there are more.
MAX_PER_KIND = 10

# Titles are searched again and again: fold each once per process.
_fold = lru_cache(maxsize=50_000)(fold)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    user: object
    language: str
    folded: str = field(init=False)
    words: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        folded = fold(self.text)
        object.__setattr__(self, "folded", folded)
        object.__setattr__(self, "words", tuple(folded.split()))

    def score(self, *texts: str, codes: Iterable[str] = ()) -> int:
        """How well the record matches: 0 = not at all. Every word must occur in
        one of ``texts`` (any language); an exact code (``20``, ``10.c.1``, ``KEN``)
        ranks first, then texts that start with the query."""
        if not self.words:
            return 0
        for code in codes:
            if code and _fold(code) == self.folded:
                return 100
        haystack = " ".join(_fold(text) for text in texts if text)
        if not all(word in haystack for word in self.words):
            return 0
        starts = any(_fold(text).startswith(self.folded) for text in texts if text)
        return 20 if starts else 10

    def matches(self, *texts: str, codes: Iterable[str] = ()) -> bool:
        return self.score(*texts, codes=codes) > 0


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    summary: str = ""
    code: str = ""
    score: int = 10  # from SearchQuery.score: higher is listed first


@dataclass
class SearchGroup:
    key: str
    label: str
    results: list[SearchResult]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.results)


SearchProvider = Callable[[SearchQuery], Iterable[SearchResult]]

# key → (order, label, provider). Keyed so that registering again (autoreload,
# tests) replaces the entry instead of searching twice.
_providers: dict[str, tuple[int, object, SearchProvider]] = {}


def register_search_provider(key: str, label, provider: SearchProvider, *, order: int = 100) -> None:
    """``label`` is what the results are headed with (a lazy translation)."""
    _providers[key] = (order, label, provider)


def unregister_search_provider(key: str) -> None:
    _providers.pop(key, None)


def provider_keys() -> list[str]:
    return [key for key, _entry in sorted(_providers.items(), key=lambda item: (item[1][0], item[0]))]


def search(text: str, user, *, limit: int = MAX_PER_KIND, language: str | None = None) -> list[SearchGroup]:
    """Results for ``text`` in display order, grouped by kind; kinds without a
    match are left out. ``user`` decides what may be listed (anonymous: public only)."""
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    query = SearchQuery((text or "").strip()[:MAX_QUERY_LENGTH], user, language or current_language())
    if not query.words:
        return []
    groups = []
    for key in provider_keys():
        _order, label, provider = _providers[key]
        found = sorted(provider(query), key=lambda result: (-result.score, result.title.casefold()))
        if found:
            groups.append(SearchGroup(key, str(label), found[:limit], len(found)))
    return groups
