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

from django.db import connection, transaction
from django.db.models import Prefetch

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

# Practices indexed per batch when rebuilding: bounds memory, not speed.
BATCH = 2000

# The facets, in the order pages show them; the values stored per practice.
FACETS = ("objective", "area", "region", "stage", "population", "org_type", "state")


def _related(queryset):
    return queryset.prefetch_related(
        Prefetch("objective_links", queryset=PracticeObjective.objects.select_related("objective")),
        Prefetch("organization_links", queryset=PracticeOrganization.objects.select_related("organization")),
        "areas__region",
        "sources",
    )


def practice_row(practice: Practice) -> PracticeRow:
    """What the index holds for one practice (related rows prefetched or not)."""
    objectives = [link.objective for link in practice.objective_links.all()]
    organizations = [link.organization for link in practice.organization_links.all()]
    areas = list(practice.areas.all())
    body = [
        practice.summary,
        practice.results,
        practice.evidence,
        practice.replicability,
        *(source.passage for source in practice.sources.all()),
        *(f"{org.name} {org.acronym}" for org in organizations),
        *(f"{area.iso3} {area.name_en} {area.name_fr} {area.name_es}" for area in areas),
        *(f"{o.short_title_en} {o.short_title_fr} {o.short_title_es}" for o in objectives),
    ]
    facets = {
        *(("objective", str(objective.number)) for objective in objectives),
        *(("area", area.iso3 or area.m49) for area in areas),
        *(("region", _region_code(area)) for area in areas if _region_code(area)),
        ("stage", practice.stage),
        *(("population", code) for code in practice.population_groups or () if isinstance(code, str)),
        *(("org_type", org.kind) for org in organizations),
        ("state", practice.state),
    }
    date = practice.published_at or practice.created_at
    return PracticeRow(
        practice_id=practice.pk,
        is_published=practice.is_published,
        sort_date=int(date.timestamp()) if date else 0,
        title=fold(practice.title),
        body=fold(" ".join(part for part in body if part)),
        facets=tuple(sorted((facet, value[:64]) for facet, value in facets if value)),
    )


def _region_code(area) -> str:
    if area.kind == "region":
        return area.m49
    return area.region.m49 if area.region_id else ""


def index_practices(practice_ids: Iterable[int]) -> None:
    """(Re-)index these practices; ids of deleted practices are removed."""
    ids = sorted(set(practice_ids))
    backend = current_backend()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            practices = list(_related(Practice.objects.filter(pk__in=chunk)))
            backend.write_practices(cursor, [practice_row(practice) for practice in practices])
            for missing in set(chunk) - {practice.pk for practice in practices}:
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
    """Index every practice and document from scratch; returns their counts."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            current_backend().clear(cursor)
        practice_ids = list(Practice.objects.values_list("pk", flat=True))
        index_practices(practice_ids)
        document_ids = list(Document.objects.values_list("pk", flat=True))
        for document_id in document_ids:
            index_document(document_id)
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


def _areas_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # an area's practices changed (area.practices.add(...))
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
    m2m_changed.connect(_areas_changed, sender=Practice.areas.through, dispatch_uid=f"{uid}-areas")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid=f"{uid}-organization")
    post_save.connect(_document_saved, sender=Document, dispatch_uid=f"{uid}-document")
    post_delete.connect(_document_deleted, sender=Document, dispatch_uid=f"{uid}-document")
    post_save.connect(_page_changed, sender=DocumentPage, dispatch_uid=f"{uid}-page")
    post_delete.connect(_page_changed, sender=DocumentPage, dispatch_uid=f"{uid}-page")
