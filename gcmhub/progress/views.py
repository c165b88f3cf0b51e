"""Progress pages: the overview, a country's scorecard, an objective across
countries (with its world map) and "where we are not doing well".

Every status is shown in words with a symbol and a colour-blind-safe
colour; every country cell explains how it was computed; every map has a
table saying the same thing. All pages read stored results only.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from gcmhub.errors import GcmHubError, NotFound
from gcmhub.framework import services as framework_services
from gcmhub.geo import services as geo_services
from gcmhub.geo.models import Area
from gcmhub.i18n import localized
from gcmhub.pagecache import public_page_cache

from . import defaults, maps, presentation, scorecards
from .rollups import OPEN_SDG_BANDS
from .sections import country_key


def _method(request) -> str:
    method = (request.GET.get("method") or "").strip().lower()
    return method if method in defaults.STORED_METHODS else defaults.DEFAULT_METHOD


def _methods() -> list[tuple[str, str]]:
    return [(name, str(presentation.METHOD_LABELS[name])) for name in defaults.STORED_METHODS]


def _country(key: str) -> Area:
    try:
        return geo_services.get_country(key)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _is_focal_point_of(user, area: Area) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "role", "") == "focal-point"
        and user.area_id == area.pk
    )


def _own_country(user) -> Area | None:
    if user.is_authenticated and getattr(user, "role", "") == "focal-point" and user.area_id:
        return user.area
    return None


def _spec_json(spec: dict) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026"))  # noqa: S308


def _bands() -> list[tuple[str, str]]:
    """The Open SDG bands, for the "how was this computed?" text."""
    from django.utils.formats import number_format

    def shown(lower: float) -> str:
        lower = max(lower, -5.0)
        return number_format(int(lower) if lower.is_integer() else lower, use_l10n=True).replace("-", "−")

    return [(shown(lower), str(presentation.status_style(status).label)) for lower, status in OPEN_SDG_BANDS]


@require_safe
def index(request):
    if request.GET.get("country"):
        try:
            area = geo_services.get_country(request.GET["country"])
        except NotFound:
            pass
        else:
            return redirect("progress:country-scorecard", key=country_key(area))
    method = _method(request)
    rows = scorecards.overview(method)
    context = {
        "method": method,
        "methods": _methods(),
        "rows": rows,
        "countries": geo_services.sort_by_name(Area.objects.countries()),
        "own_country": _own_country(request.user),
        "country_count": Area.objects.countries().count(),
    }
    return render(request, "progress/index.html", context)


@require_safe
@public_page_cache
def country_scorecard(request, key: str):
    area = _country(key)
    canonical = country_key(area)
    if key != canonical:
        return redirect(reverse("progress:country-scorecard", args=[canonical]) + _query(request), permanent=True)
    method = _method(request)
    card = scorecards.country_scorecard(area, method)
    keys = {
        d.dimension_key
        for o in card.objectives
        for link in o.links + o.context
        for u in link.units
        for d in u.disaggregations
    }
    keys |= {t.target.dimension_key for t, _r in card.timelines}
    context = {
        "area": area,
        "card": card,
        "method": method,
        "methods": _methods(),
        "bands": _bands(),
        "labels": scorecards.dimension_labels(keys),
        "is_focal_point": _is_focal_point_of(request.user, area),
        "today": timezone.localdate(),
    }
    return render(request, "progress/country.html", context)


@require_safe
def not_doing_well(request, key: str):
    area = _country(key)
    canonical = country_key(area)
    if key != canonical:
        return redirect(reverse("progress:not-doing-well", args=[canonical]) + _query(request), permanent=True)
    method = _method(request)
    report = scorecards.not_doing_well(area, method)
    context = {
        "area": area,
        "report": report,
        "method": method,
        "methods": _methods(),
        "labels": scorecards.dimension_labels({c.dimension_key for c in report.concerns}),
        "is_focal_point": _is_focal_point_of(request.user, area),
    }
    return render(request, "progress/not_doing_well.html", context)


def _query(request) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


def _objective(number: int):
    try:
        return framework_services.get_objective(number)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _region(request) -> Area | None:
    code = (request.GET.get("region") or "").strip()
    if not code:
        return None
    try:
        return geo_services.container(code)
    except GcmHubError:
        return None


def _map_spec(card, *, inline: bool = False) -> dict:
    from django.templatetags.static import static

    rows = [
        {
            "m49": row.area.m49,
            "name": localized(row.area, "name"),
            "status": row.rollup.status,
            "label": presentation.status_style(row.rollup.status).label,
            "score": row.rollup.score,
        }
        for row in card.rows
        if row.rollup.total and row.rollup.is_assessed
    ]
    objective_title = localized(card.objective, "short_title")
    description = _(
        "Map of countries coloured by their status on objective %(number)s (%(title)s); "
        "the table below gives the same information."
    ) % {
        "number": card.objective.number,
        "title": objective_title,
    }
    return maps.status_map_spec(
        rows,
        description=description,
        legend_title=_("Status"),
        no_data_label=_("No data"),
        topology_url=None if inline else static(maps.TOPOLOGY_STATIC),
    )


@require_safe
def objective(request, number: int):
    found = _objective(number)
    method = _method(request)
    region = _region(request)
    card = scorecards.objective_scorecard(found, method, region=region)
    spec = _map_spec(card)
    query = request.GET.copy()
    table = _country_table(request, card)
    context = {
        "table": table,
        "objective": found,
        "card": card,
        "method": method,
        "methods": _methods(),
        "region": region,
        "region_code": region.m49 if region else "",
        "region_choices": geo_services.filter_choices(),
        "bad_region": bool(request.GET.get("region")) and region is None,
        "spec_json": _spec_json(spec),
        "map_svg_url": reverse("progress:objective-map", args=[number]) + (f"?{query.urlencode()}" if query else ""),
        "bands": _bands(),
    }
    return render(request, "progress/objective.html", context)


# Rows per page of an objective's country table, and how it can be ordered.
COUNTRY_ROWS_PER_PAGE = 50
ORDER_LABELS = {
    "name": gettext_lazy("Name"),
    "score": gettext_lazy("Score, lowest first"),
    "-score": gettext_lazy("Score, highest first"),
    "coverage": gettext_lazy("Coverage, best first"),
}


def _country_table(request, card) -> dict:
    """The country table of an objective page: filtered, ordered, one page of it."""
    status = request.GET.get("status", "")
    if status not in presentation.STATUS_STYLES:
        status = ""
    order = request.GET.get("order", "")
    if order not in scorecards.COUNTRY_ROW_ORDERS:
        order = scorecards.COUNTRY_ROW_ORDERS[0]
    include_without_data = request.GET.get("all") == "1"
    rows = scorecards.select_country_rows(
        card.rows, status=status, include_without_data=include_without_data, order=order
    )
    page = Paginator(rows, COUNTRY_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    without_data = sum(1 for row in card.rows if not row.has_data)
    return {
        "page": page,
        "status": status,
        "order": order,
        "include_without_data": include_without_data,
        "without_data": without_data,
        "statuses": [(code, presentation.status_style(code).label) for code in presentation.STATUS_STYLES],
        "orders": [(code, ORDER_LABELS[code]) for code in scorecards.COUNTRY_ROW_ORDERS],
    }


@require_safe
@cache_control(max_age=300)
def objective_map(request, number: int):
    """The objective's world map as an SVG image (no JavaScript needed)."""
    found = _objective(number)
    card = scorecards.objective_scorecard(found, _method(request), region=_region(request))
    svg = maps.render_svg(_map_spec(card, inline=True))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="objective-{number}-progress.svg"'
    return response
