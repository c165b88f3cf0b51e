"""The list filters of commitments: area, objective, action, kind, status,
organisation, flag and free text — one reading of them for the web list and
its downloads (and for the API, which takes the same names).

Filters narrow a queryset the caller already limited to what the reader may
see (``services.visible_commitments``); an unknown value is an error naming
the filter, never silently ignored.
"""

from dataclasses import dataclass, fields

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gcmhub.commitments import flags
from gcmhub.commitments.models import Commitment, CommitmentPartner
from gcmhub.errors import InvalidInput

# Free text is cut: nobody types more to find a commitment.
MAX_QUERY_LENGTH = 200


@dataclass
class CommitmentFilters:
    area: str = ""
    objective: str = ""
    action: str = ""
    kind: str = ""
    status: str = ""
    organization: str = ""
    flag: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "CommitmentFilters":
        """From a QueryDict or a plain dict; values stripped, area upper-cased."""
        values = {field.name: (params.get(field.name) or "").strip() for field in fields(cls)}
        values["area"] = values["area"].upper()
        values["q"] = values["q"][:MAX_QUERY_LENGTH]
        return cls(**values)

    def as_query(self) -> dict:
        return {name: value for name, value in vars(self).items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_query())


def apply_filters(queryset: QuerySet, filters: CommitmentFilters) -> QuerySet:
    """``queryset`` narrowed by ``filters``; InvalidInput names a filter whose value is unknown."""
    if filters.area:
        queryset = queryset.filter(area__iso3=filters.area)
    if filters.objective:
        queryset = queryset.filter(objective_links__objective__number=_number("objective", filters.objective))
    if filters.action:
        number, letter = _action_code(filters.action)
        queryset = queryset.filter(actions__objective__number=number, actions__letter=letter)
    if filters.kind:
        queryset = queryset.filter(kind=_choice("kind", filters.kind, Commitment.Kind.values))
    if filters.status:
        queryset = queryset.filter(status=_choice("status", filters.status, Commitment.Status.values))
    if filters.organization:
        organization = _number("organization", filters.organization)
        partnered = CommitmentPartner.objects.filter(organization_id=organization).values("commitment_id")
        queryset = queryset.filter(Q(owner_id=organization) | Q(pk__in=partnered))
    if filters.flag:
        queryset = flags.filter_by_flag(queryset, _choice("flag", filters.flag, flags.FLAGS))
    if filters.q:
        for word in filters.q.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(owner__name__icontains=word)
                | Q(owner__acronym__iexact=word)
                | Q(iati_identifier__iexact=word)
            )
    return queryset.distinct()


def _number(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(_("“%(value)s” is not a number.") % {"value": value}, field=name) from None


def _choice(name: str, value: str, allowed) -> str:
    if value not in allowed:
        raise InvalidInput(
            _("Unknown value “%(value)s”. Use one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(allowed)},
            field=name,
        )
    return value


def _action_code(value: str) -> tuple[int, str]:
    """``20a``, ``20.a`` or ``20 (a)`` → (20, "a")."""
    compact = "".join(character for character in value.lower() if character.isalnum())
    number, letter = compact[:-1], compact[-1:]
    if not number.isdigit() or not letter.isalpha():
        raise InvalidInput(
            _("“%(value)s” is not an action code such as 20a.") % {"value": value}, field="action"
        )
    return int(number), letter
