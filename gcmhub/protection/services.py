"""What a user can do with the service directory and referral pathways.

The web pages, the API, the ``services`` command and the HSDS importer all
call these functions, so every check lives here once (permissions in
``rules.py``). ``actor`` is the user acting; ``None`` is the system operator
at the command line (full rights, same validation).

Errors: ``InvalidService`` (a Django ``ValidationError`` keyed by field and
a ``gcmhub.errors.InvalidInput`` naming the first field), ``ServiceForbidden``
(``PermissionDenied`` and ``Forbidden``), ``ServiceNotFound`` (``Http404`` and
``NotFound``) and ``EditConflict`` (a stale ``expected_version``).

Publication (``gcmhub.publishing``): a new service is a draft, visible to its
provider, the country's focal point and reviewers; a reviewer publishes it.
An edit of a published service by someone who may not publish it is held as
its proposed change, situations and locations included, until a reviewer
publishes or discards it. A reviewer *verifies* a service (``verify_service``:
``last_verified_on``); a service not verified for ``STALE_AFTER_MONTHS``
months is stale (``is_stale``) and its provider and focal point are reminded
(``reminders.py``).

No personal data of migrants: these functions store services, never cases.
"""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub import publishing
from gcmhub.actors.rules import is_admin, is_focal_point, is_member, is_reviewer
from gcmhub.concurrency import save_if_unchanged, stored_if_unchanged
from gcmhub.errors import EditConflict, Forbidden, NotFound
from gcmhub.records import InvalidRecord

from . import inputs
from .inputs import ServiceInput
from .models import (
    STALE_AFTER_MONTHS,
    ReferralPathway,
    ReferralStep,
    Service,
    ServiceLocation,
    Situation,
)

VIEW = "protection.view_service"
ADD = "protection.add_service"
CHANGE = "protection.change_service"
DELETE = "protection.delete_service"
PUBLISH = "protection.publish_service"
VERIFY = "protection.verify_service"
CHANGE_PATHWAY = "protection.change_referralpathway"
ADD_PATHWAY = "protection.add_referralpathway"
DELETE_PATHWAY = "protection.delete_referralpathway"

SCALAR_FIELDS = (
    "provider", "area", "name", "service_type", "description", "stages", "groups", "eligibility", "cost", "languages",
    "accessibility", "hours", "referral_methods", "phone", "email", "url", "state", "is_demo",
)  # fmt: skip
RELATIONS = "_relations"  # key of the held situations and locations inside pending_changes

__all__ = [
    "EditConflict", "InvalidService", "ServiceForbidden", "ServiceNotFound", "create_service", "delete_service",
    "discard_service_change", "filter_services", "save_service", "get_visible_service", "is_stale", "publish_service",
    "stale_services", "update_service", "verify_service", "visible_services",
]  # fmt: skip


# --- errors understood by Django (forms, views) and by the API ------------------------------


class InvalidService(InvalidRecord):
    """Invalid input to a service: see ``gcmhub.records.InvalidRecord``."""


class ServiceForbidden(Forbidden, PermissionDenied):
    pass


class ServiceNotFound(NotFound, Http404):
    pass


def require(actor, permission: str, obj=None) -> None:
    """Raise ServiceForbidden unless ``actor`` (None: the system operator) may do it."""
    if actor is not None and not actor.has_perm(permission, obj):
        raise ServiceForbidden(_("You do not have permission to do this."))


def _invalid(field: str, message: str) -> InvalidService:
    return InvalidService(message, field=field)


# --- staleness --------------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same calendar day ``months`` earlier (31 August - 6 months → 28/29 February)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A service last verified on or before this date is stale."""
    return months_before(today or timezone.localdate(), STALE_AFTER_MONTHS)


def verified_or_created_on(service: Service) -> datetime.date:
    """When the service was last verified; never verified: when it was entered."""
    if service.last_verified_on:
        return service.last_verified_on
    created = service.created_at or timezone.now()
    return timezone.localdate(created)


def is_stale(service: Service, today: datetime.date | None = None) -> bool:
    """Not verified for ``STALE_AFTER_MONTHS`` months (closed services are never stale)."""
    if service.state == Service.State.CLOSED:
        return False
    return verified_or_created_on(service) <= stale_cutoff(today)


