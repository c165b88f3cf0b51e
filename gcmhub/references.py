"""A reference to another record obeys the reader's read rules.

A record that points at another one (an organisation's ``parent``, an
account's ``organization``, later a commitment's partners) must never tell
anyone more than reading the other record directly would. Two leaks this
guards against: naming a record the writer cannot read (the response to
``"parent": 17`` used to carry the parent's name, and once the child was
published, so did the public page), and telling "does not exist" apart from
"exists but is not yours to see" (422 versus 201).

An app whose records are not all public registers its model once, with the
queryset of the records a reader may see and the name of the matching
``view`` permission (the two forms of one rule, which its tests keep in
agreement). Then:

* ``resolve`` turns an id sent by a writer (API, form or command) into the
  record, or raises the *same* InvalidInput whether the id is unknown or
  belongs to a record the writer may not read;
* ``shown`` says whether a reader may see a referenced record, so pages, the
  API and histories show a reference only to those who could read it.

Models that are not registered are public (areas, indicators, targets).
``reader`` None is the system operator at the command line, who sees
everything.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput


@dataclass(frozen=True)
class _ReadRule:
    visible: Callable[[object], QuerySet]  # reader -> the records they may read
    permission: str  # the same rule for one record, e.g. "actors.view_organization"


_RULES: dict[type[Model], _ReadRule] = {}


def register(model: type[Model], visible: Callable[[object], QuerySet], permission: str) -> None:
    """Declare that ``model``'s records are read through ``visible(reader)``
    and ``reader.has_perm(permission, record)``. Call it from the app's
    ``AppConfig.ready()``."""
    _RULES[model] = _ReadRule(visible, permission)


def resolve(reader, model: type[Model], record_id, *, field: str, message: str | None = None) -> Model:
    """The ``model`` record with id ``record_id`` if ``reader`` may read it.

    Otherwise InvalidInput naming ``field``, with one message for an unknown
    id, a malformed one and a record the reader may not see. ``message`` may
    use ``%(id)s``.
    """
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        pk = None
    rule = _RULES.get(model)
    records = model._default_manager.all() if rule is None or reader is None else rule.visible(reader)
    record = records.filter(pk=pk).first() if pk is not None else None
    if record is None:
        text = message or _("There is no record with the id “%(id)s”.")
        raise InvalidInput(text % {"id": record_id}, field=field)
    return record


def shown(reader, record: Model | None) -> bool:
    """May ``reader`` see ``record`` where another record refers to it?"""
    if record is None:
        return False
    rule = _RULES.get(record._meta.concrete_model)
    if rule is None or reader is None:
        return True
    return reader.has_perm(rule.permission, record)


def shown_or_none(reader, record: Model | None) -> Model | None:
    """``record`` if ``reader`` may see it, else None (shown as "no reference")."""
    return record if shown(reader, record) else None
