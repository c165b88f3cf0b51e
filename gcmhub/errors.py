"""Errors raised by services and understood by every interface.

Views turn them into form errors or messages, the API into JSON with a status
code, the CLI into a message and a non-zero exit. Raising the same error
everywhere is what keeps one rule in one place.
"""


class GcmHubError(Exception):
    """Base class: something the user asked for cannot be done as asked."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(GcmHubError):
    status_code = 422


class NotFound(GcmHubError):
    status_code = 404


class Forbidden(GcmHubError):
    status_code = 403


class EditConflict(GcmHubError):
    """Someone else saved the record after this user loaded it."""

    status_code = 409
