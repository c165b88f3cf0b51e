"""Web pages of the protection app: the public service directory (search,
map, service pages), referral pathways (pages, editor, cards in HTML and
PDF) and the protection-gap matrix of a country with its drill-down.

Every page reads through the same services and rules as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gcmhub import publishing
from gcmhub.actors.rules import is_focal_point, is_member
from gcmhub.indicators.views import spec_json
from gcmhub.errors import EditConflict, Forbidden, InvalidInput, NotFound
from gcmhub.geo.models import Area
from gcmhub.pagecache import public_page_cache
from gcmhub.protection import gaps, gaps_text, pathways
from gcmhub.protection.models import ReferralPathway, Service, Situation, StepKind
from gcmhub.protection.taxonomy import load_taxonomy

PER_PAGE = 20
HISTORY_SHOWN = 20
MAP_POINTS_MAX = 500
LANGUAGES = ("en", "fr", "es")
MAP_COLOUR = "#b2182b"
LAND_FILL = "#e3e3e3"


def _situation_choices() -> list[tuple[str, str]]:
    return [(s.code, s.title()) for s in Situation.objects.filter(is_current=True)]


def _type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.title()) for t in load_taxonomy().service_types]


def language_name(code: str) -> str:
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _directory_services(user):
    from gcmhub.protection.services import visible_services

    return visible_services(user).filter(state="active")


def filter_directory(queryset, *, area: str = "", place: str = "", situation: str = "", type: str = "", language: str = ""):
    """The directory's filters: country (ISO3), place (words in a location's
    name, address or administrative area), situation, type, language."""
    if area:
        queryset = queryset.filter(area__iso3=area.upper())
    if place:
        queryset = queryset.filter(
            Q(locations__admin_area__icontains=place)
            | Q(locations__address__icontains=place)
            | Q(locations__name__icontains=place)
        ).distinct()
    if situation:
        queryset = queryset.filter(situations__code=situation)
    if type:
        queryset = queryset.filter(service_type=type)
    if language:
        queryset = queryset.filter(languages__icontains=f'"{language}"')
    return queryset


def _country_m49(area_code: str) -> str:
    area = Area.objects.filter(iso3=area_code.upper()).first() if area_code else None
    return area.m49 if area is not None else ""


def directory_map_spec(points: list[dict], *, description: str, country_m49: str = "") -> dict:
    """Locations as points over the bundled Natural Earth topology (the
    explorer's and the progress maps' file), fitted to the country when one
    is chosen. ``points``: lon, lat, name, type, place, url."""
    from gcmhub.indicators.charts import SCHEMA
    from gcmhub.progress import maps

    topology = {"url": static(maps.TOPOLOGY_STATIC), "format": {"type": "topojson", "feature": "countries"}}
    land = {
        "data": topology,
        "mark": {"type": "geoshape", "fill": LAND_FILL, "stroke": "#ffffff", "strokeWidth": 0.5, "aria": False},
    }
    if country_m49:
        land["transform"] = [{"filter": f"datum.id === '{country_m49}'"}]
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": 380,
        "autosize": {"type": "fit", "contains": "padding"},
        "projection": {"type": "mercator" if country_m49 else "equalEarth"},
        "layer": [
            land,
            {
                "data": {"values": points},
                "mark": {"type": "circle", "size": 140, "color": MAP_COLOUR, "opacity": 0.85, "cursor": "pointer",
                         "stroke": "#ffffff", "strokeWidth": 1},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "description": {"field": "label", "type": "nominal"},
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": _("Service")},
                        {"field": "type", "type": "nominal", "title": _("Type of service")},
                        {"field": "place", "type": "nominal", "title": _("Place")},
                    ],
                },
            },
        ],
        "config": {"view": {"stroke": None}},
    }  # fmt: skip


def _map_points(services) -> list[dict]:
    points = []
    for service in services:
        for location in service.locations.all():
            if location.latitude is None or location.longitude is None:
                continue
            place = ", ".join(p for p in (location.name, location.admin_area) if p)
            points.append(
                {
                    "lon": location.longitude,
                    "lat": location.latitude,
                    "name": service.name,
                    "type": service.service_type_label(),
                    "place": place,
                    "url": service.get_absolute_url(),
                    "label": f"{service.name} — {place}" if place else service.name,
                }
            )
            if len(points) >= MAP_POINTS_MAX:
                return points
    return points


@public_page_cache
def directory(request):
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("area", "place", "situation", "type", "language")}
    services = filter_directory(_directory_services(request.user), **filters)
    services = services.select_related("provider", "area").prefetch_related("locations", "situations")
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    from gcmhub.protection.services import is_stale

    for service in page.object_list:
        service.stale_now = is_stale(service, timezone.localdate())
    points = _map_points(services[:MAP_POINTS_MAX])
    description = _(
        "Map of %(count)d service locations matching the search; each point is a place where a service is "
        "offered. The list below gives the same services."
    ) % {"count": len(points)}
    spec = directory_map_spec(points, description=description, country_m49=_country_m49(filters["area"]))
    # The choices come from what the public sees, so a draft never leaks through a filter's options.
    public = _directory_services(AnonymousUser())
    languages = sorted({code for languages in public.values_list("languages", flat=True) for code in (languages or ())})
    areas = Area.objects.filter(pk__in=public.values("area_id")).order_by("name_en")
    context = {
        "page": page,
        "filters": filters,
        "situation_choices": _situation_choices(),
        "type_choices": _type_choices(),
        "language_choices": [(code, language_name(code)) for code in languages],
        "area_choices": [(area.iso3, area.tr("name")) for area in areas],
        "spec_json": spec_json(spec),
        "map_description": description,
        "point_count": len(points),
        "today": timezone.localdate(),
        "can_add": request.user.has_perm("protection.add_service"),
        "can_import": request.user.has_perm("protection.import_services"),
        "pathway_count": ReferralPathway.objects.count(),
    }
    return render(request, "protection/directory.html", context)


def service_detail(request, pk: int):
    from gcmhub.protection.reminders import interval_days, reminder_log
    from gcmhub.protection.services import is_stale, may_see_staff_view, service_history

    service = (
        Service.objects.select_related("provider", "area").prefetch_related("locations", "situations").filter(pk=pk).first()
    )
    if service is None or not request.user.has_perm("protection.view_service", service):
        raise Http404(_("No such service."))
    today = timezone.localdate()
    staff_view = may_see_staff_view(request.user, service)
    pathways_here = ReferralPathway.objects.filter(steps__services=service).distinct().select_related("situation")
    context = {
        "service": service,
        "stale": is_stale(service, today),
        "languages": [language_name(code) for code in service.languages or ()],
        "referral_methods": service.referral_methods or [],
        "stages": [load_taxonomy().stage_label(code) for code in service.stages or ()],
        "pathways": pathways_here,
        "can_change": request.user.has_perm("protection.change_service", service),
        "staff_view": staff_view,
        "can_publish": request.user.has_perm("protection.publish_service", service),
        # Who was reminded when: for those who work on the service (its editors, reviewers).
        "reminders": reminder_log(service) if staff_view else [],
        "reminder_interval": interval_days(),
        "history": service_history(request.user, service)[:HISTORY_SHOWN],
    }
    return render(request, "protection/service_detail.html", context)


# --- the service form ------------------------------------------------------------------


def _service_form_page(request, service, form, locations, *, status=200, conflict=False, held=False):
    from gcmhub.actors.views import _last_editor

    context = {
        "service": service,
        "form": form,
        "locations": locations,
        "conflict": conflict,
        "changed_by": _last_editor(service) if conflict else None,
        "held_for_review": held,
    }
    return render(request, "protection/service_form.html", context, status=status)


def _save_service_form(request, service, *, held: bool = False):
    """Validate the form and its locations, then write through
    ``services.save_service`` (the API's write): 422 keeping what was typed,
    409 when someone saved since the form was opened, 403 out of scope."""
    from gcmhub.actors.views import forbidden
    from gcmhub.protection import services
    from gcmhub.protection.forms import LocationFormSet, ServiceForm, location_rows

    form = ServiceForm(request.POST, user=request.user)
    locations = LocationFormSet(request.POST, prefix="location")
    if not (form.is_valid() and locations.is_valid()):
        return _service_form_page(request, service, form, locations, status=422, held=held)
    try:
        saved, live = services.save_service(
            request.user, service, form.service_data(location_rows(locations)), form.cleaned_data["version"]
        )
    except services.ServiceForbidden as error:
        return forbidden(request, error.message)
    except EditConflict as error:
        form.add_service_error(error)
        return _service_form_page(request, service, form, locations, status=409, conflict=True, held=held)
    except InvalidInput as error:
        form.add_service_error(error)
        return _service_form_page(request, service, form, locations, status=422, held=held)
    if service is None:
        messages.success(request, _("Service saved as a draft. A reviewer publishes it."))
    elif not live:
        messages.success(request, _("Your change is waiting for review; the published version stays until then."))
    else:
        messages.success(request, _("Changes saved."))
    return redirect("protection:service", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    from gcmhub.actors.views import forbidden
    from gcmhub.protection.forms import LocationFormSet, ServiceForm

    if not request.user.has_perm("protection.add_service"):
        return forbidden(request)
    if request.method == "POST":
        return _save_service_form(request, None)
    initial = {"area": request.user.area.iso3 if is_focal_point(request.user) and request.user.area_id else ""}
    if is_member(request.user) and request.user.organization_id:
        initial["provider"] = request.user.organization_id
    form = ServiceForm(initial=initial, user=request.user)
    return _service_form_page(request, None, form, LocationFormSet(prefix="location"))


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, pk: int):
    from gcmhub.actors.views import forbidden
    from gcmhub.protection import services
    from gcmhub.protection.forms import LocationFormSet, ServiceForm

    try:
        service = services.get_visible_service(request.user, pk)
    except services.ServiceNotFound as error:
        raise Http404(error.message) from None
    if not request.user.has_perm(services.CHANGE, service):
        return forbidden(request)
    held = publishing.needs_review(request.user, service, services.PUBLISH)
    if request.method == "POST":
        return _save_service_form(request, service, held=held)
    data = services.editable_input(request.user, service)
    form = ServiceForm(initial=ServiceForm.initial_from(data, service.version), user=request.user)
    locations = LocationFormSet(initial=data.locations, prefix="location")
    return _service_form_page(request, service, form, locations, held=held)


@login_required
@require_http_methods(["POST"])
def service_review(request, pk: int):
    """A reviewer publishes (the draft, or the change waiting), withdraws or
    verifies a service; an editor or a reviewer discards the change waiting.
    Each with the version the page showed (someone else's save in between is refused)."""
    from gcmhub.actors.views import forbidden
    from gcmhub.protection import services

    try:
        service = services.get_visible_service(request.user, pk)
    except services.ServiceNotFound as error:
        raise Http404(error.message) from None
    steps = {
        "publish": (lambda v: services.publish_service(request.user, service, v), _("Published.")),
        "withdraw": (lambda v: services.publish_service(request.user, service, v, published=False),
                     _("Withdrawn from publication.")),
        "verify": (lambda v: services.verify_service(request.user, service, v),
                   _("Verified: the service is no longer stale.")),
        "discard": (lambda v: services.discard_service_change(request.user, service, v),
                    _("The change waiting for review was discarded.")),
    }  # fmt: skip
    step = steps.get(request.POST.get("action", ""))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        step = None
    if step is None:
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("protection:service", pk=pk)
    run, done = step
    try:
        run(version)
    except Forbidden as error:
        return forbidden(request, error.message)
    except (EditConflict, InvalidInput) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("protection:service", pk=pk)


# --- HSDS imports from the web ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def service_import(request):
    """Upload an HSDS file (administrators; focal points for their country):
    it is imported in the background by the command line's importer."""
    from gcmhub.actors.views import _form_status, forbidden
    from gcmhub.protection import imports
    from gcmhub.protection.forms import ServiceImportForm

    if not request.user.has_perm(imports.IMPORT):
        return forbidden(request)
    form = ServiceImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            record = imports.submit_import(
                request.user, values["format"], values["file"], area=values["area"] or None,
                dry_run=values["dry_run"], draft=values["draft"], default_type=values["type"],
            )  # fmt: skip
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The file was received; it is imported in the background."))
            return redirect("protection:service-import-detail", pk=record.pk)
    context = {"form": form, "recent": imports.visible_imports(request.user)[:PER_PAGE]}
    return render(request, "protection/service_import.html", context, status=_form_status(form))


@login_required
def service_import_detail(request, pk: int):
    from gcmhub.protection import imports

    try:
        record = imports.get_import(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None
    from gcmhub import workers

    context = {"record": record, "no_worker": not record.is_finished and not workers.seen_recently()}
    return render(request, "protection/service_import_detail.html", context)


# --- referral pathways ----------------------------------------------------------------


@public_page_cache
def pathway_list(request):
    area = request.GET.get("area", "").strip()[:3]
    situation = request.GET.get("situation", "").strip()[:64]
    queryset = pathways.filter_pathways(pathways.visible_pathways(request.user), area=area, situation=situation)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    areas = Area.objects.filter(referral_pathways__isnull=False).distinct().order_by("name_en")
    context = {
        "page": page,
        "filters": {"area": area, "situation": situation},
        "situation_choices": _situation_choices(),
        "area_choices": [(a.iso3, a.tr("name")) for a in areas],
        "can_add": request.user.has_perm("protection.add_referralpathway"),
    }
    return render(request, "protection/pathway_list.html", context)


def _pathway_or_404(request, pk):
    try:
        return pathways.get_pathway(request.user, pk)
    except NotFound as error:
        raise Http404(str(error)) from error


def _steps_for(request, pathway):
    return [(step, pathways.step_services(request.user, step)) for step in pathway.steps.all()]


def pathway_detail(request, pk: int):
    from gcmhub.actors.history import history_of

    pathway = _pathway_or_404(request, pk)
    context = {
        "pathway": pathway,
        "steps": _steps_for(request, pathway),
        "history": history_of(pathway, reader=request.user)[:20],
        "can_change": request.user.has_perm("protection.change_referralpathway", pathway),
        "card_languages": LANGUAGES,
    }
    return render(request, "protection/pathway_detail.html", context)


def _card_language(request) -> str:
    language = request.GET.get("lang", "") or get_language() or "en"
    return language if language in LANGUAGES else "en"


def pathway_card(request, pk: int):
    pathway = _pathway_or_404(request, pk)
    language = _card_language(request)
    card = pathways.card_for(request.user, pathway, language, url=request.build_absolute_uri(request.path))
    context = {"card": card, "pathway": pathway, "card_language": language, "card_languages": LANGUAGES}
    return render(request, "protection/card.html", context)


def pathway_card_pdf(request, pk: int):
    from gcmhub.protection.cards import render_card_pdf

    pathway = _pathway_or_404(request, pk)
    language = _card_language(request)
    card_url = request.build_absolute_uri(request.path.removesuffix("card.pdf") + "card/")
    card = pathways.card_for(request.user, pathway, language, url=card_url)
    response = HttpResponse(render_card_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="referral-card-{pathway.pk}-{language}.pdf"'
    return response


MAX_EDITOR_ROWS = pathways.MAX_STEPS


def _steps_from_post(post) -> list[pathways.StepInput]:
    steps = []
    for row in range(1, MAX_EDITOR_ROWS + 1):
        kind = post.get(f"step-{row}-kind", "").strip()
        description = post.get(f"step-{row}-description", "").strip()
        services = post.getlist(f"step-{row}-services")
        if not kind or (not description and not services):
            continue
        try:
            ids = [int(value) for value in services]
        except ValueError as error:
            raise InvalidInput(_("Choose services from the list."), field=f"steps[{row}].services") from error
        steps.append(pathways.StepInput(kind=kind, description=description, services=ids))
    return steps


def _editor_rows(pathway, post=None) -> list[dict]:
    rows = []
    if post is not None:
        for row in range(1, MAX_EDITOR_ROWS + 1):
            rows.append(
                {
                    "number": row,
                    "kind": post.get(f"step-{row}-kind", ""),
                    "description": post.get(f"step-{row}-description", ""),
                    "services": {value for value in post.getlist(f"step-{row}-services")},
                }
            )
    else:
        existing = list(pathway.steps.all()) if pathway is not None and pathway.pk else []
        for row in range(1, max(len(existing) + 2, 3) + 1):
            step = existing[row - 1] if row <= len(existing) else None
            rows.append(
                {
                    "number": row,
                    "kind": step.kind if step else "",
                    "description": step.description if step else "",
                    "services": {str(s.pk) for s in step.services.all()} if step else set(),
                }
            )
    # Keep the filled rows and two empty ones (at least three rows).
    last = max((row["number"] for row in rows if row["kind"] or row["description"] or row["services"]), default=0)
    rows = rows[: max(last + 2, 3)]
    return rows[:MAX_EDITOR_ROWS]


@require_http_methods(["GET", "POST"])
def pathway_edit(request, pk: int | None = None):
    from gcmhub.protection.services import visible_services

    pathway = _pathway_or_404(request, pk) if pk else None
    user = request.user
    if pathway is not None:
        allowed = user.has_perm("protection.change_referralpathway", pathway)
        area = pathway.area
    else:
        allowed = user.has_perm("protection.add_referralpathway")
        area = None
        if allowed and not user.is_superuser and getattr(user, "area_id", None):
            area = user.area
    if not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not allowed:
        raise Http404(_("No such referral pathway."))
    area_code = request.POST.get("area") or request.GET.get("area") or ""
    if pathway is None and area_code:
        area = Area.objects.filter(iso3=area_code.upper(), kind=Area.Kind.COUNTRY).first() or area
    error = None
    if request.method == "POST":
        data = pathways.PathwayInput(
            title=request.POST.get("title", ""), notes=request.POST.get("notes", ""), steps=[]
        )
        try:
            data.steps = _steps_from_post(request.POST)
            if pathway is None:
                situation = Situation.objects.filter(code=request.POST.get("situation", "")).first()
                if area is None:
                    raise InvalidInput(_("Choose the country."), field="area")
                if situation is None:
                    raise InvalidInput(_("Choose the situation."), field="situation")
                pathway = pathways.create_pathway(user, area=area, situation=situation, data=data)
            else:
                try:
                    version = int(request.POST.get("version", ""))
                except ValueError as exc:
                    raise InvalidInput(_("The form is incomplete: reload the page."), field="version") from exc
                pathways.edit_pathway(user, pathway, data, version)
            messages.success(request, _("The referral pathway was saved."))
            return redirect("protection:pathway", pk=pathway.pk)
        except (InvalidInput, EditConflict, Forbidden) as exc:
            error = exc
            if pathway is not None and pathway.pk:
                pathway = _pathway_or_404(request, pathway.pk)
    services = []
    if area is not None:
        services = list(visible_services(user).filter(area=area, state="active").order_by("service_type", "name"))
    context = {
        "pathway": pathway,
        "area": area,
        "areas": Area.objects.filter(kind=Area.Kind.COUNTRY).order_by("name_en") if user.is_superuser else [],
        "rows": _editor_rows(pathway, request.POST if request.method == "POST" else None),
        "kinds": StepKind.choices,
        "services": services,
        "situation_choices": _situation_choices(),
        "error": error,
        "form_title": request.POST.get("title", pathway.title if pathway else ""),
        "form_notes": request.POST.get("notes", pathway.notes if pathway else ""),
        "form_situation": request.POST.get("situation", request.GET.get("situation", "")),
        "is_conflict": isinstance(error, EditConflict),
    }
    return render(request, "protection/pathway_edit.html", context, status=409 if isinstance(error, EditConflict) else 200)


# --- the gap matrix ------------------------------------------------------------------


def _country_or_404(iso3: str) -> Area:
    area = Area.objects.filter(iso3=iso3.upper(), kind=Area.Kind.COUNTRY).first()
    if area is None:
        raise Http404(_("No such country."))
    return area


def _titles() -> dict[str, str]:
    return {s.code: s.title() for s in Situation.objects.all()}


def gap_matrix(request, iso3: str):
    from gcmhub.protection.gaps_service import country_matrix

    area = _country_or_404(iso3)
    matrix = country_matrix(area)
    titles = _titles()
    rows = [
        {
            "code": code,
            "title": titles.get(code, code),
            "cells": [
                {
                    "cell": cell,
                    "label": gaps_text.STATUS_LABELS[cell.status],
                    "symbol": gaps_text.STATUS_SYMBOLS[cell.status],
                    "counts": cell.counts(),
                    "harm": len(cell.harm),
                }
                for cell in matrix.row(code)
            ],
        }
        for code in matrix.situations
    ]
    context = {
        "area": area,
        "matrix": matrix,
        "rows": rows,
        "stages": [(stage, gaps_text.STAGE_LABELS[stage]) for stage in matrix.stages],
        "legend": [(s, gaps_text.STATUS_LABELS[s], gaps_text.STATUS_SYMBOLS[s], matrix.totals.get(s, 0)) for s in gaps.STATUSES],
        "rules": [gaps_text.RULE_LABELS[r] for r in (gaps.RULE_GAP, gaps.RULE_WEAK, gaps.RULE_COVERED, gaps.RULE_NO_EVIDENCE, gaps.RULE_NOT_APPLICABLE)],
        "has_demo": Service.objects.filter(area=area, is_demo=True).exists(),
    }  # fmt: skip
    return render(request, "protection/gaps.html", context)


def gap_cell(request, iso3: str, situation: str, stage: str):
    from gcmhub.protection.gaps_service import country_matrix

    area = _country_or_404(iso3)
    matrix = country_matrix(area)
    try:
        cell = matrix.cell(situation, stage)
    except KeyError as error:
        raise Http404(_("No such cell.")) from error
    context = {
        "area": area,
        "cell": cell,
        "situation_title": _titles().get(situation, situation),
        "stage_label": gaps_text.STAGE_LABELS[stage],
        "status_label": gaps_text.STATUS_LABELS[cell.status],
        "symbol": gaps_text.STATUS_SYMBOLS[cell.status],
        "rule": gaps_text.RULE_LABELS[cell.rule],
        "measures": [
            {
                "measure": measure,
                "kind": gaps_text.KIND_LABELS[measure.kind],
                "standing": gaps_text.STANDING_LABELS[standing],
                "standing_code": standing,
                "problems": gaps_text.problems_text(measure.problems),
            }
            for measure, standing in cell.measures
        ],
        "evidence": [{"item": item, "text": gaps_text.evidence_sentence(item)} for item in cell.evidence],
        "explanation": gaps_text.explain(cell),
        "method_version": matrix.method_version,
    }
    return render(request, "protection/gap_cell.html", context)
