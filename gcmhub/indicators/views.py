"""Indicator pages: the catalogue, one indicator with its chart and table,
chart images, and the upload of data files with a live import report.

Reading goes through ``presenters`` (read-only queries); the import is
started through ``services``/``tasks`` like the API and the CLI, so the
permission rules and the validation are the same everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from gcmhub import workers
from gcmhub.actors.rules import is_admin
from gcmhub.errors import Forbidden, GcmHubError, InvalidInput, NotFound
from gcmhub.framework.models import Objective
from gcmhub.geo.models import Area
from gcmhub.i18n import current_language, localized
from gcmhub.pagecache import public_page_cache

from . import attributes, charts, presenters, services
from .models import ImportBatch, Indicator, Series
from .panels import indicator_panels
from .scales import scale_of

# --- catalogue ---------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    objective = forms.TypedChoiceField(label=gettext_lazy("Objective"), required=False, coerce=int, empty_value=None)
    area = forms.CharField(
        label=gettext_lazy("Country or area (name, ISO3 or M49 code)"), required=False, max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("code, name or series"))
        self.fields["objective"].choices = [("", _("All objectives"))] + [
            (o.number, f"{o.number}. {localized(o, 'title')}") for o in Objective.objects.order_by("number")
        ]

    def clean_area(self):
        """A code (``KEN``, ``404``) or a name in any language (``Kenia``)."""
        from gcmhub.geo.resolver import resolve_area

        text = self.cleaned_data["area"].strip()
        if not text:
            return None
        try:
            if len(text) <= 3 and text.isalnum():
                return services.find_area(text)
            return resolve_area(text)
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from None


@require_safe
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    objective = query = area = None
    if form.is_bound:
        form.is_valid()  # a field in error is left out; the others still filter
        objective = form.cleaned_data.get("objective")
        query = (form.cleaned_data.get("q") or "").strip()
        area = form.cleaned_data.get("area")
    entries = presenters.catalogue(objective=objective, query=query or "", area=area)
    context = {
        "form": form,
        "entries": entries,
        "filtered": bool(objective or query or area),
        "selected_area": area,
        "unknown_area": request.GET.get("area", "").strip()[:100] if form.is_bound and "area" in form.errors else "",
        "sources": presenters.catalogue_sources(),
        "can_import": request.user.has_perm("indicators.import_data"),
    }
    return render(request, "indicators/catalogue.html", context)


# --- one indicator -----------------------------------------------------------------


@dataclass
class PageState:
    """Everything the indicator page, its chart image and its table need,
    worked out once from the URL."""

    indicator: Indicator | None
    series_list: list[Series]
    series: Series
    filters: list[presenters.DimensionFilter]
    compare: str
    variants: list[presenters.Variant]
    all_areas: list[Area]
    areas: list[Area]
    rows: list
    truncated: bool
    lines: list[charts.Line]
    spec: dict
    messages: list[str] = field(default_factory=list)
    # One spec per chart: two when the lines differ too much in size for one axis.
    specs: list[dict] = field(default_factory=list)
    cut: bool = False  # more lines than colours: the chart leaves some out

    @property
    def title(self) -> str:
        if self.indicator is not None:
            return f"{self.indicator.code} {localized(self.indicator, 'name')}"
        return f"{self.series.code} {presenters.series_name(self.series)}".strip()

    @property
    def unit(self) -> str:
        return presenters.series_unit_label(self.series, self.series.unit or (self.indicator.unit if self.indicator else ""))


def _area_label(area: Area) -> str:
    return localized(area, "name")


def _page_state(request, code: str, *, language: str | None = None, width="container") -> PageState:
    indicator, series_list = presenters.series_for_page(code)
    if indicator is None and not series_list:
        raise Http404(_("No indicator or series “%(code)s”.") % {"code": code})
    if not series_list:
        raise _NoData(indicator)
    wanted = request.GET.get("series", "")
    series = next((s for s in series_list if s.code == wanted), None) or presenters.main_series(series_list)
    messages: list[str] = []
    filters = presenters.dimension_filters(series, {key: value for key, value in request.GET.items()})
    compare = request.GET.get("compare", "")
    if compare not in {f.code for f in filters}:
        compare = ""
    for item in filters:
        if item.selected == presenters.COMPARE_ALL and item.code != compare:
            item.selected = "_T" if item.has_total else item.values[0][0]
    variants = presenters.variants(filters, compare or None)
    keys = [v.key for v in variants]
    all_areas = presenters.areas_with_data(series)
    by_key = {}
    for area in all_areas:
        by_key[area.m49] = area
        if area.iso3:
            by_key[area.iso3] = area
    areas = []
    for raw in request.GET.getlist("area"):
        area = by_key.get(raw.strip().upper()) or by_key.get(raw.strip().zfill(3))
        if area is None:
            messages.append(_("There is no data for “%(code)s” in this series.") % {"code": raw[:20]})
        elif area not in areas:
            areas.append(area)
    if len(areas) > presenters.MAX_CHART_AREAS:
        messages.append(
            _("Choose at most %(count)d countries or areas; the first %(count)d are shown.")
            % {"count": presenters.MAX_CHART_AREAS}
        )
        areas = areas[: presenters.MAX_CHART_AREAS]
    if not areas:
        areas = presenters.default_areas(series, keys, user=request.user)
    found = list(presenters.observations(series, areas, keys)[: presenters.MAX_TABLE_ROWS + 1])
    truncated = len(found) > presenters.MAX_TABLE_ROWS
    found = found[: presenters.MAX_TABLE_ROWS]
    labels = {v.key: v.label for v in variants}
    points: dict[tuple[int, str], list] = {}
    for obs in found:
        points.setdefault((obs.area_id, obs.dimension_key), []).append((obs.period, obs.value))
    lines = []
    for area in areas:
        for variant in variants:
            if (area.pk, variant.key) not in points:
                continue
            name = _area_label(area)
            label = name
            if compare:
                label = variant.label if len(areas) == 1 else f"{name} · {variant.label}"
            lines.append(charts.Line(label, points[(area.pk, variant.key)], area=name, variant=variant.label))
    single_period = len({period for line in lines for period, value in line.points if value is not None}) <= 1
    cut = len(lines) > charts.MAX_LINES and not (single_period and compare)
    if cut:
        messages.append(
            _("The chart shows the first %(count)d lines; the table lists them all.") % {"count": charts.MAX_LINES}
        )
    scale = scale_of(series.code)
    for obs in found:
        obs.variant_label = labels.get(obs.dimension_key) or presenters.describe_key(obs.dimension_key, filters)
        obs.value_text = presenters.series_value_text(series, obs.value, scale)
        obs.unit_text = scale.unit if scale else presenters.unit_label(obs.unit or series.unit)
        obs.status_text = attributes.obs_status_text(obs.obs_status)
        obs.nature_text = attributes.nature_text(obs.nature)
        obs.footnote_text = attributes.footnote_text(obs.footnote)
    state = PageState(
        indicator=indicator, series_list=series_list, series=series, filters=filters, compare=compare,
        variants=variants, all_areas=all_areas, areas=areas, rows=found, truncated=truncated, lines=lines,
        spec={}, messages=messages, cut=cut,
    )  # fmt: skip
    groups = charts.split_by_magnitude(lines)
    state.specs = [_spec(state, language or current_language(), width, group) for group in groups]
    state.spec = state.specs[0]
    if len(groups) > 1:
        state.messages.append(
            _("The values differ too much in size for one axis, so they are drawn as %(count)d charts.")
            % {"count": len(groups)}
        )
    return state


def chart_description(state: PageState, lines: list[charts.Line]) -> str:
    """What a chart of ``lines`` shows, in words (its text alternative)."""
    selection = "; ".join(
        f"{f.label}: {dict(f.choices).get(f.selected, f.selected)}"
        for f in state.filters
        if f.code != state.compare
    )
    names = ", ".join(dict.fromkeys(line.area or line.label for line in lines))
    description = _("Chart of %(series)s for %(areas)s.") % {"series": state.series.code, "areas": names}
    if selection:
        description += " " + selection + "."
    compared = next((f for f in state.filters if f.code == state.compare), None)
    if compared is not None:
        description += " " + _("Compared by %(dimension)s.") % {"dimension": compared.label}
    description += " " + _("The same data are in the table below the chart.")
    return description


def _spec(state: PageState, language: str, width, lines: list[charts.Line] | None = None) -> dict:
    lines = state.lines if lines is None else lines
    unit = state.unit
    title = state.title if len(state.title) < 140 else state.title[:137] + "…"
    description = chart_description(state, lines)
    spec = charts.line_chart_spec(
        lines,
        title=f"{title} ({state.series.code})" if state.indicator else title,
        y_title=unit or _("Value"),
        x_title=_("Year"),
        legend_title=_("Area") if not state.compare else _("Area and disaggregation"),
        value_title=_("Value"),
        period_title=_("Period"),
        description=description,
        language=language,
        width=width,
    )
    scale = scale_of(state.series.code)
    return charts.on_ordinal_scale(spec, scale.labels, _("Scale")) if scale else spec


class _NoData(Exception):
    def __init__(self, indicator):
        self.indicator = indicator


def spec_json(spec: dict) -> str:
    """JSON safe inside a <script> element (as Django's json_script escapes it)."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026"))  # noqa: S308


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@require_safe
@public_page_cache
def indicator(request, code: str):
    try:
        state = _page_state(request, code)
    except _NoData as empty:
        return render(request, "indicators/indicator_empty.html", {"indicator": empty.indicator})
    series = state.series
    canonical = state.indicator.code if state.indicator else series.code
    query = request.GET.urlencode()
    chart_base = reverse("indicators:chart", args=[canonical, "svg"])
    download_params = {}
    if len(state.areas) == 1:
        download_params["area"] = presenters.area_key(state.areas[0])
    downloads = [
        (label, f"/api/v1/series/{series.code}/download?" + urlencode({"format": fmt, **params}))
        for fmt, label in (("csv", "CSV"), ("sdmx-csv", "SDMX-CSV"), ("xlsx", "XLSX"))
        for params in (download_params,)
    ]
    context = {
        "state": state,
        "series_title": presenters.series_name(series),
        "indicator": state.indicator,
        "series": series,
        "spec_json": spec_json(state.spec),
        "charts": [
            (f"indicator-chart-{i}" if i else "indicator-chart", spec_json(spec)) for i, spec in enumerate(state.specs)
        ],
        "chart_description": chart_description(state, state.lines),
        "map": _latest_value_map(state),
        "map_svg": reverse("indicators:map", args=[canonical]) + (f"?{query}" if query else ""),
        "panels": _rendered_panels(request, state),
        "metadata": _metadata(state),
        "chart_svg": chart_base + (f"?{query}" if query else ""),
        "chart_png": reverse("indicators:chart", args=[canonical, "png"]) + (f"?{query}" if query else ""),
        "downloads": downloads,
        "selected_area_keys": {presenters.area_key(a) for a in state.areas},
        "area_choices": [(presenters.area_key(a), _area_label(a), a.kind) for a in state.all_areas],
        "has_dimensions": bool(state.filters),
        "sources": presenters.sources_of(series),
        "batches": presenters.batches_of(series),
        "objectives": state.indicator.linked_objectives() if state.indicator else [],
        "user_batches": _visible_batch_ids(request.user, state.rows),
        "max_areas": presenters.MAX_CHART_AREAS,
        "max_rows": presenters.MAX_TABLE_ROWS,
        "api_observations": f"/api/v1/series/{series.code}/observations",
    }
    return render(request, "indicators/indicator.html", context)


def _latest_value_map(state: PageState) -> dict | None:
    """The map tab: each country's latest value of the series and disaggregation
    shown (the first one when several are compared), drawn over the progress
    app's bundled Natural Earth topology; None when no country has a value."""
    from django.templatetags.static import static

    from gcmhub.progress import maps

    key = next((v.key for v in state.variants), "")
    latest = presenters.latest_values(state.series, key)
    if not latest:
        return None
    language = current_language()
    rows = [(row.area.m49, localized(row.area, "name", language), row.period, row.value) for row in latest]
    for row in latest:
        row.value_text = presenters.format_value(row.value)
    years = sorted({row.period[:4] for row in latest})
    description = _("Map of the latest value of %(series)s in each country (%(first)s to %(last)s); "
                    "the table under the map gives the same values.") % {
        "series": state.series.code, "first": years[0], "last": years[-1],
    }  # fmt: skip
    topology = {"url": static(maps.TOPOLOGY_STATIC), "format": {"type": "topojson", "feature": "countries"}}
    spec = charts.value_map_spec(
        rows, topology=topology, description=description, legend_title=state.unit or _("Value"),
        value_title=_("Value"), period_title=_("Period"), language=language,
    )  # fmt: skip
    return {"spec": spec, "spec_json": spec_json(spec), "description": description, "rows": latest, "unit": state.unit}


def _rendered_panels(request, state: PageState) -> list[tuple]:
    """(panel, its HTML) for each panel other apps add (``panels.py``)."""
    from django.template.loader import render_to_string

    found = indicator_panels(state.series, state.areas, [v.key for v in state.variants])
    return [(panel, render_to_string(panel.template, panel.context, request=request)) for panel in found]


@dataclass(frozen=True)
class Metadata:
    definition: str
    target: str
    unit: str
    custodian: str
    sources: list
    method: str
    last_updated: object
    sdg_url: str


def _metadata(state: PageState) -> Metadata:
    """The metadata tab: what the series measures and where the values come from."""
    indicator, series = state.indicator, state.series
    sdg = indicator.sdg_indicator if indicator else None
    definition = localized(sdg, "title") if sdg else (localized(indicator, "name") if indicator else "")
    if indicator and indicator.description:
        definition = f"{definition} {indicator.description}".strip()
    latest = series.observations.order_by().aggregate(last=Max("batch__finished_at"))["last"]
    return Metadata(
        definition=definition or presenters.series_name(series),
        target=f"{sdg.target.code} {localized(sdg.target, 'title')}" if sdg else "",
        unit=state.unit,
        custodian=(indicator.custodian if indicator else "") or (sdg.custodians if sdg else ""),
        sources=presenters.sources_of(series),
        method=series.description,
        last_updated=latest,
        sdg_url=reverse("framework:indicator", args=[sdg.code]) if sdg else "",
    )


def _visible_batch_ids(user, rows) -> set[int]:
    """Import batches of the table the reader may open (their own; all for admins)."""
    ids = {row.batch_id for row in rows if row.batch_id}
    if not ids or not user.is_authenticated:
        return set()
    if is_admin(user):
        return ids
    return {row.batch_id for row in rows if row.batch_id and row.batch and row.batch.user_id == user.pk}


@require_safe
def chart_image(request, code: str, fmt: str):
    """The page's chart as SVG or PNG, drawn on the server with vl-convert."""
    if fmt not in ("svg", "png"):
        raise Http404(_("Charts are available as SVG or PNG."))
    try:
        state = _page_state(request, code, width=720)
    except _NoData:
        raise Http404(_("This indicator has no data yet.")) from None
    name = f"{(state.indicator.code if state.indicator else state.series.code)}-{state.series.code}"
    if fmt == "svg":
        response = HttpResponse(charts.render_svg(charts.stacked(state.specs)), content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(charts.render_png(charts.stacked(state.specs)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def map_image(request, code: str):
    """The map tab as an SVG image (no JavaScript needed), drawn on the server
    by the progress maps' renderer with the topology inlined."""
    from gcmhub.progress import maps

    try:
        state = _page_state(request, code)
    except _NoData:
        raise Http404(_("This indicator has no data yet.")) from None
    found = _latest_value_map(state)
    if found is None:
        raise Http404(_("No country has a value of this series."))
    response = HttpResponse(maps.render_svg(found["spec"]), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{state.series.code}-map.svg"'
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- upload and import status ---------------------------------------------------------

FORMAT_LABELS = {
    "opensdg": gettext_lazy("Open SDG data file (CSV)"),
    "unsd-sdg": gettext_lazy("UN SDG Global Database (API CSV or DDF)"),
    "sdmx": gettext_lazy("SDMX-ML 2.1 or SDMX-CSV"),
    "wdi": gettext_lazy("World Bank WDI CSV"),
    "rpw": gettext_lazy("World Bank Remittance Prices Worldwide corridors"),
    "desa-stock": gettext_lazy("UN DESA migrant stock by sex and destination"),
    "desa-matrix": gettext_lazy("UN DESA migrant stock by origin and destination"),
    "unhcr": gettext_lazy("UNHCR population statistics CSV"),
    "missing-migrants": gettext_lazy("IOM Missing Migrants incidents CSV"),
    "tidy": gettext_lazy("Tidy CSV or XLSX with a column mapping"),
    "json": gettext_lazy("GCM Hub JSON export"),
}
class UploadForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"))
    file = forms.FileField(
        label=gettext_lazy("Data file"),
        help_text=gettext_lazy(
            "CSV, XLSX, SDMX-ML (XML), or a ZIP of an Open SDG data folder; the file is checked before it is stored."
        ),
    )
    mapping = forms.FileField(
        label=gettext_lazy("Column mapping (tidy format only)"),
        required=False,
        help_text=gettext_lazy("A YAML file saying which column is the area, period, value and series."),
    )
    area = forms.ChoiceField(label=gettext_lazy("Country or area"), required=False)
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Who published the data, e.g. “National Bureau of Statistics”."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run): validate the file and write nothing"), required=False
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Import the valid rows and skip the invalid ones"), required=False
    )
    create_series = forms.BooleanField(
        label=gettext_lazy("Create new series for rows that match no SDG series (Open SDG files)"),
        required=False,
        help_text=gettext_lazy("Without it, such rows are refused; the report lists every series created."),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_create_series-help"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["format"].choices = [(f, f"{FORMAT_LABELS.get(f, f)} ({f})") for f in services.FORMATS]
        if user is not None and is_admin(user):
            countries = Area.objects.filter(kind=Area.Kind.COUNTRY).order_by("name_en")
            self.fields["area"].choices = [("", _("Several countries (the file names them)"))] + [
                (a.iso3 or a.m49, localized(a, "name")) for a in countries
            ]
            self.fields["area"].help_text = _("Rows without an area are for this one.")
        else:
            area = getattr(user, "area", None)
            self.fields["area"].choices = [(area.iso3 or area.m49, localized(area, "name"))] if area else []
            self.fields["area"].required = True
            self.fields["area"].help_text = _("As a national focal point you import data for your own country.")


def _forbidden(request, message: str | None = None):
    from gcmhub.actors.views import forbidden

    return forbidden(request, message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request):
    if not request.user.has_perm("indicators.import_data"):
        return _forbidden(request, _("Only national focal points and administrators import data."))
    if request.method != "POST":
        form = UploadForm(user=request.user)
        return _render_upload(request, form)
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render_upload(request, form, status=422)
    data = form.cleaned_data
    try:
        batch = start_upload(
            request.user,
            format=data["format"],
            upload=data["file"],
            mapping=data.get("mapping"),
            area=data.get("area") or None,
            source=data.get("source") or "",
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
            create_series=data["create_series"],
        )
    except Forbidden as error:
        return _forbidden(request, error.message)
    except GcmHubError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_upload(request, form, status=422)
    return redirect("indicators:import", pk=batch.pk)


def _render_upload(request, form, status=200):
    recent = services.visible_imports(request.user)[:10]
    return render(request, "indicators/upload.html", {"form": form, "recent": recent}, status=status)


def start_upload(user, *, format, upload, mapping, area, source, dry_run, skip_invalid,  # noqa: A002
                 create_series=False) -> ImportBatch:  # fmt: skip
    """Check and store the upload and queue its import: the service the API's
    ``POST /api/v1/imports`` uses too (same checks, same background task)."""
    return services.submit_upload(
        user,
        format,
        upload,
        mapping=mapping,
        source=source,
        area=area,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        create_series=create_series,
    )


def _batch_or_404(request, pk: int) -> ImportBatch:
    try:
        return services.import_visible_to(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


FINISHED = {ImportBatch.Status.SUCCEEDED, ImportBatch.Status.FAILED, ImportBatch.Status.VALIDATED}
WAITING = {ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING}


def _status_context(batch: ImportBatch) -> dict:
    report = batch.report or {}
    problems = report.get("problems") or []
    return {
        "batch": batch,
        "report": report,
        "problems": problems,
        "problem_count": report.get("problem_count", len(problems)),
        "more_problems": max(0, report.get("problem_count", len(problems)) - len(problems)),
        "finished": batch.status in FINISHED,
        "unknown_areas": report.get("unknown_areas") or [],
        "progress": services.batch_progress(batch) or {},
        "no_worker": batch.status in WAITING and not workers.seen_recently(),
    }


@login_required
@require_safe
def import_detail(request, pk: int):
    batch = _batch_or_404(request, pk)
    return render(request, "indicators/import.html", _status_context(batch))


@login_required
@require_safe
def import_status(request, pk: int):
    """The live part of the import page; htmx asks for it every second until
    the import has finished (the finished fragment no longer polls)."""
    batch = _batch_or_404(request, pk)
    return render(request, "indicators/_import_status.html", _status_context(batch))
