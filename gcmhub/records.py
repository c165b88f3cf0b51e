"""Fields every record people author carries, in one place.

Commitments, practices, reviews and protection services each say who created
them and when, and whether they are invented demo content (which every page
that shows them labels as such).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
