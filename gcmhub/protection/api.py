"""REST endpoints of the protection app, mounted under /api/v1/ by gcmhub/api.py.

``/services``: the service directory. Anyone reads active, published
services; providers, focal points and reviewers also read what they work on.
Writes carry the ``version`` read (a stale one gets 409); an edit of a
published service by someone who may not publish it answers 202 and waits
for a reviewer. ``/services/export``: the directory in HSDS 3.0 (JSON, or
the tabular package as a zip). No personal data of migrants: services only.
"""

import datetime
import io
import json
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictFloat, StrictInt

from gcmhub import references
from gcmhub.actors.api import HistoryEntryOut, OrganizationRef
from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.apischema import Code, Flag, Id, InputSchema, Page, Ref, Text, Version, choices
from gcmhub.errors import InvalidInput

from . import hsds, imports, services
from .inputs import MAX_LIST, MAX_LOCATIONS
from .models import DESCRIPTION_MAX, NAME_MAX, SHORT_TEXT_MAX, ReferralMethod, Service, ServiceState
from .taxonomy import STAGES

router = Router(tags=["protection"])

ServiceStateName = choices(ServiceState, "ServiceState")
ReferralMethodName = choices(ReferralMethod, "ServiceReferralMethod")
StageName = Literal[STAGES]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
# In a JSON body numbers keep their JSON type ("1.5" is not a number).
BodyLatitude = Annotated[StrictFloat | StrictInt, Field(ge=-90, le=90, allow_inf_nan=False)]
BodyLongitude = Annotated[StrictFloat | StrictInt, Field(ge=-180, le=180, allow_inf_nan=False)]
NO_CASE_DETAILS = "Describe the service, never people: no names or case details of migrants."


# --- what the API answers ------------------------------------------------------------------


class ServiceLocationOut(Schema):
    name: str
    address: str
    admin_area: str = Field(description="Administrative area within the country")
    latitude: float | None
    longitude: float | None


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    service_type: str = Field(description="A service type code of the protection taxonomy")
    service_type_label: str
    provider: OrganizationRef | None = Field(description="Null if the caller may not read the organisation")
    area: str = Field(description="ISO3 code of the country")
    situations: list[str] = Field(description="Situation codes of the vulnerability taxonomy")
    stages: list[str] = Field(
        description="Migration stages served; empty: every stage where its situations arise"
    )
    groups: list[str]
    eligibility: str
    cost: str
    languages: list[str] = Field(description="ISO 639-1 codes")
    accessibility: str
    hours: str
    referral_methods: list[str]
    phone: str
    email: str
    url: str
    state: ServiceStateName
    locations: list[ServiceLocationOut]
    last_verified_on: datetime.date | None
    stale: bool = Field(description="Not verified for 6 months")
    distance_km: float | None = Field(None, description="With near=: distance of the nearest location")
    is_published: bool
    has_pending_change: bool | None = Field(description="An edit waits for review; null for the public")
    is_demo: bool = Field(description="An invented record, for demonstrations only")
    version: int = Field(description="Send it back with writes: a stale version gets 409")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_provider(service, context):
        return references.shown_or_none(context["request"].auth, service.provider)

    @staticmethod
    def resolve_area(service) -> str:
        return service.area.iso3

    @staticmethod
    def resolve_service_type_label(service) -> str:
        return service.service_type_label()

    @staticmethod
    def resolve_situations(service) -> list[str]:
        return [s.code for s in service.situations.all()]

    @staticmethod
    def resolve_locations(service):
        return list(service.locations.all())

    @staticmethod
    def resolve_stale(service) -> bool:
        return services.is_stale(service)

    @staticmethod
    def resolve_distance_km(service):
        return getattr(service, "distance_km", None)

    @staticmethod
    def resolve_has_pending_change(service, context):
        return service.has_pending_changes if services.may_see_staff_view(context["request"].auth, service) else None


# --- what the API accepts --------------------------------------------------------------------


class ServiceLocationIn(InputSchema):
    name: Text(NAME_MAX) = ""
    address: Text(500) = ""
    admin_area: Text(200) = ""
    latitude: BodyLatitude | None = None
    longitude: BodyLongitude | None = None


