"""Template helpers for the progress pages: status badges and numbers."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gcmhub.indicators.scales import scale_of
from gcmhub.progress import presentation

register = template.Library()


def _badge(style, extra_class: str = "") -> str:
    return format_html(
        '<span class="status status-{code}{extra}">'
        '<span class="status-symbol" aria-hidden="true">{symbol}</span> {label}</span>',
        code=style.code.replace("_", "-"),
        extra=f" {extra_class}" if extra_class else "",
        symbol=style.symbol,
        label=style.label,
    )


@register.simple_tag
def status_badge(code: str) -> str:
    """A status in words, with its symbol and colour (never colour alone)."""
    return _badge(presentation.status_style(code))


@register.simple_tag
def timeline_badge(code: str) -> str:
    return _badge(presentation.timeline_style(code), "timeline")


@register.filter
def status_label(code: str) -> str:
    return str(presentation.status_style(code).label)


@register.filter
def timeline_label(code: str) -> str:
    return str(presentation.timeline_style(code).label)


def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


@register.filter
def num(value, digits: int = 4) -> str:
    """A number with about ``digits`` significant digits, localised; "—" if missing."""
    if not _finite(value):
        return "—"
    value = float(value)
    magnitude = abs(value)
    if magnitude >= 1000 or value.is_integer():
        return number_format(round(value), use_l10n=True, force_grouping=magnitude >= 10000).replace("-", "−")
    places = min(6, max(0, int(digits) - 1 - int(math.floor(math.log10(magnitude))))) if magnitude else 0
    text = number_format(round(value, places), decimal_pos=places, use_l10n=True)
    separator = get_format("DECIMAL_SEPARATOR")
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return text.replace("-", "−")


@register.filter
def rate(value) -> str:
    """A growth rate as a signed percentage: 0.0275 → "+2.75 %"."""
    if not _finite(value):
        return "—"
    percent = float(value) * 100
    text = number_format(round(percent, 2), decimal_pos=2, use_l10n=True)
    sign = "+" if percent > 0 else ("−" if percent < 0 else "")
    return f"{sign}{text.lstrip('-')}\u00a0%"


@register.filter
def score(value) -> str:
    if not _finite(value):
        return "—"
    return number_format(round(float(value), 2), decimal_pos=2, use_l10n=True).replace("-", "−")


@register.filter
def reason(assessment) -> str:
    return presentation.reason_text(assessment.reason_code, assessment)


@register.filter
def flag_texts(flags) -> list[str]:
    return presentation.flag_texts(flags)


@register.filter
def method_label(method: str) -> str:
    return str(presentation.METHOD_LABELS.get(method, method))


@register.filter
def timeline_reason(code) -> str:
    return str(presentation.TIMELINE_REASONS.get(code, "")) if code else ""


@register.filter
def percent_of(part, whole) -> str:
    if not whole:
        return "—"
    return f"{round(100 * part / whole)}\u00a0%"


@register.simple_tag
def sparkline(assessment, width: int = 110, height: int = 26) -> str:
    """Inline SVG line of the values assessed (decorative; pages print the numbers)."""
    if assessment is None or not assessment.years:
        return ""
    try:
        from gcmhub.indicators.charts import sparkline_svg
    except ImportError:  # pragma: no cover - the indicators app ships it
        return ""
    return mark_safe(sparkline_svg(assessment.points, width=int(width), height=int(height)))  # noqa: S308


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def value_of(value, series_code: str) -> str:
    """A value of the series ``series_code``: its scale step (``3 – Meets``) or ``num``."""
    scale = scale_of(series_code) if _finite(value) else None
    return scale.describe(value) if scale else num(value)
