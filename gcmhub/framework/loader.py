"""Put the bundled framework into the database: ``load_framework()``.

The load is idempotent and all-or-nothing: the files are read and checked
first (``catalogue.read_bundle``), then every table is brought in line in one
transaction, touching only rows whose values differ. Official action texts
imported with ``gcmhub framework import-text`` are never overwritten, because
they are not part of the bundle. Rows the bundle no longer lists are kept
(other apps may point at them), except objective–indicator links, which are
the bundle's alone and are removed.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from gcmhub.framework.catalogue import DATA_DIR, Bundle, read_bundle
from gcmhub.framework.models import (
    Action,
    Objective,
    ObjectiveIndicator,
    Principle,
    SdgIndicator,
    SdgSeries,
    SdgTarget,
    sdg_sort_key,
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class LoadSummary:
    """How many rows of each table the load created, updated, left or deleted."""

    tables: dict[str, Counts] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.tables.values())


def load_framework(data_dir: Path | None = None) -> LoadSummary:
    """Load (or bring up to date) the whole framework from ``data_dir``."""
    bundle = read_bundle(data_dir or DATA_DIR)
    summary = LoadSummary()
    with transaction.atomic():
        summary.tables["principles"] = _sync_principles(bundle)
        objectives, summary.tables["objectives"] = _sync_objectives(bundle)
        summary.tables["actions"] = _sync_actions(bundle, objectives)
        targets, summary.tables["SDG targets"] = _sync_targets(bundle)
        indicators, summary.tables["SDG indicators"] = _sync_indicators(bundle, targets)
        summary.tables["SDG series"] = _sync_series(bundle, indicators)
        summary.tables["objective–indicator links"] = _sync_links(bundle, objectives, indicators)
    return summary


def _sync(
    model: type[models.Model],
    rows: dict[Hashable, dict],
    key_of: Callable[[models.Model], Hashable],
    queryset: models.QuerySet | None = None,
) -> tuple[dict[Hashable, models.Model], Counts]:
    """Create or update ``model`` rows so that each key has the given values.

    Returns every row the bundle lists, by key, once they are all saved.
    """
    queryset = queryset if queryset is not None else model._default_manager.all()
    existing = {key_of(row): row for row in queryset}
    counts = Counts()
    to_create, to_update = [], []
    for key, values in rows.items():
        row = existing.get(key)
        if row is None:
            to_create.append(model(**values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
        else:
            counts.unchanged += 1
    model._default_manager.bulk_create(to_create)
    field_names = sorted({name for values in rows.values() for name in values})
    if to_update:
        model._default_manager.bulk_update(to_update, field_names)
    counts.created, counts.updated = len(to_create), len(to_update)
    # Read back rather than trust bulk_create to fill primary keys: not every
    # database backend returns them.
    saved = {key_of(row): row for row in (queryset.all() if to_create else existing.values())}
    return {key: saved[key] for key in rows}, counts


def _localized(name: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{name}_{language}": text for language, text in texts.items()}


def _sync_principles(bundle: Bundle) -> Counts:
    rows = {
        entry.letter: {
            "letter": entry.letter,
            "slug": entry.slug,
            **_localized("name", entry.name),
            **_localized("description", entry.description),
        }
        for entry in bundle.principles
    }
    return _sync(Principle, rows, lambda row: row.letter)[1]


def _sync_objectives(bundle: Bundle):
    rows = {
        entry.number: {
            "number": entry.number,
            "paragraph": entry.paragraph,
            **_localized("title", entry.title),
            **_localized("short_title", entry.short_title),
            **_localized("summary", entry.summary),
        }
        for entry in bundle.objectives
    }
    return _sync(Objective, rows, lambda row: row.number)


def _sync_actions(bundle: Bundle, objectives: dict) -> Counts:
    rows = {
        (objective.number, action.letter): {
            "objective_id": objectives[objective.number].pk,
            "letter": action.letter,
            **_localized("title", action.title),
        }
        for objective in bundle.objectives
        for action in objective.actions
    }
    queryset = Action.objects.select_related("objective")
    return _sync(Action, rows, lambda row: (row.objective.number, row.letter), queryset)[1]


def _sync_targets(bundle: Bundle):
    rows = {
        entry.code: {
            "code": entry.code,
            "goal": entry.goal,
            "sort_key": sdg_sort_key(entry.code),  # bulk_create skips save(), which sets it otherwise
            **_localized("title", entry.title),
        }
        for entry in bundle.targets
    }
    return _sync(SdgTarget, rows, lambda row: row.code)


def _sync_indicators(bundle: Bundle, targets: dict):
    rows = {
        entry.code: {
            "code": entry.code,
            "target_id": targets[entry.target_code].pk,
            "sort_key": sdg_sort_key(entry.code),
            "custodians": entry.custodians,
            **_localized("title", entry.title),
        }
        for entry in bundle.indicators
    }
    return _sync(SdgIndicator, rows, lambda row: row.code)


def _sync_series(bundle: Bundle, indicators: dict) -> Counts:
    rows = {
        code: {"code": code, "indicator_id": indicators[entry.code].pk, "description": description}
        for entry in bundle.indicators
        for code, description in entry.series
    }
    return _sync(SdgSeries, rows, lambda row: row.code)[1]


def _sync_links(bundle: Bundle, objectives: dict, indicators: dict) -> Counts:
    rows = {
        (link.objective, link.indicator, link.policy_domain): {
            "objective_id": objectives[link.objective].pk,
            "indicator_id": indicators[link.indicator].pk,
            "policy_domain": link.policy_domain,
            "relevance": link.relevance,
        }
        for link in bundle.links
    }
    queryset = ObjectiveIndicator.objects.select_related("objective", "indicator")

    def key_of(row):
        return (row.objective.number, row.indicator.code, row.policy_domain)

    stale = [row.pk for row in queryset if key_of(row) not in rows]
    deleted, _by_model = ObjectiveIndicator.objects.filter(pk__in=stale).delete()
    _saved, counts = _sync(ObjectiveIndicator, rows, key_of, queryset)
    counts.deleted = deleted
    return counts
