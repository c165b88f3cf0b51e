"""Optimistic concurrency: detect that a record changed since it was read.

Editable models carry an integer ``version``. A form or API call sends back
the version it was based on; saving checks it under a row lock and bumps it,
so two people editing the same record can never silently overwrite each
other. The ordinary ``save()`` keeps django-simple-history's record of who
changed what.
"""

from django.db import models, transaction
from django.utils.translation import gettext as _

from gcmhub.errors import EditConflict


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def _conflict() -> EditConflict:
    return EditConflict(
        _(
            "This record was changed by someone else since you opened it. "
            "Reload it and apply your change again."
        )
    )


def stored_if_unchanged(instance: VersionedModel, expected_version: int) -> VersionedModel:
    """The stored row of ``instance``, locked until the surrounding
    transaction ends, if it still has ``expected_version``; EditConflict
    otherwise. For changes that write something other than ``instance``
    (``gcmhub.publishing`` holds an edit as a proposal)."""
    stored = type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
    if stored is None or stored.version != expected_version:
        raise _conflict()
    return stored


def save_if_unchanged(instance: VersionedModel, expected_version: int) -> None:
    """Save ``instance`` only if the stored row still has ``expected_version``."""
    model = type(instance)
    with transaction.atomic():
        stored_version = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored_version != expected_version:
            raise _conflict()
        instance.version = expected_version + 1
        instance.save()
