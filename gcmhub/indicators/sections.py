"""The indicators section of the country page (``/<lang>/countries/KEN/``).

The country page belongs to ``geo``; it lists the sections other apps
register (``gcmhub.geo.sections``). Ours links to the catalogue filtered to
the country and shows a sparkline per headline series — a small inline SVG
drawn on the server, no JavaScript — each followed by its first and last
values as text, which is what a screen reader reads (the SVG is hidden
from it).

Registered by ``IndicatorsConfig.ready()``, as the progress app registers its
own section, so the country page has it in every process that loads the apps.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.geo.sections import CountrySection, register_country_section
from gcmhub.i18n import localized

from . import charts, presenters
from .scales import scale_of

SPARKLINES = 6


def sparkline_item(line: presenters.Sparkline, area) -> str:
    """One series: code (linked), sparkline, and the text alternative."""
    points = [(year + _fraction(period), value) for period, year, value in line.points]
    # One value draws no line: the text alone says it.
    svg = charts.sparkline_svg(points, width=160, height=28) if len(points) > 1 else ""
    first_period, _y, first_value = line.first
    last_period, _y, last_value = line.last
    scale = scale_of(line.series.code)
    if len(line.points) == 1:
        text = _("%(period)s: %(value)s") % {
            "period": first_period,
            "value": presenters.series_value_text(line.series, first_value, scale),
        }
    else:
        text = _("%(first_period)s: %(first_value)s → %(last_period)s: %(last_value)s") % {
            "first_period": first_period,
            "first_value": presenters.series_value_text(line.series, first_value, scale),
            "last_period": last_period,
            "last_value": presenters.series_value_text(line.series, last_value, scale),
        }
    code = line.indicator.code if line.indicator else line.series.code
    url = reverse("indicators:indicator", args=[code]) + "?" + urlencode(
        {"series": line.series.code, "area": area.iso3 or area.m49}
    )
    name = localized(line.indicator, "name") if line.indicator else presenters.series_name(line.series)
    unit = presenters.series_unit_label(line.series)
    return format_html(
        # Classes, not style attributes: the Content-Security-Policy blocks inline styles.
        '<span class="ind-spark">'
        '<a href="{}" title="{}">{}</a> <code>{}</code><br>'
        '{}<span class="ind-spark-text">{}{}</span></span>',
        url,
        name,
        code,
        line.series.code if line.indicator else "",
        _safe_svg(svg),
        text,
        f" ({unit})" if unit else "",
    )


def _safe_svg(svg: str):
    from django.utils.safestring import mark_safe

    # sparkline_svg writes only numbers and fixed attributes: no user text.
    return mark_safe(svg)  # noqa: S308


def _fraction(period: str) -> float:
    """Quarters and months sit inside their year on the sparkline's x axis."""
    start = charts.period_start(period)
    month = int(start[5:7])
    return (month - 1) / 12


def indicators_section(area) -> CountrySection | None:
    if area.pk is None:
        return None
    lines, total = presenters.country_sparklines(area, limit=SPARKLINES)
    if not total:
        return None
    count = ngettext("%(count)d series with data.", "%(count)d series with data.", total) % {"count": total}
    items = format_html_join("", "{}", ((sparkline_item(line, area),) for line in lines))
    summary = format_html("{} {}", count, items)
    url = reverse("indicators:catalogue") + f"?area={area.iso3 or area.m49}"
    return CountrySection(title=_("Indicator data"), url=url, summary=summary)


def register() -> None:
    """Called from IndicatorsConfig.ready(), like every app's country section."""
    register_country_section("indicator-data", indicators_section, order=20)
