"""The explorer over the API: profiles, corridors, map values and incidents.

Every endpoint answers JSON, or CSV/XLSX when asked by ``?format=csv|xlsx``
or ``Accept: text/csv``. The numbers are those of the pages: both are built
by ``services``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from django.http import HttpResponse
from ninja import Field, Router, Schema
from pydantic import Field as PydanticField

from gcmhub.apischema import Code, ErrorOut, Text, Year
from gcmhub.errors import InvalidInput

from . import memo, services, tabular

router = Router(tags=["explorer"])

Format = Literal["json", "csv", "xlsx"]
CorridorLimit = Annotated[int, PydanticField(ge=1, le=services.MAX_CORRIDORS)]


class ExplorerFigureOut(Schema):
    measure: str
    label: str
    year: int
    period: str
    value: float | None
    unit: str
    series: str
    source: str
    area: str
    counterpart: str
    sex: str
    observation_id: int | None
    summed: int | None


class ExplorerAreaOut(Schema):
    iso3: str
    m49: str
    name: str


class ExplorerSectionOut(Schema):
    key: str
    title: str
    note: str
    figures: list[ExplorerFigureOut]


class ExplorerProfileOut(Schema):
    area: ExplorerAreaOut
    sections: list[ExplorerSectionOut]


class ExplorerCorridorItemOut(ExplorerFigureOut):
    origin_name: str
    destination_name: str


class ExplorerCorridorsOut(Schema):
    measure: str
    year: int | None
    years: list[int]
    items: list[ExplorerCorridorItemOut]


class ExplorerCorridorOut(Schema):
    origin: ExplorerAreaOut
    destination: ExplorerAreaOut
    figures: list[ExplorerFigureOut]
    remittance_cost_target: float
    latest_remittance_cost: ExplorerFigureOut | None
    meets_target: bool | None
    reverse_has_data: bool


class ExplorerMapItemOut(Schema):
    iso3: str
    m49: str
    name: str
    value: float | None = Field(description="null: no data (a stored zero is 0)")
    period: str | None
    observation_id: int | None
    source: str | None


class ExplorerMapOut(Schema):
    series: str
    series_name: str
    unit: str
    year: int | None
    dim: str
    years: list[int]
    dimensions: list[str]
    items: list[ExplorerMapItemOut]


class ExplorerIncidentOut(Schema):
    incident_id: str
    year: int
    date: str | None
    mmp_region: str
    subregion: str | None
    dead: int | None
    missing: int | None
    total: int
    cause: str
    route: str
    latitude: float | None
    longitude: float | None
    location: str


class ExplorerIncidentsOut(Schema):
    source: str
    unit: str
    items: list[ExplorerIncidentOut]
    truncated: bool
    total_dead_and_missing: int


def _tabular_responses() -> dict:
    return {
        "responses": {
            200: {
                "description": "JSON, or the same rows as CSV or XLSX (`format` or `Accept`)",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    tabular.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    }


def wanted_format(request, fmt: str | None) -> str:
    if fmt:
        return fmt
    accept = request.headers.get("Accept", "")
    if "text/csv" in accept:
        return "csv"
    if tabular.XLSX_TYPE in accept:
        return "xlsx"
    return "json"


def tabular_response(request, fmt, rows, columns, filters, *, name: str, title: str):
    permalink = request.build_absolute_uri()
    if fmt == "csv":
        response = HttpResponse(tabular.write_csv(rows, columns, filters), content_type=tabular.CSV_TYPE)
        suffix = "csv"
    else:
        body = tabular.write_xlsx(rows, columns, filters, title=title, permalink=permalink)
        response = HttpResponse(body, content_type=tabular.XLSX_TYPE)
        suffix = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response


# msgspec writes the figures and sections (dataclasses) as the JSON objects the
# schemas document, in compact UTF-8, several times faster than the json module
# with a fallback per dataclass (that was a sixth of a profile's cold answer).
_JSON_ENCODER = msgspec.json.Encoder()


def json_response(data: dict, request=None) -> HttpResponse:
    """The answer, serialised once: validating hundreds of figures through the
    response schema cost more than reading them (the schema still documents it,
    and tests/api/test_contract.py checks the answers against it). With the
    request, the serialised body is kept per data version (``memo``)."""

    def build():
        return _JSON_ENCODER.encode(data), "application/json"

    body, content_type = memo.body("json " + request.get_full_path(), build) if request is not None else build()
    return HttpResponse(body, content_type=content_type)


def profile_rows(data: dict) -> list[dict]:
    return [figure.as_dict() for section in data["sections"] for figure in section.figures]


@router.get(
    "/explorer/profile/{iso3}",
    response={200: ExplorerProfileOut, 404: ErrorOut, 422: ErrorOut},
    summary="A country's migration profile",
    openapi_extra=_tabular_responses(),
)
def get_profile(request, iso3: Code, section: Text(200) | None = None, format: Format | None = None):  # noqa: A002
    """Immigrant and emigrant stock, top origins and destinations, refugees hosted and
    originating, remittances and their cost, deaths in the region; each figure with
    its source, year, unit, series and the stored observation it comes from.
    `section` (one key or several joined by `,`: immigrants, emigrants, top_origins,
    top_destinations, refugees, remittances, remittance_costs, deaths) keeps those
    sections only — what one chart of the profile page shows."""
    data = services.profile(iso3)
    if section:
        wanted = [key.strip() for key in section.split(",") if key.strip()]
        known = [s.key for s in data["sections"]]
        unknown = [key for key in wanted if key not in known]
        if unknown:
            raise InvalidInput(f"Unknown section {unknown[0]!r}; choose among {', '.join(known)}.", field="section")
        data = dict(data, sections=[s for s in data["sections"] if s.key in wanted])
    fmt = wanted_format(request, format)
    if fmt == "json":
        return json_response(data, request)
    filters = {"country": data["area"]["iso3"], "section": section}
    return tabular_response(request, fmt, profile_rows(data), tabular.FIGURE_COLUMNS, filters,
                            name=f"migration-profile-{data['area']['iso3']}", title=f"Migration profile: {data['area']['name']}")  # fmt: skip


@router.get(
    "/explorer/corridors",
    response={200: ExplorerCorridorsOut, 404: ErrorOut},
    summary="The largest migration corridors",
    openapi_extra=_tabular_responses(),
)
def list_corridors(request, origin: Code | None = None, destination: Code | None = None, year: Year | None = None,
                   measure: Code = "migrant_stock", region: Code | None = None,
                   limit: CorridorLimit = 20, format: Format | None = None):  # noqa: A002  # fmt: skip
    """Corridors ORIGIN → DESTINATION ranked by value for one `measure` (migrant_stock,
    migrant_stock_female, migrant_stock_male, refugees, asylum_seekers, remittance_cost)
    and `year` (default: the latest with data); `origin`, `destination` (ISO3) and
    `region` (M49 code: either end in it) narrow the list."""
    data = services.corridors(origin=origin, destination=destination, year=year, measure=measure, region=region,
                              limit=limit)  # fmt: skip
    fmt = wanted_format(request, format)
    if fmt == "json":
        return json_response(data, request)
    items = [dict(item, origin=item["counterpart"], destination=item["area"]) for item in data["items"]]
    filters = {"measure": measure, "year": data["year"], "origin": origin, "destination": destination,
               "region": region, "limit": limit}  # fmt: skip
    return tabular_response(request, fmt, items, tabular.CORRIDOR_COLUMNS, filters, name=f"corridors-{measure}",
                            title="Largest migration corridors")  # fmt: skip


@router.get(
    "/explorer/corridors/{origin}/{destination}",
    response={200: ExplorerCorridorOut, 404: ErrorOut},
    summary="One corridor: ORIGIN → DESTINATION",
    openapi_extra=_tabular_responses(),
)
def get_corridor(request, origin: Code, destination: Code, part: Literal["people", "cost"] | None = None,
                 format: Format | None = None):  # noqa: A002  # fmt: skip
    """Every stored value of the corridor (migrants, refugees, asylum seekers, the cost of
    sending money back against the SDG 10.c.1 target of 3 %); `part=people` keeps the
    migrants, refugees and asylum seekers, `part=cost` the cost (one chart each)."""
    data = services.corridor(origin, destination)
    if part:
        data = dict(data, figures=[f for f in data["figures"] if (f.measure == "remittance_cost") == (part == "cost")])
    fmt = wanted_format(request, format)
    if fmt == "json":
        return json_response(data, request)
    rows = [dict(f.as_dict(), origin=f.counterpart, destination=f.area, origin_name=data["origin"]["name"],
                 destination_name=data["destination"]["name"]) for f in data["figures"]]  # fmt: skip
    code = f"{data['origin']['iso3']}-{data['destination']['iso3']}"
    return tabular_response(request, fmt, rows, tabular.CORRIDOR_COLUMNS, {"corridor": code, "part": part},
                            name=f"corridor-{code}", title=f"Migration corridor {code}")  # fmt: skip


@router.get(
    "/explorer/map",
    response={200: ExplorerMapOut, 422: ErrorOut},
    summary="One value per country for a map",
    openapi_extra=_tabular_responses(),
)
def get_map(request, series: Code, year: Year | None = None, dim: Text(200) | None = None,
            format: Format | None = None):  # noqa: A002  # fmt: skip
    """Every country with its value of `series` in `year` (default: the latest) for the
    disaggregation `dim` (`SEX:F`; none: the headline); `value` is null where there is
    no data. `years` and `dimensions` list what the series holds."""
    data = services.map_values(series, year, dim)
    fmt = wanted_format(request, format)
    if fmt == "json":
        return json_response(data, request)
    rows = [dict(item, unit=data["unit"], series=data["series"]) for item in data["items"]]
    filters = {"series": data["series"], "year": data["year"], "dim": data["dim"] or "headline"}
    return tabular_response(request, fmt, rows, tabular.MAP_COLUMNS, filters, name=f"map-{data['series']}-{data['year']}",
                            title=f"{data['series']} {data['series_name']}")  # fmt: skip


@router.get(
    "/explorer/incidents",
    response={200: ExplorerIncidentsOut, 422: ErrorOut},
    summary="Missing Migrants incidents with their place",
    openapi_extra=_tabular_responses(),
)
def list_incidents(request, year: Year | None = None, region: Text(100) | None = None, bbox: Text(100) | None = None,
                   cause: Text(100) | None = None, route: Text(100) | None = None,
                   format: Format | None = None):  # noqa: A002  # fmt: skip
    """Incidents of the IOM Missing Migrants Project: `year`, `region` (an M49 region or
    sub-region code, or an MMP region name), `bbox` = west,south,east,north in degrees,
    `cause` (words of the cause of death), `route` (words of the migration route, where
    the source gives one)."""
    data = services.incidents(year=year, region=region, bbox=bbox, cause=cause, route=route)
    fmt = wanted_format(request, format)
    if fmt == "json":
        return json_response(data, request)
    rows = [dict(item, unit="NUMBER", source=data["source"]) for item in data["items"]]
    filters = {"year": year, "region": region, "bbox": bbox, "cause": cause, "route": route}
    return tabular_response(request, fmt, rows, tabular.INCIDENT_COLUMNS, filters, name="missing-migrants-incidents",
                            title="Missing Migrants incidents")  # fmt: skip


class ExplorerComparePointOut(Schema):
    period: str
    value: float
    observation_id: int
    source: str


class ExplorerCompareCountryOut(Schema):
    iso3: str
    name: str
    points: list[ExplorerComparePointOut]
    rank: int | None = Field(description="position among all countries with a value in `year` (1 = largest)")
    value: float | None = Field(description="the value in `year` (null: no data)")
    period: str | None


class ExplorerCompareTopOut(Schema):
    rank: int
    iso3: str
    name: str
    value: float
    period: str
    observation_id: int
    source: str
    compared: bool


class ExplorerCompareOut(Schema):
    series: str
    series_name: str
    unit: str
    dim: str
    year: int | None
    ranked_countries: int
    sources: list[str]
    top: list[ExplorerCompareTopOut]
    countries: list[ExplorerCompareCountryOut]


@router.get(
    "/explorer/compare",
    response={200: ExplorerCompareOut, 404: ErrorOut, 422: ErrorOut},
    summary="Up to five countries on one series",
    openapi_extra=_tabular_responses(),
)
def compare_countries(request, series: Code, areas: Text(100), dim: Text(200) | None = None,
                      year: Year | None = None, part: Literal["lines", "ranking"] | None = None,
                      format: Format | None = None):  # noqa: A002  # fmt: skip
    """The values over time of `series` for up to five countries (`areas` = ISO3 codes joined
    by `,`) in the disaggregation `dim` (`SEX:F`; none: the headline), and each one's
    rank among all countries with a value in `year` (default: the latest); `top` holds
    the first ten countries of that year and the compared ones further down. CSV/XLSX:
    one row per country and period; with `part=ranking`, what the ranking chart shows:
    one row per country of `top` (JSON: the countries without their points)."""
    codes = [code.strip() for code in areas.split(",") if code.strip()]
    if not codes:
        raise InvalidInput("Name one to five countries (ISO3 codes joined by ,).", field="areas")
    if len(codes) > services.MAX_COMPARED:
        raise InvalidInput(f"At most {services.MAX_COMPARED} countries can be compared.", field="areas")
    data = services.compare(series, codes, dim, year)
    if part == "ranking":
        data = dict(data, countries=[dict(c, points=[]) for c in data["countries"]])
    fmt = wanted_format(request, format)
    if fmt == "json":
        return json_response(data, request)
    filters = {"series": data["series"], "areas": ",".join(c["iso3"] for c in data["countries"]),
               "dim": data["dim"] or "headline", "year": data["year"], "part": part}  # fmt: skip
    if part == "ranking":
        rows = [dict(item, unit=data["unit"], series=data["series"], dim=data["dim"]) for item in data["top"]]
        return tabular_response(request, fmt, rows, tabular.RANKING_COLUMNS, filters, name=f"ranking-{data['series']}",
                                title=f"{data['series']} {data['series_name']}: ranking in {data['year']}")  # fmt: skip
    rows = [
        {"iso3": c["iso3"], "name": c["name"], "period": p["period"], "value": p["value"], "unit": data["unit"],
         "series": data["series"], "dim": data["dim"], "source": p["source"], "observation_id": p["observation_id"],
         "rank_in_year": c["rank"] if p["period"] == c["period"] else None}
        for c in data["countries"] for p in c["points"]
    ]  # fmt: skip
    return tabular_response(request, fmt, rows, tabular.COMPARE_COLUMNS, filters,
                            name=f"compare-{data['series']}", title=f"{data['series']} {data['series_name']}")  # fmt: skip
