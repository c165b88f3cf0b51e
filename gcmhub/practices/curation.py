"""Curating a document's candidates: accept, edit, merge, reject.

A curator (whoever may curate the document) goes through the candidates the
extractor proposed. Accepting one makes a **draft** practice with the
document, page, span and quoted passage as its source; the draft then
follows the normal workflow (its summary is to be written in the curator's
own words before it is submitted). Merging adds the candidate's passage as
another source of an existing practice. Rejecting records the decision, so
a second reading of the document does not propose it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.actors.services import find_country, require_permission
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.practices import library, services
from gcmhub.practices.models import PASSAGE_MAX, TITLE_MAX, Candidate, Document, Practice, PracticeSource, Stage

Decision = Candidate.Decision
EDITABLE = ("summary", "actor", "area", "objectives", "stage")


@dataclass(frozen=True)
class Progress:
    total: int
    decided: int
    accepted: int
    merged: int
    rejected: int

    @property
    def pending(self) -> int:
        return self.total - self.decided


def candidates_of(actor, document: Document) -> QuerySet:
    require_permission(actor, "practices.curate_document", document)
    return document.candidates.select_related("area", "practice").order_by("position")


def get_candidate(actor, document: Document, candidate_id) -> Candidate:
    candidate = candidates_of(actor, document).filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound(_("No such candidate."))
    return candidate


def progress_of(document: Document) -> Progress:
    counts = dict(document.candidates.values_list("decision").annotate(n=Count("id")).values_list("decision", "n"))
    total = sum(counts.values())
    return Progress(
        total=total,
        decided=total - counts.get(Decision.PENDING, 0),
        accepted=counts.get(Decision.ACCEPTED, 0),
        merged=counts.get(Decision.MERGED, 0),
        rejected=counts.get(Decision.REJECTED, 0),
    )


def next_pending(document: Document, after: Candidate | None = None) -> Candidate | None:
    pending = document.candidates.filter(decision=Decision.PENDING).order_by("position")
    if after is not None:
        later = pending.filter(position__gt=after.position).first()
        if later is not None:
            return later
    return pending.first()


def source_passage(candidate: Candidate) -> str:
    return library.passage(candidate.document, candidate.span_start, candidate.span_end)[:PASSAGE_MAX]


def highlighted_page(candidate: Candidate) -> tuple[str, str, str, int | None]:
    """The candidate's page as (before, passage, after, page number), for
    showing the passage highlighted in its context. The page is the one the
    span starts on (a span never starts on a separator)."""
    page = candidate.document.pages.filter(offset__lte=candidate.span_start).order_by("-offset").first()
    if page is None:
        return "", "", "", candidate.page
    start = max(0, candidate.span_start - page.offset)
    end = max(start, min(len(page.text), candidate.span_end - page.offset))
    return page.text[:start], page.text[start:end], page.text[end:], page.number


def edit_candidate(actor, candidate: Candidate, data: dict) -> Candidate:
    """Correct what the extractor proposed before deciding."""
    require_permission(actor, "practices.curate_document", candidate.document)
    _require_pending(candidate)
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    if "summary" in data:
        candidate.summary = (data["summary"] or "").strip()
    if "actor" in data:
        candidate.actor = (data["actor"] or "").strip()[:300]
    if "area" in data:
        candidate.area = find_country(data["area"], field="area") if data["area"] else None
    if "objectives" in data:
        candidate.objectives = [objective.number for objective in services.objectives_by_number(data["objectives"] or [])]
    if "stage" in data:
        if data["stage"] and data["stage"] not in Stage.values:
            raise InvalidInput(_("Unknown migration stage “%(stage)s”.") % {"stage": data["stage"]}, field="stage")
        candidate.stage = data["stage"] or ""
    candidate._history_user = actor
    candidate.save()
    return candidate


def accept_candidate(actor, candidate: Candidate, edits: dict | None = None) -> Practice:
    """The candidate (with the curator's corrections) becomes a draft practice."""
    require_permission(actor, "practices.curate_document", candidate.document)
    _require_pending(candidate)
    edits = dict(edits or {})
    title = (edits.pop("title", "") or "").strip()
    with transaction.atomic():
        if edits:
            edit_candidate(actor, candidate, edits)
        data = {
            "title": title or default_title(candidate),
            "summary": candidate.summary[:5000],
            "level": "national" if candidate.area_id else "global",
            "stage": candidate.stage or Stage.ALL,
            "areas": [candidate.area.iso3] if candidate.area_id else [],
            "objectives": candidate.objectives,
            "sources": [_source_entry(candidate)],
            "is_demo": candidate.document.is_demo,
        }
        practice = services.create_practice(actor, data)
        _decide(actor, candidate, Decision.ACCEPTED, practice)
    return practice


def merge_candidate(actor, candidate: Candidate, practice: Practice) -> Practice:
    """Add the candidate's passage as another source of ``practice`` (the same
    practice described twice, or in two places)."""
    require_permission(actor, "practices.curate_document", candidate.document)
    require_permission(actor, "practices.change_practice", practice)
    _require_pending(candidate)
    if practice.is_published and not (actor is None or actor.has_perm(services.PUBLISH_PRACTICE, practice)):
        raise InvalidInput(
            _("This practice is published: a reviewer adds sources to it."), field="practice"
        )
    with transaction.atomic():
        source = PracticeSource(practice=practice, **_source_fields(candidate))
        source._history_user = actor
        source.save()
        _decide(actor, candidate, Decision.MERGED, practice)
    return practice


def reject_candidate(actor, candidate: Candidate) -> Candidate:
    require_permission(actor, "practices.curate_document", candidate.document)
    _require_pending(candidate)
    _decide(actor, candidate, Decision.REJECTED, None)
    return candidate


def reopen_candidate(actor, candidate: Candidate) -> Candidate:
    """Undo a rejection (an accepted candidate is undone by deleting its draft)."""
    require_permission(actor, "practices.curate_document", candidate.document)
    if candidate.decision != Decision.REJECTED:
        raise InvalidInput(_("Only a rejected candidate can be reopened."), field="decision")
    _decide(actor, candidate, Decision.PENDING, None)
    return candidate


def merge_targets(actor, document: Document) -> QuerySet:
    """Practices a candidate of ``document`` can be merged into from the
    curation page: those already drawn from it that the curator may edit."""
    return services.visible_practices(actor).filter(sources__document=document, is_published=False).distinct()


def default_title(candidate: Candidate) -> str:
    who = candidate.actor or (candidate.area.tr("name") if candidate.area_id else "")
    first = candidate.summary.strip().split(". ")[0]
    title = f"{who}: {first}" if who and who not in first else first
    return (title[: TITLE_MAX - 1] + "…") if len(title) > TITLE_MAX else (title or _("Practice"))


def _source_fields(candidate: Candidate) -> dict:
    return {
        "document": candidate.document,
        "page": candidate.page,
        "passage": source_passage(candidate),
        "span_start": candidate.span_start,
        "span_end": candidate.span_end,
    }


def _source_entry(candidate: Candidate) -> dict:
    fields = _source_fields(candidate)
    return {**fields, "document": candidate.document_id}


def _require_pending(candidate: Candidate) -> None:
    if candidate.decision != Decision.PENDING:
        raise InvalidInput(
            _("This candidate was already decided (%(decision)s).") % {"decision": candidate.get_decision_display()},
            field="decision",
        )


def _decide(actor, candidate: Candidate, decision: str, practice: Practice | None) -> None:
    candidate.decision = decision
    candidate.practice = practice
    candidate.decided_by = actor if decision != Decision.PENDING else None
    candidate.decided_at = timezone.now() if decision != Decision.PENDING else None
    candidate._history_user = actor
    candidate.save()
