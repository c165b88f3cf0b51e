"""The indicators' headline on the home page (``gcmhub.web.entry_points``):
the latest world value of the first series below that has one, with its
year and source, linking to its data page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.web.entry_points import HomePanel, register_home_panel

from . import presenters
from .models import Observation

# The figures a newcomer recognises first, in order of preference.
HEADLINE_SERIES = ("SM.POP.TOTL", "SI_RMT_COST", "SM_DTH_MIGR", "SM_POP_REFG_OR")
WORLD = "001"


def headline_figure() -> HomePanel | None:
    for code in HEADLINE_SERIES:
        latest = (
            Observation.objects.filter(series__code=code, area__m49=WORLD, dimension_key="", value__isnull=False)
            .select_related("series", "series__indicator", "source")
            .order_by("-year", "-period")
            .first()
        )
        if latest is None:
            continue
        series = latest.series
        page = series.indicator.code if series.indicator else series.code
        unit = presenters.unit_label(latest.unit or series.unit)
        caption = _("%(name)s, world, %(period)s") % {"name": presenters.series_name(series), "period": latest.period}
        if unit and unit != str(presenters.UNIT_LABELS["NUMBER"]):
            caption += f" ({unit})"
        if latest.source_id:
            caption += " · " + _("Source: %(source)s") % {"source": latest.source.name}
        return HomePanel(
            title=_("Latest figure"),
            url=reverse("indicators:indicator", args=[page]),
            link_text=_("See the data by country"),
            figure=presenters.format_value(latest.value),
            caption=caption,
        )
    return None


def register() -> None:
    register_home_panel("indicators", headline_figure, order=10)
