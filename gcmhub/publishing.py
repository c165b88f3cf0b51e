"""Publishable records: drafts are private, a reviewer publishes, and an edit
to a published record waits for review.

One rule for every publishable record (organisations now; commitments,
practices, services and reviews later), so the public only ever reads what
a reviewer approved:

* a **draft** (``is_published`` false) is private to its scope; those who
  may change it edit it directly;
* a **reviewer** (whoever holds the model's ``publish`` permission) publishes
  the version they read, or withdraws it;
* an edit of a **published** record by someone who may not publish it is
  *held*: the record keeps its published values, and the edit is stored
  beside them as its proposed change (``pending_changes``: the fields that
  differ, with their proposed values). Pages, API and CLI read the record, so
  the public keeps seeing the published version everywhere until a reviewer
  approves. Publishing again applies the proposal; a reviewer or an editor
  may instead discard it; withdrawing a record from publication makes the
  proposal part of the draft, which its editors then edit directly;
* edits by a reviewer (or the system operator) go live at once.

Holding an edit bumps the record's ``version`` (``gcmhub.concurrency``), so
a reviewer approves exactly the proposal they read, and two editors cannot
overwrite each other's proposal. Every step is saved through the record's
django-simple-history, so proposals, approvals and discards are in the
history (``gcmhub.actors.history`` shows proposals to staff only).

An app makes a model publishable by inheriting ``PublishableModel`` and
calling ``save_edit``, ``publish`` and ``discard`` from its services, after
its own permission checks.
"""

import copy
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.concurrency import VersionedModel, save_if_unchanged, stored_if_unchanged
from gcmhub.text import long_text_field

PENDING_CHANGES = "pending_changes"
PENDING_FIELDS = (PENDING_CHANGES, "pending_by", "pending_since")
# The publication state: never part of an edit's content.
PUBLICATION_FIELDS = ("is_published", "published_at", *PENDING_FIELDS)


class PublishableModel(VersionedModel):
    # Only published records are visible to the public; a reviewer approves.
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # An edit of the published version, waiting for review: {field attname: value}.
    pending_changes = models.JSONField(_("proposed changes"), null=True, blank=True, editable=False)
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("change proposed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pending_since = models.DateTimeField(_("change proposed at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def has_pending_changes(self) -> bool:
        return bool(self.pending_changes)



class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")


class ReviewedModel(PublishableModel):
    """A publishable record with an explicit review step (commitments,
    practices): its author submits it, a reviewer publishes it or sends it
    back to draft with a reason, which its author then reads."""

    review_state = models.CharField(
        _("review state"), max_length=12, choices=ReviewState.choices, default=ReviewState.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    # The reason a reviewer gave when sending it back; cleared on the next submission.
    rejection_reason = long_text_field(_("reason for rejection"))

    class Meta:
        abstract = True

# The review step's state changes, in one place for every reviewed record.
# They set the fields; the caller saves (with its version check and history).


def mark_submitted(record: ReviewedModel) -> None:
    """Sent to reviewers: a reason given for an earlier rejection no longer applies."""
    record.review_state = ReviewState.SUBMITTED
    record.submitted_at = timezone.now()
    record.rejection_reason = ""


def mark_published(record: ReviewedModel) -> None:
    record.review_state = ReviewState.PUBLISHED
    record.rejection_reason = ""


def mark_rejected(record: ReviewedModel, reason: str) -> None:
    """Back to its author as a draft, with the reviewer's reason."""
    record.review_state = ReviewState.DRAFT
    record.rejection_reason = reason


def content_fields(model) -> list[models.Field]:
    """The fields an edit may change: editable columns, not the publication state."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in PUBLICATION_FIELDS
    ]


def needs_review(actor, record: PublishableModel, publish_permission: str) -> bool:
    """Would an edit of ``record`` by ``actor`` be held for review?"""
    if actor is None or record.pk is None or not record.is_published:
        return False
    return not actor.has_perm(publish_permission, record)


def save_edit(actor, record: PublishableModel, expected_version: int, *, publish_permission: str) -> bool:
    """Save an edit ``actor`` made to ``record`` (changed in memory and
    validated by the caller). Returns True if it went live, False if it is
    held as the record's proposed change; ``record`` then holds the
    published values again, with the proposal beside them."""
    record._history_user = actor
    if not needs_review(actor, record, publish_permission):
        save_if_unchanged(record, expected_version)
        return True
    with transaction.atomic():
        stored = stored_if_unchanged(record, expected_version)
        proposal = {
            field.attname: _json(field.value_from_object(record))
            for field in content_fields(type(record))
            if field.value_from_object(record) != field.value_from_object(stored)
        }
        # An edit that puts every field back to its published value withdraws the proposal.
        stored.pending_changes = proposal or None
        stored.pending_by = actor if proposal else None
        stored.pending_since = timezone.now() if proposal else None
        stored.version = expected_version + 1
        stored._history_user = actor
        # Only the proposal and the version: the published values and their
        # "last changed" time stay as they were.
        stored.save(update_fields=[*PENDING_FIELDS, "version"])
    record.refresh_from_db()
    return False


def proposed_version(record: PublishableModel) -> PublishableModel:
    """A copy of ``record`` with its proposed change applied (for an editor's
    form and for showing the difference); ``record`` itself if there is none."""
    if not record.has_pending_changes:
        return record
    proposed = copy.copy(record)
    proposed._state = copy.copy(record._state)
    proposed._state.fields_cache = {}
    _apply(proposed, record.pending_changes)
    return proposed


def publish(actor, record: PublishableModel, published: bool, expected_version: int, *, validate) -> None:
    """Publish the version the reviewer read, including its proposed change,
    or withdraw the record (its proposal then becomes part of the draft).
    ``validate(record)`` checks the result before it is saved (the data may
    have changed since the proposal was made)."""
    if record.has_pending_changes:
        _apply(record, record.pending_changes)
        validate(record)
    _clear(record)
    record.is_published = published
    record.published_at = timezone.now() if published else None
    record._history_user = actor
    save_if_unchanged(record, expected_version)


def discard(actor, record: PublishableModel, expected_version: int) -> None:
    """Drop the proposed change; the published version stays as it is."""
    _clear(record)
    record._history_user = actor
    with transaction.atomic():
        stored_if_unchanged(record, expected_version)
        record.version = expected_version + 1
        record.save(update_fields=[*PENDING_FIELDS, "version"])


def _apply(record: PublishableModel, proposal: dict) -> None:
    for field in content_fields(type(record)):
        if field.attname in proposal:
            setattr(record, field.attname, field.to_python(proposal[field.attname]))


def _clear(record: PublishableModel) -> None:
    record.pending_changes = None
    record.pending_by = None
    record.pending_since = None


def _json(value):
    """A value as it round-trips through JSON (dates become ISO strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
