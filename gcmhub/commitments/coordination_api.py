"""API: a country's coordination view, and the decisions taken on it.

* ``GET /coordination/{ISO3}`` — ``matrix`` (who does what), ``gaps``,
  ``overlaps``, ``matches`` and ``stakeholders``, computed over the
  commitments the caller may read, and ``protection_gaps`` (the gaps and
  weak spots of the protection-gap matrix, situation × stage);
* ``POST /coordination/matches`` — propose a match of a request and an
  offer (optionally confirming it for one side at once);
  ``POST /coordination/matches/{id}/confirm`` and ``/decline`` — one side
  acts (``version`` read); both confirmations link the two;
* ``POST /coordination/overlaps`` — a coordinator marks a pair ``linked``
  or ``distinct``; ``DELETE /coordination/overlaps?first=&second=`` forgets it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema, Status

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, Id, InputSchema, Ref, Text, Version
from gcmhub.commitments import coordination as co
from gcmhub.commitments import coordination_data, coordination_services, coordination_text
from gcmhub.commitments.models import OverlapDecision, SupportMatch
from gcmhub.geo import services as geo_services
from gcmhub.text import max_length

router = Router(tags=["coordination"])

Side = Literal["request", "offer"]
Decision = Literal["linked", "distinct"]


class CoordinationOrgOut(Schema):
    id: int
    name: str = Field(description="Empty when the caller may not read the organisation")
    kind: str


class CoordinationCellOut(Schema):
    key: str = Field(description="Objective number or action code")
    count: int
    statuses: dict[str, int]
    commitments: list[int]


class CoordinationRowOut(Schema):
    organization: CoordinationOrgOut
    total: int
    statuses: dict[str, int]
    flags: dict[str, int]
    roles: dict[str, int] = Field(description="How often it is the owner, lead, support, funder or consulted")
    cells: list[CoordinationCellOut]


class CoordinationMatrixOut(Schema):
    by: str
    columns: list[str]
    column_labels: dict[str, str] = Field(description="Short title of each objective or action")
    column_totals: dict[str, int]
    rows: list[CoordinationRowOut]


class CoordinationConcernOut(Schema):
    series: str
    indicator: str
    dimension_key: str
    status: str
    label: str


class CoordinationGapOut(Schema):
    kind: str
    label: str
    objective: int | None = None
    action: str | None = None
    commitment: int | None = None
    commitment_title: str | None = None
    concerns: list[CoordinationConcernOut] = []
    requests: list[int] = Field([], description="Open requests for support on the objective")


class CoordinationCommitmentOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    area: str
    owner: CoordinationOrgOut
    objectives: list[int]
    actions: list[str]
    form_of_support: str


class CoordinationOverlapOut(Schema):
    first: CoordinationCommitmentOut
    second: CoordinationCommitmentOut
    score: float = Field(description="0–100: 70 % weighted word overlap, 30 % rapidfuzz title similarity")
    text_score: float
    title_score: float
    shared_terms: list[str]
    shared_objectives: list[int]
    shared_actions: list[str]
    decision: str = Field(description="'linked' once a coordinator linked them, else ''")


class CoordinationReasonOut(Schema):
    code: str
    points: int
    text: str


class CoordinationMatchOut(Schema):
    id: int | None = Field(None, description="The stored match; null for a suggestion nobody acted on yet")
    version: int | None = None
    state: str = Field(
        description="suggested (computed), proposed or confirmed (stored); declared: a matching pledge naming a pledge"
    )
    request: CoordinationCommitmentOut
    offer: CoordinationCommitmentOut
    score: int
    reasons: list[CoordinationReasonOut]
    request_confirmed: bool
    offer_confirmed: bool


class CoordinationStakeholderOut(Schema):
    organization: CoordinationOrgOut
    objectives: list[int]
    commitments: int


class CoordinationStakeholderGroupOut(Schema):
    kind: str
    stakeholders: list[CoordinationStakeholderOut]
    objectives: dict[str, int]


class CoordinationProtectionGapOut(Schema):
    situation: str = Field(description="Code of the situation of vulnerability, such as trafficking_victim")
    situation_title: str
    stage: str = Field(description="Migration stage: pre_departure, transit, destination or return")
    stage_label: str
    status: Literal["gap", "weak"] = Field(
        description="gap: evidence of harm and no active measure; weak: only stale, overdue or unfunded measures"
    )
    status_label: str
    rule: str = Field(description="The rule of the matrix that decided the status")
    url: str = Field(description="The cell's page: its measures, harm data and rule")


class CoordinationOut(Schema):
    area: str
    method: str
    matrix: CoordinationMatrixOut
    gaps: list[CoordinationGapOut]
    protection_gaps: list[CoordinationProtectionGapOut] = Field(
        description="Gaps and weak spots of the country's protection-gap matrix (situation × stage), gaps first; "
        "GET /protection/gaps/{ISO3} has every cell with its records"
    )
    overlaps: list[CoordinationOverlapOut]
    matches: list[CoordinationMatchOut]
    stakeholders: list[CoordinationStakeholderGroupOut]


# --- turning results into JSON -------------------------------------------------------------


def _org(organizations: dict[int, co.OrganizationRow], pk: int) -> dict:
    org = organizations.get(pk) or co.OrganizationRow(pk, "", "")
    return {"id": org.id, "name": org.name, "kind": org.kind}


def _commitment(row: co.CommitmentRow, data: co.CoordinationInput) -> dict:
    place = data.places.get(row.area_id)
    return {
        "id": row.id, "title": row.title, "kind": row.kind, "status": row.status,
        "area": place.code if place else "", "owner": _org(data.organizations, row.owner_id),
        "objectives": list(row.objectives), "actions": list(row.actions), "form_of_support": row.form_of_support,
    }  # fmt: skip


def _matrix(matrix: co.Matrix, data: co.CoordinationInput) -> dict:
    return {
        "by": matrix.by,
        "columns": [str(key) for key in matrix.columns],
        "column_labels": _column_labels(matrix, data),
        "column_totals": {str(key): count for key, count in matrix.column_totals.items()},
        "rows": [
            {
                "organization": _org(data.organizations, row.organization.id),
                "total": row.total, "statuses": row.statuses, "flags": row.flags, "roles": row.roles,
                "cells": [
                    {"key": str(cell.key), "count": cell.count, "statuses": cell.statuses,
                     "commitments": cell.commitment_ids}
                    for cell in row.cells
                ],
            }  # fmt: skip
            for row in matrix.rows
        ],
    }


def _column_labels(matrix: co.Matrix, data: co.CoordinationInput) -> dict[str, str]:
    if matrix.by == "objective":
        titles = {str(o.number): o.title for o in data.objectives}
    else:
        titles = {a.code: a.title for a in data.actions}
    return {str(key): titles.get(str(key), "") for key in matrix.columns}


def _gap(gap: co.Gap, by_id: dict[int, co.CommitmentRow]) -> dict:
    commitment = by_id.get(gap.commitment_id) if gap.commitment_id else None
    return {
        "kind": gap.kind, "label": coordination_text.gap_label(gap.kind), "objective": gap.objective,
        "action": gap.action, "commitment": gap.commitment_id,
        "commitment_title": commitment.title if commitment else None,
        "concerns": [
            {"series": c.series_code, "indicator": c.indicator_code, "dimension_key": c.dimension_key,
             "status": c.status, "label": coordination_text.concern_label(c.status)}
            for c in gap.concerns
        ],
        "requests": gap.requests,
    }  # fmt: skip


def _protection_gap(item: dict) -> dict:
    return {
        "situation": item["situation_code"], "situation_title": item["situation"], "stage": item["stage_code"],
        "stage_label": str(item["stage"]), "status": item["status"], "status_label": str(item["status_label"]),
        "rule": item["rule"], "url": item["url"],
    }  # fmt: skip


def coordination_json(
    data: co.CoordinationInput, result: co.Coordination, method: str, protection: dict | None = None
) -> dict:
    by_id = {row.id: row for row in data.commitments + data.elsewhere}
    return {
        "area": data.area.code,
        "method": method,
        "matrix": _matrix(result.matrix, data),
        "gaps": [_gap(gap, by_id) for gap in result.gaps],
        "protection_gaps": [_protection_gap(item) for item in (protection or {}).get("items", [])],
        "overlaps": [
            {**{k: getattr(o, k) for k in ("score", "text_score", "title_score", "shared_terms",
                                           "shared_objectives", "shared_actions", "decision")},
             "first": _commitment(by_id[o.first_id], data), "second": _commitment(by_id[o.second_id], data)}
            for o in result.overlaps
        ],  # fmt: skip
        "matches": [
            {
                "id": m.match_id, "version": m.version, "state": m.state, "score": m.score,
                "request": _commitment(by_id[m.request_id], data), "offer": _commitment(by_id[m.offer_id], data),
                "reasons": [
                    {"code": r.code, "points": r.points, "text": coordination_text.reason_text(r)} for r in m.reasons
                ],
                "request_confirmed": m.request_confirmed, "offer_confirmed": m.offer_confirmed,
            }  # fmt: skip
            for m in result.matches
        ],
        "stakeholders": [
            {
                "kind": group.kind,
                "objectives": {str(n): count for n, count in group.objectives.items()},
                "stakeholders": [
                    {"organization": _org(data.organizations, s.organization.id), "objectives": s.objectives,
                     "commitments": s.commitments}
                    for s in group.stakeholders
                ],
            }  # fmt: skip
            for group in result.stakeholders
        ],
    }


def _method(method: str | None) -> str:
    from gcmhub.progress.services import parse_method

    return parse_method(method)


# --- matches ---------------------------------------------------------------------------


class SupportMatchOut(Schema):
    id: int
    request: int = Field(description="Id of the request for support")
    offer: int = Field(description="Id of the offer (a pledge)")
    state: str
    reason: str
    request_confirmed: bool
    offer_confirmed: bool
    request_confirmed_at: datetime | None
    offer_confirmed_at: datetime | None
    version: int = Field(description="Send it back to confirm or decline: a stale version gets 409")

    @staticmethod
    def resolve_request(match) -> int:
        return match.request_id

    @staticmethod
    def resolve_offer(match) -> int:
        return match.offer_id

    @staticmethod
    def resolve_request_confirmed(match) -> bool:
        return match.request_confirmed_at is not None

    @staticmethod
    def resolve_offer_confirmed(match) -> bool:
        return match.offer_confirmed_at is not None


class SupportMatchIn(InputSchema):
    request: Ref = Field(description="Id of the request for support")
    offer: Ref = Field(description="Id of the pledge offered")
    side: Side | None = Field(None, description="Also confirm it for this side")
    reason: Text(max_length(SupportMatch, "reason")) = ""


class SupportMatchSideIn(InputSchema):
    version: Version
    side: Side


@router.post("/coordination/matches", response={200: SupportMatchOut, 201: SupportMatchOut}, auth=bearer_auth)
def propose_match(request, payload: SupportMatchIn):
    """Propose a match (201), or get the one already stored (200); with
    ``side``, confirm it for that side too. Either side or a coordinator."""
    match, created = coordination_services.propose_match(
        request.auth, payload.request, payload.offer, side=payload.side, reason=payload.reason
    )
    return Status(201 if created else 200, match)


@router.get("/coordination/matches/{match_id}", response=SupportMatchOut, auth=read_auth)
def get_match(request, match_id: Id):
    return coordination_services.get_visible_match(request.auth, match_id)


@router.post("/coordination/matches/{match_id}/confirm", response=SupportMatchOut, auth=bearer_auth)
def confirm_match(request, match_id: Id, payload: SupportMatchSideIn):
    """Confirm for one side (whoever may change that commitment); once both
    sides confirmed, the match is ``confirmed`` and links them."""
    match = coordination_services.get_visible_match(request.auth, match_id)
    return coordination_services.confirm_match(request.auth, match, payload.side, payload.version)


@router.post("/coordination/matches/{match_id}/decline", response=SupportMatchOut, auth=bearer_auth)
def decline_match(request, match_id: Id, payload: SupportMatchSideIn):
    """Decline for one side; a declined pair is not suggested again."""
    match = coordination_services.get_visible_match(request.auth, match_id)
    return coordination_services.decline_match(request.auth, match, payload.side, payload.version)


# --- overlap decisions ---------------------------------------------------------------------


class OverlapDecisionIn(InputSchema):
    first: Ref
    second: Ref
    decision: Decision
    note: Text(max_length(OverlapDecision, "note")) = ""


class OverlapDecisionOut(Schema):
    first: int
    second: int
    decision: str
    note: str
    decided_at: datetime

    @staticmethod
    def resolve_first(record) -> int:
        return record.first_id

    @staticmethod
    def resolve_second(record) -> int:
        return record.second_id


@router.post("/coordination/overlaps", response=OverlapDecisionOut, auth=bearer_auth)
def decide_overlap(request, payload: OverlapDecisionIn):
    """A coordinator (focal point of the country, reviewer, administrator)
    marks a pair ``linked`` (related, shown together) or ``distinct`` (not a
    duplicate: not proposed again). Deciding again replaces the decision."""
    return coordination_services.decide_overlap(
        request.auth, payload.first, payload.second, payload.decision, payload.note
    )


@router.delete("/coordination/overlaps", response={204: None}, auth=bearer_auth)
def withdraw_overlap_decision(request, first: Id, second: Id):
    """Forget the decision on a pair: it is proposed again if it still looks alike."""
    coordination_services.withdraw_overlap_decision(request.auth, first, second)
    return Status(204, None)


# Last: a path parameter here would otherwise take /coordination/matches and /overlaps.
@router.get("/coordination/{iso3}", response=CoordinationOut, auth=read_auth, summary="A country's coordination view")
def coordination(
    request, iso3: Code, by: Literal["objective", "action"] = "objective", method: Code | None = None
):
    """Who does what (``by``: organisations × objectives or × actions), gaps,
    likely overlaps and request × offer matches for one country, over the
    commitments the caller may read (the public: published ones), and the
    gaps and weak spots of its protection-gap matrix (``protection_gaps``).
    ``method``: the progress method whose stored assessments tell which
    objectives go off track (default ``opensdg``)."""
    area = geo_services.get_country(iso3)  # ISO3 or M49; unknown: 404, as the progress scorecard
    chosen = _method(method)
    data = coordination_data.load(request.auth, area, method=chosen)
    return coordination_json(
        data, co.coordinate(data, by=by), chosen, coordination_data.protection_gaps(area)
    )
