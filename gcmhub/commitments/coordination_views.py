"""The coordination page of a country: who does what (a heat table), gaps,
likely overlaps side by side, request × offer matches, and the stakeholder
map — computed over the commitments the reader may see, with the buttons
each reader may use (confirm a match for a side, decide on an overlap)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gcmhub.actors.models import Organization
from gcmhub.commitments import coordination as co
from gcmhub.commitments import coordination_data, coordination_services, coordination_text
from gcmhub.commitments.flags import FLAG_LABELS
from gcmhub.commitments.models import Commitment
from gcmhub.errors import GcmHubError, NotFound
from gcmhub.geo import services as geo_services
from gcmhub.geo.models import Area
from gcmhub.progress import defaults

STATUS_LABELS = dict(Commitment.Status.choices)
KIND_LABELS = dict(Commitment.Kind.choices)
ORGANIZATION_KINDS = dict(Organization.Kind.choices)


def _country(key: str) -> Area:
    try:
        return geo_services.get_country(key)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _url(name: str, *args, query: str = "") -> str | None:
    """A page of another part of the site, if it is installed."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _method(request) -> str:
    method = (request.GET.get("method") or "").strip().lower()
    return method if method in defaults.STORED_METHODS else defaults.DEFAULT_METHOD


def _commitment_view(row: co.CommitmentRow, data: co.CoordinationInput) -> dict:
    organization = data.organizations.get(row.owner_id)
    place = data.places.get(row.area_id)
    return {
        "row": row,
        "url": _url("commitments:detail", row.id),
        "kind": KIND_LABELS.get(row.kind, row.kind),
        "status": STATUS_LABELS.get(row.status, row.status),
        "owner": organization.name if organization and organization.name else _("An organisation not public"),
        "place": place.name if place else "",
        "form": coordination_text.form_label(row.form_of_support) if row.form_of_support else "",
    }


def _matrix_rows(matrix: co.Matrix, area: Area) -> list[dict]:
    rows = []
    for row in matrix.rows:
        cells = []
        for cell in row.cells:
            query = f"?area={area.iso3}&organization={row.organization.id}&{matrix.by}={cell.key}"
            cells.append(
                {
                    "cell": cell,
                    "level": co.heat_level(cell.count, matrix.max_count),
                    "url": _url("commitments:list", query=query) if cell.count else None,
                    "statuses": [(STATUS_LABELS[s], n) for s, n in cell.statuses.items()],
                }
            )
        rows.append(
            {
                "row": row,
                "name": row.organization.name or _("An organisation not public"),
                "kind": ORGANIZATION_KINDS.get(row.organization.kind, ""),
                "cells": cells,
                "statuses": [(STATUS_LABELS[s], n) for s, n in row.statuses.items()],
                "flags": [(FLAG_LABELS.get(flag, flag), n) for flag, n in row.flags.items()],
            }
        )
    return rows


def _gap_groups(gaps: list[co.Gap], by_id: dict, data: co.CoordinationInput) -> list[dict]:
    groups = []
    for kind in co.GAP_KINDS:
        items = [g for g in gaps if g.kind == kind]
        if items:
            groups.append(
                {
                    "kind": kind,
                    "label": coordination_text.gap_label(kind),
                    "items": [
                        {
                            "gap": gap,
                            "commitment": (
                                _commitment_view(by_id[gap.commitment_id], data) if gap.commitment_id else None
                            ),
                            "concerns": [(c, coordination_text.concern_label(c.status)) for c in gap.concerns],
                        }
                        for gap in items
                    ],
                }
            )
    return groups


def _match_views(reader, matches: list[co.Match], by_id: dict, data: co.CoordinationInput) -> list[dict]:
    may_act = {}

    def acts_for(pk: int) -> bool:
        if pk not in may_act:
            commitment = Commitment.objects.filter(pk=pk).first()
            may_act[pk] = bool(
                commitment and reader.is_authenticated and coordination_services.may_act_for(reader, commitment)
            )
        return may_act[pk]

    views = []
    for match in matches:
        if match.state == "declared":  # the offer's own declaration: nothing to confirm
            views.append({"match": match, "request": _commitment_view(by_id[match.request_id], data),
                          "offer": _commitment_view(by_id[match.offer_id], data),
                          "reasons": [coordination_text.reason_text(r) for r in match.reasons]})  # fmt: skip
            continue
        views.append(
            {
                "match": match,
                "request": _commitment_view(by_id[match.request_id], data),
                "offer": _commitment_view(by_id[match.offer_id], data),
                "reasons": [coordination_text.reason_text(r) for r in match.reasons],
                "can_request": acts_for(match.request_id) and not match.request_confirmed,
                "can_offer": acts_for(match.offer_id) and not match.offer_confirmed,
                "can_decline": acts_for(match.request_id) or acts_for(match.offer_id),
            }
        )
    return views


