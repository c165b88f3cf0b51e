"""Areas over the API: list and filter, one country, and name resolution."""

from __future__ import annotations

from ninja import Field, Router, Schema, Status

from gcmhub.apischema import Code, ErrorOut, Text, choices
from gcmhub.geo import services
from gcmhub.geo.models import Area
from gcmhub.geo.resolver import AreaNameError, resolve_area

router = Router(tags=["geo"])


class AreaOut(Schema):
    m49: str
    iso2: str
    iso3: str
    kind: str
    name_en: str
    name_fr: str
    name_es: str
    # Languages whose name is not from UNSD's official M49 tables (docs/areas.md).
    unverified: list[str]
    parent: str | None
    region: str | None
    subregion: str | None
    intermediate_region: str | None
    is_ldc: bool
    is_lldc: bool
    is_sids: bool
    latitude: float | None
    longitude: float | None

    # Linked areas are given by M49 code, so a client can filter on them.
    @staticmethod
    def resolve_parent(area: Area) -> str | None:
        return area.parent.m49 if area.parent_id else None

    @staticmethod
    def resolve_region(area: Area) -> str | None:
        return area.region.m49 if area.region_id else None

    @staticmethod
    def resolve_subregion(area: Area) -> str | None:
        return area.subregion.m49 if area.subregion_id else None

    @staticmethod
    def resolve_intermediate_region(area: Area) -> str | None:
        return area.intermediate_region.m49 if area.intermediate_region_id else None


class CandidateOut(Schema):
    m49: str
    iso3: str
    kind: str
    name: str


class ResolveProblemOut(ErrorOut):
    """An invalid request (like any ErrorOut) or a name that resolves to no
    single area (``problem`` and ``candidates`` then say why)."""

    problem: str | None = Field(None, description="unknown or ambiguous")
    candidates: list[CandidateOut] = []


AreaKind = choices(Area.Kind, "AreaKind")


@router.get("/areas", response=list[AreaOut], summary="List areas")
def list_areas(request, kind: AreaKind | None = None, region: Code | None = None, q: Text(300) | None = None):
    """Areas, optionally of one `kind`, inside `region` (the M49 code of a region,
    sub-region, intermediate region or of the LDC 199 / LLDC 432 / SIDS 722 group)
    and matching `q` (a name in English, French or Spanish, an alias, or a code)."""
    return services.find_areas(kind=kind, region=region, query=q)


# Declared before /areas/{iso3} so that "resolve" is not taken for a code.
@router.get(
    "/areas/resolve",
    response={200: AreaOut, 422: ResolveProblemOut},
    summary="Resolve an area name",
)
def resolve(request, name: Text(300), kind: AreaKind | None = None):
    """The one area that `name` designates (official or common name in English,
    French or Spanish, ISO or M49 code). An unknown or ambiguous name gives 422
    with `problem` ("unknown" or "ambiguous") and `candidates`; nothing is guessed."""
    try:
        area = resolve_area(name, kind=kind)
    except AreaNameError as error:
        return Status(
            422,
            {
                "detail": error.message,
                "problem": error.problem,
                "candidates": [candidate.as_dict() for candidate in error.candidates],
            },
        )
    return Status(200, services.with_links(Area.objects.filter(pk=area.pk)).get())


@router.get("/areas/{iso3}", response={200: AreaOut, 404: ErrorOut}, summary="One country or area")
def get_area(request, iso3: Code):
    """A country or area by ISO alpha-3 code (any case) or M49 code."""
    return services.get_country(iso3)
