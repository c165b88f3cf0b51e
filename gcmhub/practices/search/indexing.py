"""Keeping the index in step with the practices and documents.

Every save or delete of a practice, of its objective, organisation and
source links, of its countries, of a document or of a document page
re-indexes the record it touches, in the writer's transaction (so a rolled
back edit leaves the index as it was). Bulk writes send no signals: whoever
bulk-creates practices or pages calls ``index_practices`` /
``index_document`` or ``rebuild_index`` (``gcmhub practices reindex``).

What a practice is found by: its title (weighted most), summary, results,
evidence, replicability notes, quoted source passages, the names of its
organisations and countries, and the short titles of its objectives in
English, French and Spanish — so a French query meets an English practice
through the objective it serves. Everything is folded the same way
(``text.fold``) before either engine sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction

from gcmhub.geo.names import fold
from gcmhub.practices.models import (
    Document,
    DocumentPage,
    Practice,
    PracticeObjective,
    PracticeOrganization,
    PracticeSource,
)
from gcmhub.practices.search import semantic
from gcmhub.practices.search.backends import PageRow, PracticeRow, current_backend

# Practices indexed per batch: bounds memory (and the parameters of one query), not speed.
BATCH = 2000

# The facets, in the order pages show them; the values stored per practice.
FACETS = ("objective", "area", "region", "stage", "population", "situation", "org_type", "state")


# Practice columns the index reads.
_PRACTICE_COLUMNS = (
    "pk", "title", "summary", "results", "evidence", "replicability", "stage", "state", "population_groups",
    "is_published", "published_at", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class _Links:
    """What a batch of practices is linked to, by practice id: plain tuples
    read with one query per table (no model instances, which cost more to
    build than the whole index row)."""

    objectives: dict[int, list[tuple]]  # (number, short_title_en, _fr, _es)
    organizations: dict[int, list[tuple]]  # (name, acronym, kind)
    areas: dict[int, list[tuple]]  # (iso3, m49, name_en, name_fr, name_es, kind, region m49)
    situations: dict[int, list[tuple]]  # (code,)
    passages: dict[int, list[str]]

    @classmethod
    def of(cls, ids: list[int]) -> _Links:
        objectives = PracticeObjective.objects.filter(practice_id__in=ids).order_by("practice_id", "position", "id")
        organizations = PracticeOrganization.objects.filter(practice_id__in=ids).order_by(
            "practice_id", "role", "organization_id"
        )
        areas = Practice.areas.through.objects.filter(practice_id__in=ids).order_by("practice_id", "area__name_en", "area_id")
        situations = Practice.situations.through.objects.filter(practice_id__in=ids).order_by("practice_id", "situation_id")
        sources = PracticeSource.objects.filter(practice_id__in=ids).order_by("practice_id", "id")
        return cls(
            _grouped(objectives.values_list(
                "practice_id", "objective__number", "objective__short_title_en", "objective__short_title_fr",
                "objective__short_title_es")),
            _grouped(organizations.values_list(
                "practice_id", "organization__name", "organization__acronym", "organization__kind")),
            _grouped(areas.values_list(
                "practice_id", "area__iso3", "area__m49", "area__name_en", "area__name_fr", "area__name_es",
                "area__kind", "area__region__m49")),
            _grouped(situations.values_list("practice_id", "situation__code")),
            {pk: [passage for (passage,) in rows] for pk, rows in _grouped(sources.values_list("practice_id", "passage")).items()},
        )  # fmt: skip


def _grouped(rows) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = {}
    for practice_id, *rest in rows:
        grouped.setdefault(practice_id, []).append(tuple(rest))
    return grouped


# Names of countries, organisations and objectives recur across practices: folded once.
_fold_name = lru_cache(maxsize=8192)(fold)


def practice_rows(practice_ids: list[int]) -> list[PracticeRow]:
    """What the index holds for these practices (existing ones, by id): the
    one definition, for a save and a rebuild alike."""
    links = _Links.of(practice_ids)
    practices = Practice.objects.filter(pk__in=practice_ids).order_by("pk").values_list(*_PRACTICE_COLUMNS)
    return [_row(values, links) for values in practices]


def _row(values: tuple, links: _Links) -> PracticeRow:
    pk, title, summary, results, evidence, replicability, stage, state, populations, published, published_at, created_at = values
    objectives = links.objectives.get(pk, [])
    organizations = links.organizations.get(pk, [])
    areas = links.areas.get(pk, [])
    # Folded part by part (the same as folding the parts joined by spaces), names from the cache.
    body = [
        *(fold(text) for text in (summary, results, evidence, replicability, *links.passages.get(pk, []))),
        *(_fold_name(f"{name} {acronym}") for name, acronym, _kind in organizations),
        *(_fold_name(f"{iso3} {en} {fr} {es}") for iso3, _m49, en, fr, es, _kind, _region in areas),
        *(_fold_name(f"{en} {fr} {es}") for _number, en, fr, es in objectives),
    ]
    facets = {
        *(("objective", str(number)) for number, *_titles in objectives),
        *(("area", iso3 or m49) for iso3, m49, *_rest in areas),
        *(("region", m49 if kind == "region" else region or "") for _iso3, m49, _en, _fr, _es, kind, region in areas),
        ("stage", stage),
        *(("population", code) for code in populations or () if isinstance(code, str)),
        *(("situation", code) for (code,) in links.situations.get(pk, [])),
        *(("org_type", kind) for _name, _acronym, kind in organizations),
        ("state", state),
    }
    date = published_at or created_at
    return PracticeRow(
        practice_id=pk,
        is_published=published,
        sort_date=int(date.timestamp()) if date else 0,
        title=fold(title),
        body=" ".join(part for part in body if part),
        facets=tuple(sorted((facet, value[:64]) for facet, value in facets if value)),
    )


def index_practices(practice_ids: Iterable[int]) -> None:
    """(Re-)index these practices; ids of deleted practices are removed."""
    ids = sorted(set(practice_ids))
    backend = current_backend()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = practice_rows(chunk)
            backend.write_practices(cursor, rows)
            for missing in set(chunk) - {row.practice_id for row in rows}:
                backend.delete_practice(cursor, missing)


def remove_practice(practice_id: int) -> None:
    with connection.cursor() as cursor:
        current_backend().delete_practice(cursor, practice_id)


def page_rows(document: Document) -> list[PageRow]:
    title = fold(f"{document.title} {document.publisher}")
    rows = [PageRow(-document.pk, document.pk, 0, document.is_published, title, "")]
    for page in document.pages.all():
        rows.append(PageRow(page.pk, document.pk, page.number, document.is_published, title, fold(page.text)))
    return rows


def index_document(document_id: int) -> None:
    """(Re-)index a document's title row and pages; removes a deleted one."""
    backend = current_backend()
    document = Document.objects.filter(pk=document_id).first()
    with transaction.atomic(), connection.cursor() as cursor:
        if document is None:
            backend.delete_document(cursor, document_id)
        else:
            backend.write_pages(cursor, document_id, page_rows(document))


