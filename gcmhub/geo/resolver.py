"""Turn area names and codes found in data files into Area rows.

Every importer goes through here, so a name means the same area everywhere
and an unknown or ambiguous name is reported the same way::

    area = resolve_area("Côte d'Ivoire")              # Area CIV
    resolve_area("Congo")                             # AmbiguousArea: COG or COD
    mapping, problems = resolve_many(column_values, kind="country")

The matching rules live in ``geo.names`` (pure, no database). This module
builds the index once per process from the Area table plus
``data/aliases.yaml``, and rebuilds it when the table changes — noticed
through a cheap count/max(updated_at) query, so a reload in another process
(``gcmhub init`` during a deploy) is picked up too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max

from gcmhub.geo.names import AmbiguousArea, AreaNameError, IndexedArea, NameIndex, UnknownArea
from gcmhub.geo.sources import GROUP_FLAGS, AreaRecord, DataFileError, read_aliases, read_code_aliases

__all__ = [
    "AmbiguousArea",
    "AreaNameError",
    "AreaResolver",
    "NameProblem",
    "UnknownArea",
    "build_name_index",
    "clear_resolver_cache",
    "get_resolver",
    "resolve_area",
    "resolve_many",
]

Kinds = str | Iterable[str] | None


def build_name_index(areas: Iterable[AreaRecord | object]) -> NameIndex:
    """The pure index over ``areas`` (records or Area rows) and the alias file."""
    indexed = [
        IndexedArea(
            m49=area.m49,
            kind=area.kind,
            name=area.name_en,
            iso2=area.iso2,
            iso3=area.iso3,
            names=(area.name_fr, area.name_es, *area.alt_names),
            aggregate=area.kind == "group" and area.m49 not in GROUP_FLAGS,
        )
        for area in areas
    ]
    aliases, ambiguous = read_aliases()
    try:
        return NameIndex(indexed, aliases, ambiguous, read_code_aliases())
    except ValueError as exc:
        raise DataFileError("aliases.yaml", "aliases", str(exc)) from None


@dataclass(frozen=True)
class NameProblem:
    """A name from a file that could not be matched to exactly one area."""

    name: str
    problem: str  # "unknown" or "ambiguous"
    message: str
    candidates: list[IndexedArea] = field(default_factory=list)

    @classmethod
    def from_error(cls, error: AreaNameError) -> NameProblem:
        return cls(error.text, error.problem, error.message, error.candidates)


class AreaResolver:
    """Resolves names against one snapshot of the Area table."""

    def __init__(self, areas: Iterable, index: NameIndex | None = None):
        self.areas = {area.m49: area for area in areas}
        self.index = index or build_name_index(self.areas.values())

    def resolve(self, text: str, kind: Kinds = None):
        """The one Area that ``text`` names; raises UnknownArea or AmbiguousArea."""
        return self.areas[self.index.lookup(text, _kinds(kind)).m49]

    def resolve_many(self, names: Iterable[str], kind: Kinds = None) -> tuple[dict, list[NameProblem]]:
        """Resolve each distinct name once: ({name: Area}, [NameProblem])."""
        mapping: dict = {}
        problems: list[NameProblem] = []
        for name in dict.fromkeys(names):
            try:
                mapping[name] = self.resolve(name, kind)
            except AreaNameError as error:
                problems.append(NameProblem.from_error(error))
        return mapping, problems


def _kinds(kind: Kinds) -> tuple[str, ...] | None:
    if kind is None:
        return None
    return (kind,) if isinstance(kind, str) else tuple(kind)


# --- the per-process cache -------------------------------------------------

_lock = threading.Lock()
_cache: dict = {"fingerprint": None, "resolver": None}


def _fingerprint() -> tuple:
    from gcmhub.geo.models import Area

    summary = Area.objects.aggregate(count=Count("pk"), last_change=Max("updated_at"), last_id=Max("pk"))
    return summary["count"], summary["last_change"], summary["last_id"]


def get_resolver() -> AreaResolver:
    """The resolver for the current Area table, built once and reused."""
    from gcmhub.geo.models import Area

    fingerprint = _fingerprint()
    resolver = _cache["resolver"]
    if resolver is not None and _cache["fingerprint"] == fingerprint:
        return resolver
    with _lock:
        resolver = AreaResolver(Area.objects.all())
        _cache.update(fingerprint=fingerprint, resolver=resolver)
    return resolver


def clear_resolver_cache() -> None:
    with _lock:
        _cache.update(fingerprint=None, resolver=None)


def resolve_area(text: str, kind: Kinds = None):
    """The Area that ``text`` (a name in any language, or a code) designates.

    ``kind`` limits the answer to one or more Area kinds, e.g. "country".
    Raises UnknownArea (with the closest names as ``candidates``) or
    AmbiguousArea (with every area the text could mean); both are
    InvalidInput errors, shown as 422 by the API.
    """
    return get_resolver().resolve(text, kind)


def resolve_many(names: Iterable[str], kind: Kinds = None) -> tuple[dict, list[NameProblem]]:
    """Resolve a column of names for an importer: ({name: Area}, [NameProblem])."""
    return get_resolver().resolve_many(names, kind)
