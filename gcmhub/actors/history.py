"""Read a record's django-simple-history as "who changed what, when".

Any model with ``history = HistoricalRecords()`` works, so later apps show
their records' history the same way (``actors/includes/history.html`` renders
the entries; the API returns them as JSON). Values are shown as a reader
knows them: choice labels instead of slugs, names instead of ids.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.forms.models import model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS = {
    "+": ("created", gettext_lazy("created")),
    "~": ("changed", gettext_lazy("changed")),
    "-": ("deleted", gettext_lazy("deleted")),
}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str | None  # None: the system operator (command line, imports)
    action: str  # "created", "changed" or "deleted"
    action_label: str
    changes: list[Change] = field(default_factory=list)


def history_of(instance, exclude: tuple[str, ...] = ()) -> list[HistoryEntry]:
    """Every saved version of ``instance``, newest first, each with what it changed."""
    model = type(instance)
    records = instance.history.select_related("history_user").order_by("history_date", "history_id")
    names = _NameCache()
    entries, previous = [], None
    for record in records:
        action, action_label = ACTIONS[record.history_type]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else None,
                action=action,
                action_label=str(action_label),
                changes=_changes(model, previous, record, exclude, names),
            )
        )
        previous = record
    entries.reverse()
    return entries


def _changes(model, old, new, exclude, names) -> list[Change]:
    if old is None:
        # A creation "changes" every field that was given a value.
        skip = {*exclude, model._meta.pk.name}
        fields = [f.name for f in new.tracked_fields if f.editable and f.name not in skip]
        values = model_to_dict(new, fields=fields)
        pairs = [(name, None, value) for name, value in values.items() if value not in (None, "", False)]
    else:
        delta = new.diff_against(old, excluded_fields=exclude)
        pairs = [(change.field, change.old, change.new) for change in delta.changes]
    order = {f.name: index for index, f in enumerate(model._meta.fields)}
    pairs.sort(key=lambda pair: order.get(pair[0], len(order)))
    return [
        Change(
            field=name,
            label=str(capfirst(model._meta.get_field(name).verbose_name)),
            old=names.display(model, name, old_value),
            new=names.display(model, name, new_value),
        )
        for name, old_value, new_value in pairs
    ]


class _NameCache:
    """Turns stored values into what a reader recognises, looking each
    related record up once however many versions mention it."""

    def __init__(self):
        self._related: dict[tuple, str] = {}

    def display(self, model, name: str, value) -> str:
        if value is None or value == "":
            return ""
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            return self._related_name(model_field.related_model, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)

    def _related_name(self, related_model, pk) -> str:
        key = (related_model, pk)
        if key not in self._related:
            related = related_model._base_manager.filter(pk=pk).first()
            self._related[key] = str(related) if related else _("deleted record #%(id)s") % {"id": pk}
        return self._related[key]
