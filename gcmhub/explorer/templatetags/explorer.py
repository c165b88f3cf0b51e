"""Numbers as the explorer shows them: grouped digits, "no data" apart from zero."""

from django import template

from gcmhub.explorer.tables import figure_html

register = template.Library()


@register.filter
def figure_value(value, unit: str = ""):
    """1,234,567 for counts, 6.20 for percentages; "no data" (marked up) for None
    (``tables.figure_html``: one rule for templates and Python-rendered tables)."""
    return figure_html(value, unit)
