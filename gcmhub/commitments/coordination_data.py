"""Load the plain rows ``coordination`` computes on, as one reader may see them.

Everything goes through ``services.visible_commitments(reader)``: the public
gets the coordination view of published commitments, a focal point that of
their country's drafts too, and so on — the same rule as every list. An
organisation the reader may not read is not named (``gcmhub.references``).
Indicator concerns come from the progress app's stored assessments and
timelines (``progress.scorecards.not_doing_well``), never recomputed here.
A handful of queries whatever the number of commitments.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone

from gcmhub.actors.services import visible_organizations
from gcmhub.commitments import coordination as co
from gcmhub.commitments.flags import commitment_flags
from gcmhub.commitments.models import Commitment, CommitmentObjective, OverlapDecision, SupportMatch
from gcmhub.commitments.services import visible_commitments
from gcmhub.commitments.verifiability import has_lead
from gcmhub.framework.models import Action, Objective
from gcmhub.geo.models import Area
from gcmhub.i18n import localized


def places() -> dict[int, co.PlaceRow]:
    """Every area with the areas containing it (a few hundred rows, one query)."""
    rows = list(Area.objects.order_by().values_list("pk", "parent_id", "kind", "iso3", "m49", "name_en"))
    parent = {pk: parent_id for pk, parent_id, *_rest in rows}
    world = next((pk for pk, _p, kind, *_rest in rows if kind == Area.Kind.WORLD), None)
    result = {}
    for pk, _parent, _kind, iso3, m49, name in rows:
        containers, up = set(), parent.get(pk)
        while up is not None and up not in containers:
            containers.add(up)
            up = parent.get(up)
        result[pk] = co.PlaceRow(pk, iso3 or m49, name, frozenset(containers), world)
    return result


def _with_relations(queryset):
    return queryset.select_related("owner", "area").prefetch_related(
        Prefetch("objective_links", queryset=CommitmentObjective.objects.select_related("objective")),
        "actions__objective",
        "partners",
    )


def commitment_row(commitment: Commitment, today: date) -> co.CommitmentRow:
    links = sorted(commitment.objective_links.all(), key=lambda link: link.position)
    objectives = tuple(link.objective.number for link in links)
    actions = tuple(sorted((a.code for a in commitment.actions.all()), key=co._column_sort))
    return co.CommitmentRow(
        id=commitment.pk,
        title=commitment.title,
        description=commitment.description,
        kind=commitment.kind,
        status=commitment.status,
        completion=commitment.completion,
        owner_id=commitment.owner_id,
        area_id=commitment.area_id,
        partners=tuple((p.organization_id, p.role) for p in commitment.partners.all()),
        objectives=objectives,
        actions=actions,
        form_of_support=commitment.form_of_support,
        funding_state=commitment.funding_state,
        flags=tuple(commitment_flags(commitment, today)),
        has_lead=has_lead(commitment),
        matches_id=commitment.matches_id,
        review_state=commitment.review_state,
        is_demo=commitment.is_demo,
    )


def _related_area_ids(area_id: int, all_places: dict[int, co.PlaceRow]) -> list[int]:
    """Other areas whose offers and requests may fit this one's: those
    containing it, contained in it, or sharing a region with it."""
    here = all_places[area_id]
    related = []
    for place in all_places.values():
        if place.id == area_id:
            continue
        if place.id in here.containers or area_id in place.containers or here.regions() & place.regions():
            related.append(place.id)
    return related


def organizations_for(reader, organization_ids: set[int]) -> dict[int, co.OrganizationRow]:
    """The organisations named; those the reader may not read keep only their id."""
    shown = {
        org.pk: org
        for org in visible_organizations(reader).filter(pk__in=organization_ids)
    }
    rows = {}
    for pk in organization_ids:
        org = shown.get(pk)
        rows[pk] = co.OrganizationRow(pk, org.name, org.kind, org.acronym) if org else co.OrganizationRow(pk, "", "")
    return rows


def concerns_for(area: Area, method: str) -> list[co.IndicatorConcern]:
    from gcmhub.progress.scorecards import not_doing_well

    report = not_doing_well(area, method)
    return [
        co.IndicatorConcern(c.series_code, c.status, tuple(c.objectives), c.indicator_code, c.dimension_key)
        for c in report.concerns
        if c.objectives
    ]


def protection_gaps(area: Area) -> dict | None:
    """The protection-gap matrix's gaps and weak spots of ``area``
    (``gcmhub.protection``), or None without that app. The matrix reads
    published records only, so it is the same for every reader."""
    try:
        from gcmhub.protection.gaps_service import coordination_items
    except ImportError:
        return None
    return coordination_items(area)


def load(reader, area: Area, *, method: str | None = None, today: date | None = None) -> co.CoordinationInput:
    """Everything the coordination measures of ``area`` need, as ``reader`` may see it."""
    from gcmhub.progress import defaults

    today = today or timezone.localdate()
    all_places = places()
    visible = visible_commitments(reader)
    here = [commitment_row(c, today) for c in _with_relations(visible.filter(area=area)).order_by("pk")]
    open_kinds = Q(kind__in=(co.REQUEST, *co.OFFER_KINDS)) & ~Q(status__in=co.CLOSED)
    elsewhere = [
        commitment_row(c, today)
        for c in _with_relations(
            visible.filter(open_kinds, area_id__in=_related_area_ids(area.pk, all_places))
        ).order_by("pk")
    ]
    ids = [c.id for c in here + elsewhere]
    here_ids = [c.id for c in here]
    organization_ids = {org_id for c in here + elsewhere for org_id in c.organizations}
    records = [
        co.MatchRecord(
            m.pk, m.request_id, m.offer_id, m.state, m.version,
            m.request_confirmed_at is not None, m.offer_confirmed_at is not None,
        )  # fmt: skip
        for m in SupportMatch.objects.filter(Q(request_id__in=ids) | Q(offer_id__in=ids)).order_by("pk")
    ]
    decisions = [
        co.OverlapDecisionRow(d.first_id, d.second_id, d.decision, d.note)
        for d in OverlapDecision.objects.filter(first_id__in=here_ids, second_id__in=here_ids)
    ]
    objectives = [co.ObjectiveRow(o.number, localized(o, "short_title")) for o in Objective.objects.order_by("number")]
    actions = [
        co.ActionRow(a.code, a.objective.number, localized(a, "title"))
        for a in Action.objects.select_related("objective").order_by("objective__number", "letter")
    ]
    return co.CoordinationInput(
        area=all_places[area.pk],
        commitments=here,
        organizations=organizations_for(reader, organization_ids),
        objectives=objectives,
        actions=actions,
        places=all_places,
        concerns=concerns_for(area, method or defaults.DEFAULT_METHOD),
        elsewhere=elsewhere,
        match_records=records,
        overlap_decisions=decisions,
        today=today,
    )

