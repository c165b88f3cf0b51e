"""API: the indicator catalogue, observations, downloads and imports.

Reads are public. Uploads need a bearer token and the
``indicators.import_data`` permission; an import runs as a background task
and ``GET /imports/{id}`` follows it.
"""


from datetime import datetime
from typing import Annotated, Literal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, Id, InputSchema, Page, Text, Year
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.text import text_problem

from . import exporters, services
from .keys import parse_dimension_key
from .models import Dimension, ImportBatch, Indicator, Observation

router = Router(tags=["indicators"])

# Query parameters of the observations endpoint that are not dimension filters.
RESERVED = {"area", "from", "to", "limit", "offset", "headline", "format"}


class SeriesOut(Schema):
    code: str
    description: str
    unit: str
    indicator: str | None = Field(None, description="Indicator code; null for context series")
    sdg_series: bool = Field(description="Defined by the UN SDG database")

    @staticmethod
    def resolve_indicator(series) -> str | None:
        return series.indicator.code if series.indicator_id else None

    @staticmethod
    def resolve_sdg_series(series) -> bool:
        return series.sdg_series_id is not None


class ObjectiveRef(Schema):
    number: int
    title: str


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    direction: str = Field(description="positive: higher is better; negative: lower is better")
    custodian: str
    is_sdg: bool
    series: list[str]

    @staticmethod
    def resolve_name(indicator) -> str:
        return indicator.tr("name")

    @staticmethod
    def resolve_series(indicator) -> list[str]:
        return [series.code for series in indicator.series.all()]


class IndicatorDetailOut(IndicatorOut):
    description: str
    series_detail: list[SeriesOut]
    objectives: list[ObjectiveRef]

    @staticmethod
    def resolve_series_detail(indicator) -> list:
        return list(indicator.series.all())

    @staticmethod
    def resolve_objectives(indicator) -> list[dict]:
        return [{"number": o.number, "title": o.tr("title")} for o in indicator.linked_objectives()]


class ObservationOut(Schema):
    area: str = Field(description="ISO3 code (M49 code for regions)")
    area_m49: str
    period: str
    year: int
    dimensions: dict[str, str] = Field(description="Disaggregation codes; {} for the headline")
    value: float | None
    unit: str
    unit_mult: int | None
    obs_status: str
    nature: str
    footnote: str
    source: str | None


class ObservationFilters(Schema):
    area: Code | None = Field(None, description="ISO3 or M49 code")
    from_year: Year | None = Field(None, alias="from")
    to_year: Year | None = Field(None, alias="to")
    headline: bool = Field(False, description="Only the headline (no disaggregation)")


class ImportOut(Schema):
    id: int
    format: str
    file_name: str
    sha256: str
    status: str
    source: str
    area: str | None = None
    user: str | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows_read: int
    rows_written: int
    rows_unchanged: int
    rows_rejected: int
    progress: dict | None = None
    report: dict

    @staticmethod
    def resolve_area(batch) -> str | None:
        return batch.area.iso3 or batch.area.m49 if batch.area_id else None

    @staticmethod
    def resolve_user(batch) -> str | None:
        return batch.user.get_username() if batch.user_id else None

    @staticmethod
    def resolve_progress(batch) -> dict | None:
        return services.batch_progress(batch)


class QueuedOut(Schema):
    id: int
    status: str
    url: str


# --- catalogue -----------------------------------------------------------------


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator catalogue")
def list_indicators(request):
    return Indicator.objects.prefetch_related("series")


@router.get("/indicators/{code}", response=IndicatorDetailOut, summary="One indicator, its series and objectives")
def get_indicator(request, code: Code):
    indicator = services.get_indicator(code)
    return Indicator.objects.prefetch_related("series__indicator").get(pk=indicator.pk)


@router.get("/series/{code}", response=SeriesOut, summary="One series")
def get_series(request, code: Code):
    return services.get_series(code)


# --- observations ------------------------------------------------------------------


def _dimension_filters(request) -> dict[str, str]:
    """Query parameters naming a dimension (``SEX=F``) — unknown names are an error."""
    wanted = {key: value for key, value in request.GET.items() if key not in RESERVED}
    if not wanted:
        return {}
    for key, value in wanted.items():
        problem = text_problem(key + value)
        if problem:
            raise InvalidInput(problem, field=key)
    known = set(Dimension.objects.filter(code__in=list(wanted)).values_list("code", flat=True))
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidInput(_("Unknown filter or dimension “%(name)s”.") % {"name": unknown[0]}, field=unknown[0])
    return wanted


def _observation_out(observation: Observation) -> dict:
    area = observation.area
    return {
        "area": area.iso3 or area.m49,
        "area_m49": area.m49,
        "period": observation.period,
        "year": observation.year,
        "dimensions": dict(parse_dimension_key(observation.dimension_key)),
        "value": observation.value,
        "unit": observation.unit or observation.series.unit,
        "unit_mult": observation.unit_mult,
        "obs_status": observation.obs_status,
        "nature": observation.nature,
        "footnote": observation.footnote,
        "source": observation.source.name if observation.source_id else None,
    }