class ServiceFields(InputSchema):
    """Every field of a service, all optional (PATCH sends only what changes)."""

    name: Text(NAME_MAX) | None = None
    description: Text(DESCRIPTION_MAX) | None = Field(None, description=NO_CASE_DETAILS)
    service_type: Code | None = None
    provider: Ref | None = Field(None, description="Id of the provider organisation")
    area: Code | None = Field(None, description="ISO3 code of the country")
    situations: list[Code] | None = Field(None, max_length=MAX_LIST)
    stages: list[StageName] | None = Field(
        None, max_length=len(STAGES), description="Migration stages served; empty: every stage where its situations arise"
    )
    groups: list[Code] | None = Field(None, max_length=MAX_LIST)
    eligibility: Text(SHORT_TEXT_MAX) | None = Field(None, description=NO_CASE_DETAILS)
    cost: Text(500) | None = None
    languages: list[Text(2)] | None = Field(None, max_length=MAX_LIST, description="ISO 639-1 codes")
    accessibility: Text(SHORT_TEXT_MAX) | None = None
    hours: Text(500) | None = None
    referral_methods: list[ReferralMethodName] | None = Field(None, max_length=4)
    phone: Text(40) | None = None
    email: Text(254) | None = None
    url: Text(500) | None = None
    state: ServiceStateName | None = None
    locations: list[ServiceLocationIn] | None = Field(None, max_length=MAX_LOCATIONS)
    is_demo: Flag | None = None


class ServiceIn(ServiceFields):
    name: Text(NAME_MAX)
    service_type: Code
    provider: Ref = Field(description="Id of the provider organisation")
    area: Code = Field(description="ISO3 code of the country")


class ServicePatch(ServiceFields):
    version: Version


class ServiceFilters(Schema):
    area: Code | None = Field(None, description="ISO3 code of the country")
    situation: Code | None = Field(None, description="Situation code, such as trafficking_victim")
    type: Code | None = Field(None, description="Service type code, such as legal_aid")
    language: Code | None = Field(None, description="ISO 639-1 code")
    provider: Id | None = Field(None, description="Provider organisation id")
    state: ServiceStateName | None = None
    stale: bool | None = Field(None, description="true: only services not verified for 6 months")
    q: Text(200) | None = Field(None, description="Words in the name or description")
    near: Text(60) | None = Field(None, description="latitude,longitude: nearest first, with distance_km")
    within_km: Annotated[float, Field(gt=0, le=20000, allow_inf_nan=False)] | None = Field(
        None, description="With near: only services with a location this close"
    )


def _with_relations(queryset):
    return queryset.select_related("area", "provider").prefetch_related("situations", "locations")


def _reloaded(service: Service) -> Service:
    return _with_relations(Service.objects.filter(pk=service.pk)).get()


# --- endpoints ----------------------------------------------------------------------------------


@router.get("/services", response=list[ServiceOut], auth=read_auth, summary="The service directory")
@paginate(Page)
def list_services(request, filters: Query[ServiceFilters]):
    """Active published services, plus those the caller works on, filtered.
    With ``near`` the list is ordered by distance (nearest first)."""
    found = services.filter_services(
        services.visible_services(request.auth), **filters.model_dump(exclude_none=True)
    )
    if isinstance(found, list):
        return found
    return _with_relations(found)


