"""Read a record's django-simple-history as "who changed what, when".

Any model with ``history = HistoricalRecords()`` works, so later apps show
their records' history the same way (``actors/includes/history.html`` renders
the entries; the API returns them as JSON). Values are shown as a reader
knows them: choice labels instead of slugs, names instead of ids.

A history is read by someone, and tells them no more than the records do:

* a referenced record the reader may not see (an unpublished parent) is not
  named (``gcmhub.references``);
* editors are named by username only to staff in scope (``show_usernames``,
  decided by the app's service); everyone else sees the editor's
  organisation, if they may see it, or their role ("National focal point,
  Kenya"), which is what the public needs to know about who spoke;
* proposed changes to a published record (``gcmhub.publishing``) are shown
  to staff only: the public history lists what was published.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.forms.models import model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub import publishing, references

ACTIONS = {
    "+": ("created", gettext_lazy("created")),
    "~": ("changed", gettext_lazy("changed")),
    "-": ("deleted", gettext_lazy("deleted")),
}
PROPOSED = ("proposed", gettext_lazy("change proposed"))
DISCARDED = ("discarded", gettext_lazy("proposed change discarded"))
# Bookkeeping that says nothing to a reader: concurrency counter, proposals.
NOT_SHOWN = ("version", *publishing.PENDING_FIELDS)


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


def history_of(
    instance, *, reader, show_usernames: bool = False, exclude: tuple[str, ...] = ()
) -> list[HistoryEntry]:
    """Every saved version of ``instance``, newest first, each with what it
    changed, as ``reader`` may see it (see the module docstring).
    ``show_usernames`` also shows proposed changes: both are for staff."""
    model = type(instance)
    records = instance.history.select_related(
        "history_user__organization__area", "history_user__area"
    ).order_by("history_date", "history_id")
    names = _NameCache(reader)
    exclude = (*exclude, *NOT_SHOWN)
    entries, previous = [], None
    for record in records:
        action, action_label = ACTIONS[record.history_type]
        changes = _changes(model, previous, record, exclude, names)
        if record.history_type == "~" and not changes:
            # Only bookkeeping changed: a proposal made or dropped, which is
            # staff business; the public history lists what was published.
            if not show_usernames:
                previous = record
                continue
            proposal = _proposal_made(previous, record)
            if proposal is not None:
                action, action_label = PROPOSED
                changes = _proposed_changes(model, record, proposal, names)
            elif _proposal_dropped(previous, record):
                action, action_label = DISCARDED
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_editor(record.history_user, reader, show_usernames),
                action=action,
                action_label=str(action_label),
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


def _editor(user, reader, show_usernames: bool) -> str | None:
    if user is None:
        return None
    if show_usernames:
        return user.get_username()
    return public_editor_label(user, reader)


def public_editor_label(user, reader) -> str:
    """How an editor is named to someone who is not staff: their organisation
    (if the reader may see it), else their role and, for a focal point, country."""
    if user.organization_id and references.shown(reader, user.organization):
        return str(user.organization)
    if user.role:
        label = str(user.get_role_display())
        if user.area_id:
            return f"{label}, {user.area.tr('name')}"
        return label
    return _("Administrator") if user.is_superuser else _("Registered account")


def _proposal_made(old, new) -> dict | None:
    """The proposed changes ``new`` recorded, if it stored a new proposal."""
    if not hasattr(new, publishing.PENDING_CHANGES):
        return None
    proposal = getattr(new, publishing.PENDING_CHANGES)
    if not proposal or (old is not None and getattr(old, publishing.PENDING_CHANGES) == proposal):
        return None
    return proposal


def _proposal_dropped(old, new) -> bool:
    return bool(getattr(old, publishing.PENDING_CHANGES, None)) and not getattr(new, publishing.PENDING_CHANGES, None)


def proposed_changes(record, *, reader) -> list[Change]:
    """A publishable record's change waiting for review: each field's
    published value and proposed value, as ``reader`` may see them."""
    return _proposed_changes(type(record), record, record.pending_changes or {}, _NameCache(reader))


def _proposed_changes(model, record, proposal: dict, names) -> list[Change]:
    pairs = []
    for model_field in model._meta.concrete_fields:
        if model_field.attname in proposal:
            old = getattr(record, model_field.attname)
            pairs.append((model_field.name, old, model_field.to_python(proposal[model_field.attname])))
    return _as_changes(model, pairs, names)


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
    return _as_changes(model, pairs, names)


def _as_changes(model, pairs, names) -> list[Change]:
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
    related record up once however many versions mention it, and naming it
    only if the reader may see it."""

    def __init__(self, reader):
        self._reader = reader
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
            if related is None:
                self._related[key] = _("deleted record #%(id)s") % {"id": pk}
            elif not references.shown(self._reader, related):
                self._related[key] = _("a record you cannot see")
            else:
                self._related[key] = str(related)
        return self._related[key]
