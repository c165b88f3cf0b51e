"""Rules for the free text people type, shared by models, forms and the API.

A text is refused when it contains the NUL character (PostgreSQL cannot store
it, and no form lets it through) or a lone UTF-16 surrogate such as
``\\ud800`` (a JSON body can carry one, but it cannot be encoded as UTF-8, so
neither database nor file can hold it). Long texts have a maximum length:
history keeps a copy of every version, so an unbounded description would be
copied again on every edit.

Models attach :func:`validate_text` (and, for ``TextField``, a
``MaxLengthValidator``) to their fields; services call ``full_clean()``, so
web forms, the API and the command line all meet the same rule. The API's
input schemas check the same :func:`text_problem` before the service is
reached, so a bad body gets a 422 naming the field.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Longest description or note a person may write (about two pages).
LONG_TEXT_MAX = 5000


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None if it can."""
    if "\x00" in value:
        return _("Text must not contain the NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Text must be valid Unicode: it contains a lone surrogate character.")
    return None


def validate_text(value) -> None:
    """Django validator: raise ValidationError when :func:`text_problem` finds one."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem, code="invalid_text")


def max_length(model, field_name: str) -> int:
    """The maximum length of a model's text field: its ``max_length`` or the
    limit of its ``MaxLengthValidator`` (Django does not enforce a
    ``TextField``'s ``max_length``, so those carry a validator)."""
    from django.core.validators import MaxLengthValidator

    field = model._meta.get_field(field_name)
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    if field.max_length:
        limits.append(field.max_length)
    if not limits:
        raise ValueError(f"{model.__name__}.{field_name} has no maximum length")
    return min(limits)


def long_text_field(verbose_name, limit: int = LONG_TEXT_MAX):
    """A model ``TextField`` people write in: optional, bounded, text rules applied."""
    from django.core.validators import MaxLengthValidator
    from django.db import models

    return models.TextField(verbose_name, blank=True, validators=[MaxLengthValidator(limit), validate_text])
