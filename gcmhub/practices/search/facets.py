"""Facet names and value labels in the reader's language."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from gcmhub.actors.models import Organization
from gcmhub.i18n import current_language
from gcmhub.practices.models import Practice, Stage

FACET_LABELS = {
    "objective": _("Objective"),
    "area": _("Country or area"),
    "region": _("Region"),
    "stage": _("Migration stage"),
    "population": _("Population group"),
    "situation": _("Situation of vulnerability"),
    "org_type": _("Type of organisation"),
    "state": _("State"),
}
# Values listed per facet on the page; the rest stay reachable by the API.
MAX_VALUES = 12


def _population_labels() -> dict:
    try:  # the taxonomy the practices app keeps (pr-repo); codes alone before it exists
        from gcmhub.practices.taxonomy import POPULATION_GROUPS
    except ImportError:
        return {}
    return POPULATION_GROUPS


def _situation_labels() -> dict:
    from gcmhub.protection.taxonomy import load_taxonomy

    return {situation.code: situation.title() for situation in load_taxonomy().situations}


@lru_cache(maxsize=16)
def _reference_labels(facet: str, language: str) -> dict[str, str]:
    """Labels of objectives and areas: reference data, read once per process
    and language (``gcmhub init`` reloads them; restart after it)."""
    if facet == "objective":
        from gcmhub.framework.models import Objective

        return {str(o.number): f"{o.number}. {o.tr('short_title')}" for o in Objective.objects.all()}
    from gcmhub.geo.models import Area

    if facet == "area":
        return {a.iso3: a.tr("name") for a in Area.objects.exclude(iso3="")}
    return {a.m49: a.tr("name") for a in Area.objects.filter(kind=Area.Kind.REGION)}


@lru_cache(maxsize=64)
def _choice_labels(facet: str, language: str) -> dict[str, str]:
    """Labels of coded choices, translated once per process and language."""
    choices = {
        "stage": lambda: dict(Stage.choices),
        "state": lambda: dict(Practice.State.choices),
        "org_type": lambda: dict(Organization.Kind.choices),
        "population": _population_labels,
        "situation": _situation_labels,
    }[facet]()
    return {value: str(label) for value, label in choices.items()}


def _labels(facet: str, values: set[str]) -> dict[str, str]:
    language = current_language()
    if facet in ("objective", "area", "region"):
        known = _reference_labels(facet, language)
        return {value: known.get(value, value) for value in values}
    known = _choice_labels(facet, language)
    return {value: known.get(value) or value.replace("_", " ") for value in values}


def _sort_key(facet: str, value: str, count: int, label: str):
    if facet == "objective" and value.isdigit():
        return (0, int(value), "")
    return (-count, 0, label.casefold())


def describe(counts: dict[tuple[str, str], int], selected: dict[str, list[str]]):
    """Facets with labelled values, for pages and the API: the values found
    in the results, and any selected value even when nothing has it now."""
    from gcmhub.practices.search.query import Facet, FacetValue

    by_facet: dict[str, dict[str, int]] = {facet: {} for facet in FACET_LABELS}
    for (name, value), count in counts.items():
        if name in by_facet:
            by_facet[name][value] = count
    facets = []
    for facet, label in FACET_LABELS.items():
        chosen = set(selected.get(facet, ()))
        values = by_facet[facet]
        values.update({value: values.get(value, 0) for value in chosen})
        labels = _labels(facet, set(values))
        entries = [
            FacetValue(value, labels.get(value, value), count, value in chosen) for value, count in values.items()
        ]
        entries.sort(key=lambda e: _sort_key(facet, e.value, e.count, e.label))
        facets.append(Facet(facet, str(label), entries))
    return facets