def stale_services(services: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """The queryset form of ``is_stale``."""
    cutoff = stale_cutoff(today)
    end_of_cutoff = timezone.make_aware(datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min))
    return services.exclude(state=Service.State.CLOSED).filter(
        Q(last_verified_on__lte=cutoff) | Q(last_verified_on__isnull=True, created_at__lt=end_of_cutoff)
    )


# --- reading -----------------------------------------------------------------------------------


def _scope(user) -> Q | None:
    """The ``view_service`` rule as a filter; None: everything."""
    if user is None or is_admin(user) or is_reviewer(user):
        return None
    visible = Q(is_published=True, state=Service.State.ACTIVE)
    if is_focal_point(user) and user.area_id:
        visible |= Q(area_id=user.area_id)
    if is_member(user) and user.organization_id:
        visible |= Q(provider_id=user.organization_id)
    return visible


def visible_services(user) -> QuerySet:
    """The services ``user`` may read: the queryset form of ``protection.view_service``."""
    services = Service.objects.select_related("area", "provider")
    scope = _scope(user)
    return services if scope is None else services.filter(scope)


def get_visible_service(user, pk) -> Service:
    """One service ``user`` may read; others' drafts are "not found", so they do not leak."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    service = visible_services(user).filter(pk=pk).first() if pk is not None else None
    if service is None:
        raise ServiceNotFound(_("No such service."))
    return service


def may_see_staff_view(user, service: Service) -> bool:
    """Those who work on the service see its proposals and verification details."""
    if user is None:
        return True
    return any(user.has_perm(perm, service) for perm in (CHANGE, PUBLISH))


def parse_near(value: str, field: str = "near") -> tuple[float, float]:
    """``"lat,lon"`` in degrees."""
    try:
        lat_text, lon_text = value.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except (AttributeError, ValueError):
        raise _invalid(field, _("Give a point as latitude,longitude in degrees, such as -1.29,36.82.")) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise _invalid(field, _("Latitude is between -90 and 90, longitude between -180 and 180."))
    return lat, lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def nearest_first(services, point: tuple[float, float], within_km: float | None = None) -> list[Service]:
    """Services ordered by the distance of their nearest location to ``point``
    (computed in Python, so the same in SQLite and PostgreSQL); each gets
    ``distance_km`` (None: no location with coordinates, listed last unless
    ``within_km`` is given, which leaves them out)."""
    lat, lon = point
    located = []
    for service in services:
        distances = [
            distance_km(lat, lon, location.latitude, location.longitude)
            for location in service.locations.all()
            if location.has_coordinates
        ]
        service.distance_km = round(min(distances), 3) if distances else None
        if within_km is not None and (service.distance_km is None or service.distance_km > within_km):
            continue
        located.append(service)
    return sorted(located, key=lambda s: (s.distance_km is None, s.distance_km or 0.0, s.name, s.pk))


def serving_stage(services: QuerySet, stage: str) -> QuerySet:
    """The services serving people at ``stage``: those that list it, and those
    that list no stage but serve a situation arising at it (the gap matrix's rule)."""
    from .taxonomy import load_taxonomy

    code = inputs.check_stages([stage], "stage")[0]
    arising = [situation.code for situation in load_taxonomy().situations if code in situation.stages]
    # JSON "contains" is not portable to SQLite: match the quoted code in the stored list.
    listed = Q(stages__icontains=f'"{code}"')
    unlisted = Q(stages=[]) & Q(situations__code__in=arising)
    return services.filter(listed | unlisted).distinct()


def filter_services(
    services: QuerySet,
    *,
    area: str | None = None,
    situation: str | None = None,
    type: str | None = None,  # noqa: A002 (the API's parameter name)
    language: str | None = None,
    stage: str | None = None,
    provider: int | None = None,
    state: str | None = None,
    stale: bool | None = None,
    q: str | None = None,
    near: str | None = None,
    within_km: float | None = None,
    today: datetime.date | None = None,
):
    """Narrow a list (web, API, export alike); unknown values are errors, not
    empty lists. With ``near`` the answer is a list, nearest first."""
    if area:
        services = services.filter(area=inputs.resolve_area(area))
    if situation:
        services = services.filter(situations=inputs.resolve_situations([situation], "situation")[0])
    if type:
        services = services.filter(service_type=inputs.check_service_type(type, "type"))
    if language:
        code = inputs.check_languages([language], "language")[0]
        # JSON "contains" is not portable to SQLite: match the quoted code in the stored list.
        services = services.filter(languages__icontains=f'"{code}"')
    if stage:
        services = serving_stage(services, stage)
    if provider is not None:
        services = services.filter(provider_id=provider)
    if state:
        if state not in Service.State.values:
            raise _invalid("state", _("Unknown state “%(value)s”. States: %(values)s.")
                           % {"value": state, "values": ", ".join(Service.State.values)})  # fmt: skip
        services = services.filter(state=state)
    if stale is not None:
        stale_ids = stale_services(Service.objects.all(), today).values("pk")
        services = services.filter(pk__in=stale_ids) if stale else services.exclude(pk__in=stale_ids)
    if q:
        for word in q.split():
            services = services.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if situation:
        services = services.distinct()
    if within_km is not None and not near:
        raise _invalid("within_km", _("A distance needs a point: give near as well."))
    if near:
        point = parse_near(near)
        return nearest_first(services.prefetch_related("locations"), point, within_km)
    return services


# --- validation and relations -------------------------------------------------------------------


def _apply(service: Service, data: ServiceInput) -> None:
    """Set the fields and validate the whole record (situations and locations included)."""
    if data.provider is None:
        raise _invalid("provider", _("Name the provider organisation."))
    if data.area is None:
        raise _invalid("area", _("Name the country."))
    data.service_type = inputs.check_service_type(data.service_type)
    data.name = inputs.check_visible(data.name, "name")
    data.languages = inputs.check_languages(data.languages)
    data.groups = inputs.check_groups(data.groups)
    data.stages = inputs.check_stages(data.stages)
    data.referral_methods = inputs.check_referral_methods(data.referral_methods)
    data.locations = inputs.check_locations(data.locations)
    if len({s.pk for s in data.situations}) != len(data.situations):
        raise _invalid("situations", _("A situation is listed twice."))
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()
        setattr(service, name, value)
    try:
        service.full_clean(exclude=["situations"])
    except ValidationError as error:
        raise InvalidService.from_validation_error(error) from None


def _relations_of(data: ServiceInput) -> dict:
    return {
        "situations": sorted(situation.code for situation in data.situations),
        "locations": [dict(row) for row in data.locations],
    }


def _stored_relations(service: Service) -> dict:
    return _relations_of(ServiceInput.from_service(service))


def relations_summary(relations: dict) -> str:
    """The situations and locations in words, for the history."""
    lines = [f"situations: {', '.join(relations['situations'])}"] if relations["situations"] else []
    for row in relations["locations"]:
        where = ", ".join(str(row[k]) for k in ("name", "address", "admin_area") if row.get(k))
        if row.get("latitude") is not None:
            where += f" ({row['latitude']}, {row['longitude']})"
        lines.append(f"location: {where}")
    return "\n".join(lines)


def _save_relations(service: Service, relations: dict) -> None:
    service.situations.set(Situation.objects.filter(code__in=relations["situations"]))
    service.locations.all().delete()
    for row in relations["locations"]:
        ServiceLocation.objects.create(
            service=service,
            **{k: row.get(k) or "" for k in ("name", "address", "admin_area")},
            latitude=row.get("latitude"),
            longitude=row.get("longitude"),
        )


# --- writing -------------------------------------------------------------------------------------


def create_service(
    actor, data: ServiceInput, *, verified_on: datetime.date | None = None, hsds_id: str = ""
) -> Service:
    """A new draft; the actor must be in scope for it (their country, or their organisation).
    ``verified_on`` (a reviewer's or the operator's import) and ``hsds_id`` come from an HSDS import."""
    require(actor, ADD)
    service = Service(created_by=actor if actor is not None and actor.pk else None, hsds_id=hsds_id[:100])
    _apply(service, data)
    require(actor, ADD, service)
    relations = _relations_of(data)
    service.relations_summary = relations_summary(relations)
    if verified_on is not None:
        # Only the system operator (an import at the command line) brings a verification date.
        if actor is not None and not actor.has_perm(VERIFY, service):
            raise ServiceForbidden(_("Only a reviewer verifies a service."))
        service.last_verified_on = verified_on
    service._history_user = actor
    with transaction.atomic():
        service.save()
        _save_relations(service, relations)
    return service


def update_service(actor, service: Service, data: ServiceInput, expected_version: int) -> bool:
    """Replace the service's content with ``data`` if nobody saved it since
    ``expected_version``. True: the change is live; False: it is held for
    review (a published service edited by someone who may not publish it)."""
    require(actor, CHANGE, service)
    held = publishing.needs_review(actor, service, PUBLISH)
    if actor is not None and is_member(actor) and data.provider is not None and data.provider.pk != service.provider_id:
        raise _invalid("provider", _("Only the country's focal point or an administrator changes the provider."))
    _apply(service, data)
    # The changed record must still be the actor's: no moving it out of their scope.
    require(actor, CHANGE, service)
    relations = _relations_of(data)
    service.relations_summary = relations_summary(relations)
    with transaction.atomic():
        if held:
            stored = _stored_relations(Service.objects.get(pk=service.pk))
            publishing.save_edit(actor, service, expected_version, publish_permission=PUBLISH)
            if relations != stored:
                proposal = dict(service.pending_changes or {})
                proposal[RELATIONS] = relations
                service.pending_changes = proposal
                service.pending_by = actor
                service.pending_since = timezone.now()
                service._history_user = actor
                service.save(update_fields=list(publishing.PENDING_FIELDS))
            return False
        service._history_user = actor
        save_if_unchanged(service, expected_version)
        if relations != _stored_relations(service):
            _save_relations(service, relations)
    return True


def save_service(actor, service: Service | None, given: dict, expected_version: int | None = None) -> tuple[Service, bool]:
    """Create (``service`` None) or change a service from plain values — the
    one write of the web form and the API (``inputs.from_fields`` says what
    ``given`` holds). An edit starts from what ``actor`` edits
    (``editable_input``) and needs the version read. Returns the service and
    whether the change is live (False: held for review)."""
    if service is None:
        require(actor, ADD)
        base = ServiceInput(provider=None, area=None, name="", service_type="")
        return create_service(actor, inputs.from_fields(actor, base, given)), True
    require(actor, CHANGE, service)
    if expected_version is None:
        raise _invalid("version", _("Send the version you read."))
    data = inputs.from_fields(actor, editable_input(actor, service), given)
    return service, update_service(actor, service, data, expected_version)


def editable_input(actor, service: Service) -> ServiceInput:
    """What an edit by ``actor`` starts from: the stored service, or, for an
    editor whose edits are held, the change already waiting for review."""
    if not (publishing.needs_review(actor, service, PUBLISH) and service.has_pending_changes):
        return ServiceInput.from_service(service)
    proposed = publishing.proposed_version(service)
    data = ServiceInput.from_service(proposed)
    relations = (service.pending_changes or {}).get(RELATIONS)
    if relations is not None:
        data.situations = list(Situation.objects.filter(code__in=relations["situations"]))
        data.locations = [dict(row) for row in relations["locations"]]
    return data


def _validate(service: Service) -> None:
    try:
        service.full_clean(exclude=["situations"])
    except ValidationError as error:
        raise InvalidService.from_validation_error(error) from None


def publish_service(actor, service: Service, expected_version: int, *, published: bool = True) -> Service:
    """Publish the version the reviewer read (a draft, or a published
    service's held change), or withdraw it (``published=False``)."""
    require(actor, PUBLISH, service)
    with transaction.atomic():
        stored_if_unchanged(service, expected_version)
        held = (service.pending_changes or {}).get(RELATIONS)
        if held is not None:
            _save_relations(service, held)
            service.relations_summary = relations_summary(held)
        publishing.publish(actor, service, published, expected_version, validate=_validate)
    return service


def discard_service_change(actor, service: Service, expected_version: int) -> Service:
    """Drop the change waiting for review; a reviewer or an editor of the service may."""
    if actor is not None and not (actor.has_perm(PUBLISH, service) or actor.has_perm(CHANGE, service)):
        raise ServiceForbidden(_("You do not have permission to do this."))
    if not service.has_pending_changes:
        raise _invalid("pending_changes", _("No change waits for review."))
    publishing.discard(actor, service, expected_version)
    return service


def verify_service(actor, service: Service, expected_version: int, on: datetime.date | None = None) -> Service:
    """A reviewer checked that the service is as described: it is fresh again."""
    require(actor, VERIFY, service)
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise _invalid("verified_on", _("A verification date cannot be in the future."))
    service.last_verified_on = on
    service.last_verified_by = actor if actor is not None and actor.pk else None
    service.stale_reminded_on = None
    service._history_user = actor
    save_if_unchanged(service, expected_version)
    return service


def delete_service(actor, service: Service, expected_version: int) -> None:
    """Delete a service never published (administrators: any). Its history stays."""
    require(actor, DELETE, service)
    with transaction.atomic():
        stored_if_unchanged(service, expected_version)
        service._history_user = actor
        service.delete()


def service_history(reader, service: Service) -> list:
    """The service's history as ``reader`` may see it: those who work on it
    see usernames and held proposals, everyone else the editors' organisation or role."""
    from gcmhub.actors import history

    staff = may_see_staff_view(reader, service)
    hidden = () if staff else ("last_verified_by",)
    return history.history_of(service, reader=reader, show_usernames=staff, exclude=hidden)


# --- referral pathways ----------------------------------------------------------------------------


def save_pathway(
    actor,
    pathway: ReferralPathway | None,
    *,
    area,
    situation: Situation,
    title: str,
    notes: str = "",
    steps: list[dict],
    expected_version: int | None = None,
    is_demo: bool = False,
) -> ReferralPathway:
    """Create (``pathway`` None) or replace a referral pathway with its ordered
    steps: ``steps`` is a list of dict(kind, description, services=[Service]).
    The services of a step must be services of the same country."""
    if pathway is None:
        require(actor, ADD_PATHWAY)
        pathway = ReferralPathway()
    else:
        require(actor, CHANGE_PATHWAY, pathway)
    pathway.area, pathway.situation, pathway.title = area, situation, (title or "").strip()
    pathway.notes, pathway.is_demo = (notes or "").strip(), is_demo
    # Checked with the record: a focal point keeps their own country's pathways only.
    require(actor, ADD_PATHWAY if pathway.pk is None else CHANGE_PATHWAY, pathway)
    try:
        pathway.full_clean()
    except ValidationError as error:
        raise InvalidService.from_validation_error(error) from None
    if len(steps) > 20:
        raise _invalid("steps", _("A pathway has at most 20 steps."))
    built = []
    for order, row in enumerate(steps, start=1):
        step = ReferralStep(order=order, kind=row.get("kind", ""), description=(row.get("description") or "").strip())
        try:
            step.full_clean(exclude=["pathway", "services"])
        except ValidationError as error:
            name, problems = next(iter(error.error_dict.items()))
            raise _invalid("steps", _("Step %(n)d: %(field)s: %(problem)s")
                           % {"n": order, "field": name, "problem": " ".join(ValidationError(problems).messages)}
                           ) from None  # fmt: skip
        services = list(row.get("services") or [])
        for service in services:
            if service.area_id != area.pk:
                raise _invalid("steps", _("Step %(n)d: “%(service)s” is not a service of this country.")
                               % {"n": order, "service": service.name})  # fmt: skip
        built.append((step, services))
    pathway._history_user = actor
    with transaction.atomic():
        if pathway.pk is None:
            pathway.save()
        elif expected_version is None:
            raise _invalid("version", _("Send the version you read."))
        else:
            save_if_unchanged(pathway, expected_version)
        pathway.steps.all().delete()
        for step, services in built:
            step.pathway = pathway
            step._history_user = actor
            step.save()
            step.services.set(services)
    return pathway


def delete_pathway(actor, pathway: ReferralPathway, expected_version: int) -> None:
    require(actor, DELETE_PATHWAY, pathway)
    with transaction.atomic():
        stored_if_unchanged(pathway, expected_version)
        pathway._history_user = actor
        pathway.delete()


def pathway_steps(user, pathway: ReferralPathway) -> list[tuple[ReferralStep, list[Service]]]:
    """The steps in order, each with the services ``user`` may see."""
    visible = set(visible_services(user).filter(referral_steps__pathway=pathway).values_list("pk", flat=True))
    return [
        (step, [service for service in step.services.all() if service.pk in visible])
        for step in pathway.steps.prefetch_related("services").order_by("order")
    ]
