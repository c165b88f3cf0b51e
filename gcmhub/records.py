"""What every record people author shares, in one place: its authoring
fields, and the error its service raises on invalid input.

Commitments, reviews and protection services each say who created them and
when, and whether they are invented demo content (which every page that shows
them labels as such). This module needs Django; ``gcmhub.errors`` stays free
of it, for the pure engine and readers.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.errors import InvalidInput


class AuthoredModel(models.Model):
    is_demo = models.BooleanField(_("invented demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class InvalidRecord(InvalidInput, ValidationError):
    """Invalid input to a record's service: ``error_dict`` has every field's
    problems (for forms), ``field``/``message`` the first one (for the API and
    the CLI). Each app names its own subclass (``InvalidCommitment``, ...)."""

    def __init__(self, message, *, field: str | None = None, errors: dict | None = None):
        ValidationError.__init__(self, errors or {field or NON_FIELD_ERRORS: [message]})
        self.message = message
        self.field = field

    @classmethod
    def from_validation_error(cls, error: ValidationError):
        if not hasattr(error, "error_dict"):
            return cls(" ".join(error.messages))
        field, problems = next(iter(error.error_dict.items()))
        return cls(
            " ".join(ValidationError(problems).messages),
            field=None if field == NON_FIELD_ERRORS else field,
            errors=error.error_dict,
        )

    def __str__(self) -> str:
        return self.message
