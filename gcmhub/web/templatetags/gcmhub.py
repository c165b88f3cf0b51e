"""Template helpers shared by every app's pages."""

from django import template

from gcmhub.i18n import localized

register = template.Library()


@register.filter
def tr(instance, field: str) -> str:
    """``{{ objective|tr:"title" }}``: the field in the reader's language."""
    return localized(instance, field)
