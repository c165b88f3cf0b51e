"""Template helpers shared by every app's pages."""

from django import template

from gcmhub.i18n import localized

register = template.Library()


@register.filter
def tr(instance, field: str) -> str:
    """``{{ objective|tr:"title" }}``: the field in the reader's language."""
    return localized(instance, field)


@register.inclusion_tag("web/_unverified_mark.html")
def unverified_mark(instance):
    """``{% unverified_mark objective %}``: a discreet mark after an official
    title or name whose wording in the reader's language has not been checked
    against an official text (the record's ``unverified`` languages)."""
    check = getattr(instance, "is_verified", None)
    return {"unverified": check is not None and not check()}