def rebuild_index() -> tuple[int, int]:
    """Index every practice and document from scratch, in one transaction;
    returns their counts. The index is emptied first, so rows are only
    inserted, and in-memory copies are told once (a new generation) instead
    of practice by practice."""
    backend = current_backend()
    with transaction.atomic(), connection.cursor() as cursor:
        backend.clear(cursor)
        practice_ids = list(Practice.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(practice_ids), BATCH):
            backend.write_practices(cursor, practice_rows(practice_ids[start : start + BATCH]), fresh=True)
        document_ids = list(Document.objects.values_list("pk", flat=True))
        for document_id in document_ids:
            index_document(document_id)
        backend.rebuilt(cursor)
    return len(practice_ids), len(document_ids)


# ---- signals --------------------------------------------------------------

# Document saves that only move the extraction progress bar change nothing searchable.
_UNSEARCHED_DOCUMENT_FIELDS = frozenset({"extraction_progress", "extraction_state", "extraction_error"})


def _practice_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_practices([instance.pk])
        semantic.queue([instance.pk])  # its embedding, with the extra, after the commit


def _practice_deleted(sender, instance, **kwargs):
    remove_practice(instance.pk)


def _link_changed(sender, instance, raw=False, **kwargs):
    if not raw and Practice.objects.filter(pk=instance.practice_id).exists():
        index_practices([instance.practice_id])


def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A practice's countries or situations changed, from either side."""
    if not action.startswith("post_"):
        return
    if reverse:  # e.g. an area's practices changed (area.practices.add(...))
        ids = pk_set if pk_set is not None else instance.practices.values_list("pk", flat=True)
        index_practices(ids)
    else:
        index_practices([instance.pk])


def _organization_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    ids = PracticeOrganization.objects.filter(organization=instance).values_list("practice_id", flat=True)
    index_practices(ids)


def _document_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= _UNSEARCHED_DOCUMENT_FIELDS):
        return
    index_document(instance.pk)


def _document_deleted(sender, instance, **kwargs):
    index_document(instance.pk)


def _page_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index_document(instance.document_id)


def connect_signals() -> None:
    """Called once from the practices app's ``ready()``."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from gcmhub.actors.models import Organization

    uid = "practice-search"
    post_save.connect(_practice_saved, sender=Practice, dispatch_uid=f"{uid}-practice")
    post_delete.connect(_practice_deleted, sender=Practice, dispatch_uid=f"{uid}-practice")
    for link in (PracticeObjective, PracticeOrganization, PracticeSource):
        post_save.connect(_link_changed, sender=link, dispatch_uid=f"{uid}-{link.__name__}")
        post_delete.connect(_link_changed, sender=link, dispatch_uid=f"{uid}-{link.__name__}")
    m2m_changed.connect(_m2m_changed, sender=Practice.areas.through, dispatch_uid=f"{uid}-areas")
    m2m_changed.connect(_m2m_changed, sender=Practice.situations.through, dispatch_uid=f"{uid}-situations")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid=f"{uid}-organization")
    post_save.connect(_document_saved, sender=Document, dispatch_uid=f"{uid}-document")
    post_delete.connect(_document_deleted, sender=Document, dispatch_uid=f"{uid}-document")
    post_save.connect(_page_changed, sender=DocumentPage, dispatch_uid=f"{uid}-page")
    post_delete.connect(_page_changed, sender=DocumentPage, dispatch_uid=f"{uid}-page")
