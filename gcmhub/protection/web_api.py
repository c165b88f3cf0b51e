"""API: the protection-gap matrix of a country and the referral pathways.

Mounted under /api/v1/ beside the directory endpoints of ``api.py``. The
reads are public (a token only widens what a step's services show); a
pathway is written (``POST``/``PUT /referral-pathways``) by its country's
focal point or an administrator, through the pathway editor's functions
(``pathways.create_pathway``/``edit_pathway``) with the version read."""


from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, Id, InputSchema, Page, Ref, Text, Version, choices
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.protection import gaps_text, pathways
from gcmhub.protection.models import StepKind

NO_CASE_DETAILS = "Describe services and what to do, never people: no names or case details of migrants."

router = Router(tags=["protection"])


# --- gap matrix -------------------------------------------------------------------


class ProtectionGapMeasureOut(Schema):
    kind: str = Field(description="commitment, practice or service")
    id: int
    title: str
    state: str = Field(description="The commitment's status, the practice's or the service's state")
    problems: list[str] = Field(description="overdue, stale, inactive, unfunded")
    standing: str = Field(description="sound, weak or not_counted")
    url: str


class ProtectionGapEvidenceOut(Schema):
    series: str = Field(description="SDG series code")
    indicator: str = Field(description="SDG indicator code")
    title: str
    dimension_key: str = Field(description="Disaggregation read ('' = headline)")
    latest_year: int | None
    latest_value: float | None
    shows_harm: bool = Field(description="Latest value above zero")
    progress_status: str = Field(description="Status of the stored progress assessment ('' = none)")
    progress_method: str


class ProtectionGapCellOut(Schema):
    situation: str
    stage: str
    status: str = Field(description="gap, weak, covered, no_evidence or not_applicable")
    rule: str = Field(description="The rule that decided the status")
    explanation: list[str] = Field(description="Which rule, which records, which data, in words")
    measures: list[ProtectionGapMeasureOut]
    evidence: list[ProtectionGapEvidenceOut]


class ProtectionGapSituationOut(Schema):
    code: str
    title: str


class ProtectionGapMatrixOut(Schema):
    area: str = Field(description="ISO3 code")
    method_version: str
    stages: list[str]
    situations: list[ProtectionGapSituationOut]
    totals: dict[str, int] = Field(description="Number of cells per status")
    cells: list[ProtectionGapCellOut]


def _matrix_out(area, matrix) -> dict:
    from gcmhub.protection.models import Situation

    titles = {s.code: s.title() for s in Situation.objects.all()}
    return {
        "area": area.iso3,
        "method_version": matrix.method_version,
        "stages": list(matrix.stages),
        "situations": [{"code": code, "title": titles.get(code, code)} for code in matrix.situations],
        "totals": matrix.totals,
        "cells": [
            {
                "situation": cell.situation,
                "stage": cell.stage,
                "status": cell.status,
                "rule": cell.rule,
                "explanation": gaps_text.explain(cell),
                "measures": [
                    {
                        "kind": m.kind,
                        "id": m.id,
                        "title": m.title,
                        "state": m.state,
                        "problems": list(m.problems),
                        "standing": standing,
                        "url": m.url,
                    }
                    for m, standing in cell.measures
                ],
                "evidence": [
                    {
                        "series": e.series,
                        "indicator": e.indicator,
                        "title": e.title,
                        "dimension_key": e.dimension_key,
                        "latest_year": e.latest_year,
                        "latest_value": e.latest_value,
                        "shows_harm": e.shows_harm,
                        "progress_status": e.progress_status,
                        "progress_method": e.progress_method,
                    }
                    for e in cell.evidence
                ],
            }
            for cell in matrix.cells
        ],
    }


@router.get(
    "/protection/gaps/{iso3}",
    response=ProtectionGapMatrixOut,
    auth=read_auth,
    summary="Protection-gap matrix of a country",
)
def protection_gaps(request, iso3: Code):
    """Situations of vulnerability × migration stages: for each cell, the
    measures addressing it (published commitments, practices, active
    services, with their standing), the linked harm data (SDG 10.7.3, 16.2.2,
    8.8.1 series with their progress status) and the rule that decided it."""
    from gcmhub.geo.models import Area
    from gcmhub.protection.gaps_service import country_matrix

    area = Area.objects.filter(iso3=iso3.upper(), kind=Area.Kind.COUNTRY).first() if len(iso3) == 3 else None
    if area is None:
        raise NotFound(_("No such country: %(code)s.") % {"code": iso3})
    return _matrix_out(area, country_matrix(area))


# --- referral pathways ------------------------------------------------------------


class ReferralStepServiceOut(Schema):
    id: int
    name: str


class ReferralStepOut(Schema):
    order: int
    kind: str = Field(description="first_contact, specialised or follow_up")
    description: str
    services: list[ReferralStepServiceOut] = Field(description="Only the services the caller may read")


