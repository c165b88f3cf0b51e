"""Numbers as the explorer shows them: grouped digits, "no data" apart from zero."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


_NO_DATA: dict[str, str] = {}


@register.filter
def figure_value(value, unit: str = ""):
    """1,234,567 for counts, 6.2 for percentages; "no data" (marked up) for None."""
    if value is None:
        language = get_language()
        if language not in _NO_DATA:  # tables have hundreds of these: translated once per language
            _NO_DATA[language] = format_html('<span class="explorer-nodata">{}</span>', _("no data"))
        return _NO_DATA[language]
    if unit in ("%", "PERCENT") or (isinstance(value, float) and not value.is_integer()):
        return number_format(value, 2, force_grouping=True)
    return number_format(int(value), 0, force_grouping=True)