@require_safe
def coordination_page(request, key: str):
    area = _country(key)
    if key != area.iso3:
        return redirect("coordination:country", key=area.iso3)
    by = "action" if request.GET.get("by") == "action" else "objective"
    method = _method(request)
    data = coordination_data.load(request.user, area, method=method)
    result = co.coordinate(data, by=by)
    by_id = {row.id: row for row in data.commitments + data.elsewhere}
    may_coordinate = request.user.is_authenticated and request.user.has_perm("commitments.coordinate_area", area)
    context = {
        "area": area,
        "by": by,
        "method": method,
        "data": data,
        "matrix": result.matrix,
        "matrix_rows": _matrix_rows(result.matrix, area),
        "objective_titles": {o.number: o.title for o in data.objectives},
        "gap_groups": _gap_groups(result.gaps, by_id, data),
        "gap_count": len(result.gaps),
        "overlaps": [
            {
                "overlap": o,
                "first": _commitment_view(by_id[o.first_id], data),
                "second": _commitment_view(by_id[o.second_id], data),
            }
            for o in result.overlaps
        ],
        "matches": _match_views(request.user, result.matches, by_id, data),
        "stakeholders": [
            {"group": g, "label": ORGANIZATION_KINDS.get(g.kind, _("Not public")), "stakeholders": [
                {"s": s, "name": s.organization.name or _("An organisation not public")} for s in g.stakeholders]}
            for g in result.stakeholders
        ],  # fmt: skip
        "may_coordinate": may_coordinate,
        "has_demo": any(row.is_demo for row in data.commitments),
        "threshold": f"{co.OVERLAP_THRESHOLD:g}",
        "country_url": _url("geo:country", area.iso3),
        "protection_gaps": coordination_data.protection_gaps(area),
    }
    return render(request, "commitments/coordination.html", context)


def _back(area: Area, anchor: str):
    return redirect(reverse("coordination:country", args=[area.iso3]) + anchor)


def _require_sign_in(request):
    if not request.user.is_authenticated:
        raise Http404(_("Sign in to act on the coordination page."))


@require_POST
def overlap_decision(request, key: str):
    area = _country(key)
    _require_sign_in(request)
    try:
        if request.POST.get("decision") == "withdraw":
            coordination_services.withdraw_overlap_decision(
                request.user, request.POST.get("first"), request.POST.get("second")
            )
            messages.success(request, _("The decision was withdrawn."))
        else:
            coordination_services.decide_overlap(
                request.user, request.POST.get("first"), request.POST.get("second"),
                request.POST.get("decision", ""), request.POST.get("note", "")[:2000],
            )  # fmt: skip
            messages.success(request, _("Your decision was recorded."))
    except GcmHubError as error:
        messages.error(request, error.message)
    return _back(area, "#overlaps")


@require_POST
def match_action(request, key: str):
    area = _country(key)
    _require_sign_in(request)
    action, side = request.POST.get("action"), request.POST.get("side", "")
    try:
        match_id = request.POST.get("match")
        if match_id:
            match = coordination_services.get_visible_match(request.user, match_id)
            version = int(request.POST.get("version") or 0)
            if action == "decline":
                coordination_services.decline_match(request.user, match, side, version)
            else:
                coordination_services.confirm_match(request.user, match, side, version)
        else:  # a suggestion nobody acted on yet: store it first
            declining = action == "decline"
            match, _created = coordination_services.propose_match(
                request.user, request.POST.get("request"), request.POST.get("offer"),
                side=None if declining else (side or None),
            )  # fmt: skip
            if declining:
                coordination_services.decline_match(request.user, match, side, match.version)
        messages.success(request, _("The match was updated."))
    except (GcmHubError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("The request could not be read.")))
    return _back(area, "#matches")



def coordination_section(area: Area):
    """The country page's link here, once the country has a published commitment
    (the country page is the same for every reader, so it counts what the public sees)."""
    from gcmhub.geo.sections import CountrySection

    if area.pk is None or not area.iso3:  # an unsaved area has no commitments
        return None
    if not Commitment.objects.filter(area=area, is_published=True).exists():
        return None
    return CountrySection(
        title=_("Coordination"),
        url=reverse("coordination:country", args=[area.iso3]),
        summary=_("Who does what, gaps, likely overlaps, and offers that fit the requests for support."),
    )


def register_country_section() -> None:
    from gcmhub.geo.sections import register_country_section as register

    register("coordination", coordination_section, order=11)