class ReferralPathwayOut(Schema):
    id: int
    area: str = Field(description="ISO3 code")
    situation: str = Field(description="Situation code")
    title: str
    notes: str
    is_demo: bool
    version: int
    steps: list[ReferralStepOut]
    card_url: str = Field(description="The referral card (HTML); add ?lang=en|fr|es, or use card.pdf")

    @staticmethod
    def resolve_area(pathway) -> str:
        return pathway.area.iso3

    @staticmethod
    def resolve_situation(pathway) -> str:
        return pathway.situation.code

    @staticmethod
    def resolve_card_url(pathway) -> str:
        from django.urls import reverse

        return reverse("protection:card", args=[pathway.pk])

    @staticmethod
    def resolve_steps(pathway, context) -> list[dict]:
        reader = context["request"].auth
        return [
            {
                "order": step.order,
                "kind": step.kind,
                "description": step.description,
                "services": [{"id": s.pk, "name": s.name} for s in pathways.step_services(reader, step)],
            }
            for step in pathway.steps.all()
        ]


class ReferralPathwayFilters(Schema):
    area: Code | None = Field(None, description="ISO3 code")
    situation: Code | None = Field(None, description="Situation code")


@router.get(
    "/referral-pathways",
    response=list[ReferralPathwayOut],
    auth=read_auth,
    summary="Referral pathways",
)
@paginate(Page)
def list_referral_pathways(request, filters: Query[ReferralPathwayFilters]):
    """For a situation in a country, the ordered steps (first contact,
    specialised services, follow-up) with the services at each step."""
    queryset = pathways.visible_pathways(request.auth)
    return pathways.filter_pathways(queryset, area=filters.area or "", situation=filters.situation or "")


# --- writing pathways (the editor's functions) ------------------------------------


class ReferralStepIn(InputSchema):
    kind: choices(StepKind, "ReferralStepKind") = Field(description="first_contact, specialised or follow_up, in that order")
    description: Text(pathways.TEXT_MAX) = Field("", description=NO_CASE_DETAILS)
    services: list[Ref] = Field(
        [], max_length=pathways.MAX_SERVICES_PER_STEP,
        description="Ids of active services of the pathway's country that the caller may read",
    )  # fmt: skip


class ReferralPathwayContent(InputSchema):
    title: Text(pathways.TITLE_MAX)
    notes: Text(pathways.TEXT_MAX) = Field("", description=NO_CASE_DETAILS)
    steps: list[ReferralStepIn] = Field(min_length=1, max_length=pathways.MAX_STEPS)

    def pathway_input(self) -> pathways.PathwayInput:
        return pathways.PathwayInput(
            title=self.title, notes=self.notes,
            steps=[pathways.StepInput(kind=s.kind, description=s.description, services=list(s.services)) for s in self.steps],
        )  # fmt: skip


class ReferralPathwayIn(ReferralPathwayContent):
    area: Code = Field(description="ISO3 code of the country")
    situation: Code = Field(description="Situation code of the vulnerability taxonomy")


class ReferralPathwayPut(ReferralPathwayContent):
    """The whole pathway but its country and situation, which stay as created."""

    version: Version


def _situation(code: str):
    from gcmhub.protection.models import Situation

    situation = Situation.objects.filter(code=code, is_current=True).first()
    if situation is None:
        raise InvalidInput(_("Unknown situation “%(code)s”.") % {"code": code}, field="situation")
    return situation


@router.post(
    "/referral-pathways", response={201: ReferralPathwayOut}, auth=bearer_auth, summary="Create a referral pathway"
)
def create_referral_pathway(request, payload: ReferralPathwayIn):
    """A focal point for their own country (administrators: any). Steps go
    first contact → specialised → follow-up; each names active services of
    the country the caller may read, or says what to do."""
    from gcmhub.protection import services
    from gcmhub.protection.inputs import resolve_area

    services.require(request.auth, services.ADD_PATHWAY)
    area = resolve_area(payload.area)
    pathway = pathways.create_pathway(
        request.auth, area=area, situation=_situation(payload.situation), data=payload.pathway_input()
    )
    return Status(201, pathways.get_pathway(request.auth, pathway.pk))


@router.put("/referral-pathways/{pathway_id}", response=ReferralPathwayOut, auth=bearer_auth, summary="Replace a referral pathway")
def replace_referral_pathway(request, pathway_id: Id, payload: ReferralPathwayPut):
    """Replace title, notes and steps, with the ``version`` read (409 if someone saved since)."""
    pathway = pathways.get_pathway(request.auth, pathway_id)
    pathways.edit_pathway(request.auth, pathway, payload.pathway_input(), payload.version)
    return pathways.get_pathway(request.auth, pathway.pk)


@router.get("/referral-pathways/{pathway_id}", response=ReferralPathwayOut, auth=read_auth, summary="One referral pathway")
def get_referral_pathway(request, pathway_id: Id):
    return pathways.get_pathway(request.auth, pathway_id)