@router.get(
    "/services/export",
    auth=read_auth,
    summary="The directory in HSDS 3.0 (Open Referral)",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "hsds-json: an HSDS page of full services; hsds-csv: the tabular package (zip)",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/zip": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_services(
    request,
    format: Literal["hsds-json", "hsds-csv"] = "hsds-json",  # noqa: A002 (the issue's parameter name)
    area: Code | None = None,
):
    """What the caller may read (the public: active published services)."""
    found = services.filter_services(services.visible_services(request.auth), area=area)
    if format == "hsds-json":
        body = json.dumps(hsds.export_json(found), ensure_ascii=False)
        return HttpResponse(body, content_type="application/json")
    buffer = io.BytesIO()
    hsds.write_package(found, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="services-hsds.zip"'
    return response


# --- HSDS imports (background) --------------------------------------------------------------


class ServiceImportForm(InputSchema):
    format: Literal["hsds-json", "hsds-csv"] = Field(description="hsds-json: a .json file; hsds-csv: the zipped package")  # noqa: A003
    area: Code = Field("", description="ISO3 country of the services (default: a focal point's own, else the addresses')")
    dry_run: bool = Field(False, description="Check everything, write nothing")
    draft: bool = Field(False, description="Keep the services as drafts, even for an administrator")
    type: Code = Field("other", description="Service type of services without one of our taxonomy's type terms")  # noqa: A003


class ServiceImportOut(Schema):
    id: int
    state: str = Field(description="queued, running, succeeded, validated (dry run) or failed")
    format: str
    file_name: str
    sha256: str
    area: str | None = Field(description="ISO3 code, or null: from the file's addresses")
    user: str | None
    dry_run: bool
    draft: bool
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    services_read: int
    created: int
    updated: int
    held: int = Field(description="Changes held for review (published services the uploader may not publish)")
    organizations_created: int
    problems: list[str] = Field(description="Located problems, file:line N or file:record N: field: reason")
    warnings: list[str] = Field(description="Details not kept (contacts, out-of-range coordinates …)")
    error: str
    url: str

    @staticmethod
    def resolve_area(record) -> str | None:
        return record.area.iso3 if record.area_id else None

    @staticmethod
    def resolve_user(record) -> str | None:
        return record.user.get_username() if record.user_id else None

    @staticmethod
    def resolve_dry_run(record) -> bool:
        return bool((record.options or {}).get("dry_run"))

    @staticmethod
    def resolve_draft(record) -> bool:
        return bool((record.options or {}).get("draft"))

    @staticmethod
    def resolve_created(record) -> int:
        return record.created_count

    @staticmethod
    def resolve_updated(record) -> int:
        return record.updated_count

    @staticmethod
    def resolve_held(record) -> int:
        return record.held_count

    @staticmethod
    def resolve_url(record) -> str:
        return f"/api/v1/services/imports/{record.pk}"


@router.post("/services/import", response={202: ServiceImportOut}, auth=bearer_auth, summary="Import HSDS services")
def import_services(request, file: File[UploadedFile], fields: Form[ServiceImportForm]):
    """Multipart upload of an HSDS 3.0 file (administrators; focal points for
    their own country). It runs in the background, all or nothing: follow it
    at ``GET /services/imports/{id}``, whose ``problems`` name file, line or
    record, field and reason."""
    unknown = sorted(set(request.POST) - set(ServiceImportForm.model_fields))
    if unknown:  # as for JSON bodies: an unknown field is refused, never ignored
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    record = imports.submit_import(
        request.auth, fields.format, file, area=fields.area or None, dry_run=fields.dry_run, draft=fields.draft,
        default_type=fields.type,
    )  # fmt: skip
    return Status(202, record)


@router.get("/services/imports", response=list[ServiceImportOut], auth=bearer_auth, summary="HSDS imports")
@paginate(Page)
def list_service_imports(request):
    """Your imports; a focal point's country's; all, for administrators."""
    return imports.visible_imports(request.auth)


@router.get("/services/imports/{import_id}", response=ServiceImportOut, auth=bearer_auth, summary="One HSDS import")
def get_service_import(request, import_id: Id):
    return imports.get_import(request.auth, import_id)


@router.get("/services/{service_id}", response=ServiceOut, auth=read_auth)
def get_service(request, service_id: Id):
    return _reloaded(services.get_visible_service(request.auth, service_id))


@router.post("/services", response={201: ServiceOut}, auth=bearer_auth)
def create_service(request, payload: ServiceIn):
    """A new draft; a reviewer publishes it."""
    service, _live = services.save_service(request.auth, None, payload.model_dump(exclude_unset=True))
    return Status(201, _reloaded(service))


@router.patch("/services/{service_id}", response={200: ServiceOut, 202: ServiceOut}, auth=bearer_auth)
def update_service(request, service_id: Id, payload: ServicePatch):
    """Change the fields sent. 200: live. 202: the service is published and
    the caller may not publish it: the change waits for a reviewer; the
    response shows the published version."""
    service = services.get_visible_service(request.auth, service_id)
    given = payload.model_dump(exclude_unset=True)
    version = given.pop("version")
    service, live = services.save_service(request.auth, service, given, version)
    return Status(200 if live else 202, _reloaded(service))


class ServicePublishIn(InputSchema):
    version: Version
    published: Flag = Field(True, description="false: withdraw it from publication")


class ServiceVerifyIn(InputSchema):
    version: Version
    verified_on: datetime.date | None = Field(None, description="Default: today; never in the future")


class ServiceVersionIn(InputSchema):
    version: Version


@router.post("/services/{service_id}/publish", response=ServiceOut, auth=bearer_auth)
def publish_service(request, service_id: Id, payload: ServicePublishIn):
    """A reviewer publishes the version they read (with its held change), or withdraws it."""
    service = services.get_visible_service(request.auth, service_id)
    services.publish_service(request.auth, service, payload.version, published=payload.published)
    return _reloaded(service)


@router.post("/services/{service_id}/verify", response=ServiceOut, auth=bearer_auth)
def verify_service(request, service_id: Id, payload: ServiceVerifyIn):
    """A reviewer checked the service is as described: it is no longer stale."""
    service = services.get_visible_service(request.auth, service_id)
    services.verify_service(request.auth, service, payload.version, on=payload.verified_on)
    return _reloaded(service)


@router.post("/services/{service_id}/discard-change", response=ServiceOut, auth=bearer_auth)
def discard_change(request, service_id: Id, payload: ServiceVersionIn):
    """Drop the change waiting for review; the published version stays."""
    service = services.get_visible_service(request.auth, service_id)
    services.discard_service_change(request.auth, service, payload.version)
    return _reloaded(service)


@router.get("/services/{service_id}/history", response=list[HistoryEntryOut], auth=read_auth)
def service_history(request, service_id: Id):
    """Every change of the service's own fields, newest first."""
    return services.service_history(request.auth, services.get_visible_service(request.auth, service_id))