@router.get(
    "/series/{code}/observations",
    response=list[ObservationOut],
    summary="Observations of a series, filtered and paginated",
)
@paginate(Page)
def series_observations(request, code: Code, filters: Query[ObservationFilters]):
    """Any other query parameter filters on a dimension: ``SEX=F``,
    ``AGE=Y15T24``, ``COMPOSITE_BREAKDOWN=MS_MIGRANT``; ``_T`` means the
    total (no disaggregation by that dimension)."""
    observations = services.observations_for(
        code,
        filters.area,
        filters.from_year,
        filters.to_year,
        _dimension_filters(request),
        headline=filters.headline,
    )
    return _Lazy(observations.select_related("area", "series", "source"))


class _Lazy:
    """A queryset whose sliced rows are converted for the response."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [_observation_out(observation) for observation in self.queryset[item]]


def _download_content() -> dict:
    """The media types a download can have, for the OpenAPI document."""
    types = {exporters.content_type(fmt).split(";")[0] for fmt in exporters.EXPORT_FORMATS}
    return {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in sorted(types)}


@router.get(
    "/series/{code}/download",
    summary="Download a series",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "The file", "content": _download_content()}}},
)
def download_series(request, code: Code, format: Code = "csv", area: Code | None = None,  # noqa: A002
                    sdmx_csv_version: Annotated[int, Field(ge=1, le=2)] = 2,
                    opensdg_attributes: Literal["metadata", "columns"] = "metadata"):  # fmt: skip
    """``format``: csv, opensdg, sdmx-csv, xlsx or json; ``area`` narrows to one area;
    ``sdmx_csv_version``: 2 (SDMX-CSV 2.0) or 1; ``opensdg_attributes``: ``metadata``
    (NATURE and the source left out of the CSV) or ``columns``. What the user must
    know about the file (a series outside the SDG DSD) is in the ``X-Export-Notice`` header."""
    series = services.get_series(code)
    rows, codes, several_areas = services.prepare_export(
        format, series=series.code, area=area, sdmx_csv_version=sdmx_csv_version, opensdg_attributes=opensdg_attributes
    )
    settings = services.export_settings(sdmx_csv_version=sdmx_csv_version, opensdg_attributes=opensdg_attributes)
    name = f"{series.code}{'-' + area.upper() if area else ''}{exporters.suffix(format)}"
    disposition = f'attachment; filename="{name}"'
    if format == "xlsx":
        import tempfile

        spool = tempfile.TemporaryFile()
        exporters.write_xlsx(rows, spool, dimension_codes=codes)
        spool.seek(0)
        response = FileResponse(spool, content_type=exporters.content_type(format))
    else:
        pieces = exporters.chunks(format, rows, dimension_codes=codes, several_areas=several_areas, **settings)
        response = StreamingHttpResponse(
            pieces, content_type=exporters.content_type(format, sdmx_csv_version=sdmx_csv_version)
        )
    response["Content-Disposition"] = disposition
    with translation.override("en"):  # a header is Latin-1: English, whatever the request's language
        notices = services.export_notices(
            format, series=series.code, area=area, opensdg_attributes=opensdg_attributes, to_file=False
        )
    if notices:
        response["X-Export-Notice"] = " ".join(notices)
    return response


# --- imports -------------------------------------------------------------------------


class ImportForm(InputSchema):
    format: Code  # noqa: A003
    source: Text(500) = ""
    area: Code = ""
    dry_run: bool = False
    skip_invalid: bool = False
    # Open SDG: may create series for rows that match no SDG series (else refused).
    create_series: bool = False


@router.post("/imports", response={202: QueuedOut}, auth=bearer_auth, summary="Upload a file to import")
def create_import(request, file: File[UploadedFile], fields: Form[ImportForm], mapping: File[UploadedFile] = None):
    """Multipart upload. ``format`` is one of the import formats; ``area`` is
    the country (ISO3) of a file without an area column and is required for
    focal points; ``mapping`` is the column mapping of a tidy file. The
    import runs in the background: follow it at ``GET /imports/{id}``.
    ``create_series``: an Open SDG file may create series for rows that match
    no SDG series (otherwise they are refused); the report lists them."""
    batch = services.submit_upload(
        request.auth,
        fields.format,
        file,
        mapping=mapping,
        source=fields.source,
        area=fields.area or None,
        dry_run=fields.dry_run,
        skip_invalid=fields.skip_invalid,
        create_series=fields.create_series,
    )
    return Status(202, {"id": batch.pk, "status": batch.status, "url": f"/api/v1/imports/{batch.pk}"})


def _signed_in(request):
    user = request.auth
    if not user.is_authenticated:
        raise AuthenticationError()
    return user


@router.get("/imports", response=list[ImportOut], auth=read_auth, summary="Your imports (all, for administrators)")
@paginate(Page)
def list_imports(request):
    return services.visible_imports(_signed_in(request))


@router.get("/imports/{batch_id}", response=ImportOut, auth=read_auth, summary="Status and report of an import")
def get_import(request, batch_id: Id):
    return services.import_visible_to(_signed_in(request), batch_id)


@router.get(
    "/imports/{batch_id}/rejects",
    auth=read_auth,
    summary="Rejected rows of an import (CSV)",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def import_rejects(request, batch_id: Id):
    batch = services.import_visible_to(_signed_in(request), batch_id)
    path = services.imports_dir() / str(batch.pk) / "rejects.csv"
    if batch.status == ImportBatch.Status.RUNNING or not path.exists():
        raise NotFound(_("This import has no rejected rows."))
    response = HttpResponse(path.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-rejects.csv"'
    return response

