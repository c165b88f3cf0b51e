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

import re

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


# The database's integers are 64-bit; SQLite refuses a larger parameter outright.
_INTEGER = re.compile(r"[+-]?0*(?P<digits>\d{19,})")
_INT64_MAX = 2**63 - 1


def parameter_problem(value: str) -> str | None:
    """Why a query or form parameter cannot reach a view, or None if it can:
    a text that cannot be stored (:func:`text_problem`), or a whole number
    beyond ±(2⁶³ − 1), the database's 64-bit integers (a page number or
    record id no record can have, and one SQLite cannot even be asked about)."""
    problem = text_problem(value)
    if problem is None and (number := _INTEGER.fullmatch(value.strip())):
        digits = number["digits"]  # compared as text first: int() refuses more than 4,300 digits
        if len(digits) > 19 or int(digits) > _INT64_MAX:
            problem = _("%(number)s… is too large a number.") % {"number": value.strip()[:20]}
    return problem


class RefuseUnstorableParameters:
    """Middleware: a page request whose query or form parameters (names or
    values) break :func:`parameter_problem` gets a plain 400 saying why, before
    any view runs. Views and forms can then pass parameters to the database
    as they are (PostgreSQL refuses NUL in any query, not only in stored
    text). The API is left to its own input schemas, which answer in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            for parameters in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
                for name, values in parameters.lists():
                    for text in (name, *values):
                        if (problem := parameter_problem(text)) is not None:
                            return _bad_parameter(name, problem)
        return self.get_response(request)


def _bad_parameter(name: str, problem: str):
    from django.http import HttpResponseBadRequest

    message = _("The parameter “%(name)s” was refused: %(problem)s") % {"name": name[:40].replace("\x00", ""),
                                                                         "problem": problem}  # fmt: skip
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
