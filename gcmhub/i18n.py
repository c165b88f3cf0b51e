"""Content stored in three languages: pick the one the reader asked for.

Models keep translated text in sibling fields (``title_en``, ``title_fr``,
``title_es``). English is always present; a missing translation falls back
to it rather than showing an empty cell.
"""

from django.utils.translation import get_language

SUPPORTED = ("en", "fr", "es")


def current_language() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in SUPPORTED else "en"


def localized(instance, field: str, language: str | None = None) -> str:
    language = language or current_language()
    value = getattr(instance, f"{field}_{language}", "") or ""
    return value or getattr(instance, f"{field}_en", "") or ""


class LocalizedMixin:
    """Adds ``obj.tr('title')`` for templates and serializers."""

    def tr(self, field: str) -> str:
        return localized(self, field)

    def is_verified(self, language: str | None = None) -> bool:
        """False when the official wording in ``language`` (the reader's by
        default) has not been checked against an official text: models that
        can say so list such languages in an ``unverified`` field."""
        return (language or current_language()) not in (getattr(self, "unverified", None) or ())
