"""Public comments on a published self-assessment, moderated by a reviewer.

Anyone logged in may comment while the review's comment window is open
(``Review.comments_open_from`` … ``comments_open_until``, both days
included). A comment starts ``pending``; a reviewer approves or rejects it,
and only approved comments are shown to the public. The author always sees
their own comment and its state (with the reason, when rejected).
Imported at the end of ``models.py`` so that Django registers it with the
reviews app.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gcmhub.concurrency import VersionedModel
from gcmhub.text import long_text_field, validate_text

PUBLIC_COMMENT_MAX = 4000
MODERATION_NOTE_MAX = 1000


class ReviewComment(VersionedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    review = models.ForeignKey(
        "reviews.Review", verbose_name=_("review"), on_delete=models.CASCADE, related_name="public_comments"
    )
    # The published official set of answers the comment is about.
    answer_set = models.ForeignKey(
        "reviews.AnswerSet",
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="public_comments",
    )
    # Optional: the question (objective) the comment is about; blank = the whole self-assessment.
    question_key = models.CharField(_("question"), max_length=40, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"), validators=[MaxLengthValidator(PUBLIC_COMMENT_MAX), validate_text])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    # Why a comment was rejected: shown to its author.
    moderation_note = long_text_field(_("moderation note"), MODERATION_NOTE_MAX)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        app_label = "reviews"
        ordering = ["created_at", "id"]
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        indexes = [models.Index(fields=["review", "state"], name="review_comment_state")]

    def __str__(self) -> str:
        return self.text[:60]
