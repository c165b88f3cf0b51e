"""Errors raised by services and understood by every interface.

Views turn them into form errors or messages, the API into JSON with a status
code, the CLI into a message and a non-zero exit. Raising the same error
everywhere is what keeps one rule in one place.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class GcmHubError(Exception):
    """Base class: something the user asked for cannot be done as asked."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(GcmHubError):
    status_code = 422


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


class NotFound(GcmHubError):
    status_code = 404


class Forbidden(GcmHubError):
    status_code = 403


class EditConflict(GcmHubError):
    """Someone else saved the record after this user loaded it."""

    status_code = 409
