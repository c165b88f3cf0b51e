"""The progress status on an indicator's data page (``gcmhub.indicators.panels``):
for the series and disaggregation shown, each charted area's stored status
(default method), and how all countries are spread over the statuses."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from gcmhub.indicators.panels import IndicatorPanel, register_indicator_panel

from . import defaults, presentation


def progress_panel(series, areas, keys) -> IndicatorPanel | None:
    from gcmhub.geo.models import Area

    from .models import Assessment

    key = keys[0] if len(keys) == 1 else ""
    stored = Assessment.objects.filter(series=series, method=defaults.DEFAULT_METHOD, dimension_key=key)
    counts = dict(
        stored.filter(area__kind=Area.Kind.COUNTRY).order_by().values_list("status").annotate(n=Count("pk"))
    )
    if not counts:
        return None
    by_area = {a.area_id: a for a in stored.filter(area__in=list(areas))}
    rows = [(area, by_area.get(area.pk)) for area in areas]
    spread = [
        (style.code, counts[style.code])
        for style in sorted(presentation.STATUS_STYLES.values(), key=lambda s: s.rank)
        if counts.get(style.code)
    ]
    return IndicatorPanel(
        key="progress",
        title=_("Progress status"),
        template="progress/_indicator_panel.html",
        context={
            "rows": rows,
            "spread": spread,
            "countries": sum(counts.values()),
            "method_label": presentation.METHOD_LABELS[defaults.DEFAULT_METHOD],
            "base_year": defaults.DEFAULT_BASE_YEAR,
        },
        stylesheets=("progress/progress.css",),
    )


def register() -> None:
    register_indicator_panel("progress", progress_panel, order=10)
