"""Put the bundled framework into the database: ``load_framework()``.

The load is idempotent and all-or-nothing: the files are read and checked
first (``catalogue.read_bundle``), then every table is brought in line in one
transaction, touching only rows whose values differ. Official action texts
imported with ``gcmhub framework import-text`` are never overwritten, because
they are not part of the bundle. Rows the bundle no longer lists are kept
(other apps may point at them), except objective–indicator links and
follow-up milestones, which are the bundle's alone and are removed.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from gcmhub import dataversion
from gcmhub.framework.catalogue import DATA_DIR, Bundle, FileHeader, read_bundle
from gcmhub.framework.models import (
    Action,
    FollowUpElement,
    FollowUpMilestone,
    MigofElement,
    Objective,
    ObjectiveIndicator,
    PolicyDomain,
    PolicyDomainScore,
    Principle,
    SdgIndicator,
    SdgSeries,
    SdgTarget,
    sdg_sort_key,
)
from gcmhub.framework.signals import sdg_titles_changed
from gcmhub.i18n import SUPPORTED as LANGUAGES


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
    # The header of each file read: schema version, edition and source.
    headers: tuple[FileHeader, ...] = ()

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.tables.values())


def load_framework(data_dir: Path | None = None) -> LoadSummary:
    """Load (or bring up to date) the whole framework from ``data_dir``."""
    bundle = read_bundle(data_dir or DATA_DIR)
    summary = LoadSummary(headers=bundle.headers)
    with transaction.atomic():
        summary.tables["principles"] = _sync_principles(bundle)
        objectives, summary.tables["objectives"] = _sync_objectives(bundle)
        summary.tables["actions"] = _sync_actions(bundle, objectives)
        targets, summary.tables["SDG targets"] = _sync_targets(bundle)
        indicators, summary.tables["SDG indicators"] = _sync_indicators(bundle, targets)
        summary.tables["SDG series"] = _sync_series(bundle, indicators)
        migof, summary.tables["MiGOF elements"] = _sync_migof(bundle)
        summary.tables["policy domain scores"] = _sync_scores(bundle)
        summary.tables["policy domains"] = _sync_policy_domains(bundle, migof)
        summary.tables["objective–indicator links"] = _sync_links(bundle, objectives, indicators)
        elements, summary.tables["follow-up elements"] = _sync_follow_up(bundle)
        summary.tables["follow-up milestones"] = _sync_milestones(bundle, elements)
        dataversion.bump()  # bulk writes send no signals
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
            "unverified": list(entry.unverified),
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
            "unverified": list(entry.unverified),
        }
        for entry in bundle.targets
    }
    return _sync(SdgTarget, rows, lambda row: row.code)


def _sync_indicators(bundle: Bundle, targets: dict):
    before = {row.code: row for row in SdgIndicator.objects.all()}
    rows = {
        entry.code: {
            "code": entry.code,
            "target_id": targets[entry.target_code].pk,
            "sort_key": sdg_sort_key(entry.code),
            "custodians": entry.custodians,
            **_localized("title", entry.title),
            "unverified": list(entry.unverified),
        }
        for entry in bundle.indicators
    }
    # Read before _sync, which updates the very objects it was given.
    old_titles = {code: {lang: getattr(row, f"title_{lang}") for lang in LANGUAGES} for code, row in before.items()}
    saved, counts = _sync(SdgIndicator, rows, lambda row: row.code)
    changes = {
        code: {
            lang: (old_titles[code][lang], getattr(row, f"title_{lang}"))
            for lang in LANGUAGES
            if old_titles[code][lang] != getattr(row, f"title_{lang}")
        }
        for code, row in saved.items()
        if code in old_titles
    }
    changes = {code: change for code, change in changes.items() if change}
    if changes:
        sdg_titles_changed.send(sender=SdgIndicator, changes=changes)
    return saved, counts


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
            # The foreign key points at PolicyDomain.code, so its value is the code.
            "policy_domain_id": link.policy_domain or None,
            "relevance": link.relevance,
        }
        for link in bundle.links
    }
    queryset = ObjectiveIndicator.objects.select_related("objective", "indicator")

    def key_of(row):
        return (row.objective.number, row.indicator.code, row.policy_domain_id or "")

    stale = [row.pk for row in queryset if key_of(row) not in rows]
    deleted, _by_model = ObjectiveIndicator.objects.filter(pk__in=stale).delete()
    _saved, counts = _sync(ObjectiveIndicator, rows, key_of, queryset)
    counts.deleted = deleted
    return counts


def _sync_migof(bundle: Bundle):
    rows = {
        entry.reference: {
            "kind": entry.kind,
            "number": entry.number,
            "position": position,
            **_localized("name", entry.name),
            "unverified": list(entry.unverified),
            **_localized("description", entry.description),
        }
        for position, entry in enumerate(bundle.migof)
    }
    return _sync(MigofElement, rows, lambda row: f"{row.kind} {row.number}")


def _sync_scores(bundle: Bundle) -> Counts:
    rows = {entry.score: {"score": entry.score, **_localized("label", entry.label)} for entry in bundle.scores}
    return _sync(PolicyDomainScore, rows, lambda row: row.score)[1]


def _sync_policy_domains(bundle: Bundle, migof: dict) -> Counts:
    rows = {
        entry.code: {
            "code": entry.code,
            "number": entry.number,
            "migof_id": migof[entry.migof].pk if entry.migof else None,
            **_localized("name", entry.name),
            **_localized("description", entry.description),
        }
        for entry in bundle.policy_domains
    }
    return _sync(PolicyDomain, rows, lambda row: row.code)[1]


def _sync_follow_up(bundle: Bundle):
    """Elements point at elements (``part_of``, ``schedule.between``) listed
    before them, so they are saved generation by generation: first those
    that point nowhere, then those that point only at saved ones, …"""
    generation: dict[str, int] = {}
    for entry in bundle.follow_up:
        references = [slug for slug in (entry.part_of, entry.between) if slug]
        generation[entry.slug] = 1 + max((generation[slug] for slug in references), default=-1)
    saved: dict = {}
    total = Counts()
    for level in sorted(set(generation.values())):
        entries = [entry for entry in bundle.follow_up if generation[entry.slug] == level]
        rows = {
            entry.slug: {
                "slug": entry.slug,
                "kind": entry.kind,
                "position": bundle.follow_up.index(entry),
                "parent_id": saved[entry.part_of].pk if entry.part_of else None,
                "paragraphs": list(entry.paragraphs),
                "unconfirmed": list(entry.unconfirmed),
                **_localized("name", entry.name),
                **_localized("description", entry.description),
                **_localized("coordinator", entry.coordinator or {"en": "", "fr": "", "es": ""}),
                "executive_committee": [dict(member) for member in entry.executive_committee],
                "website": entry.website,
                "schedule_first_year": entry.first_year,
                "schedule_every": entry.every,
                "schedule_between_id": saved[entry.between].pk if entry.between else None,
            }
            for entry in entries
        }
        queryset = FollowUpElement.objects.filter(slug__in=rows)
        level_saved, counts = _sync(FollowUpElement, rows, lambda row: row.slug, queryset)
        saved.update(level_saved)
        total.created += counts.created
        total.updated += counts.updated
        total.unchanged += counts.unchanged
    return saved, total


def _sync_milestones(bundle: Bundle, elements: dict) -> Counts:
    rows = {
        (entry.slug, position): {
            "element_id": elements[entry.slug].pk,
            "position": position,
            "date": milestone.date,
            "year": milestone.year,
            "symbol": milestone.symbol,
            "unconfirmed": list(milestone.unconfirmed),
            **_localized("label", milestone.label),
        }
        for entry in bundle.follow_up
        for position, milestone in enumerate(entry.milestones)
    }
    queryset = FollowUpMilestone.objects.select_related("element")

    def key_of(row):
        return (row.element.slug, row.position)

    stale = [row.pk for row in queryset if key_of(row) not in rows]
    deleted, _by_model = FollowUpMilestone.objects.filter(pk__in=stale).delete()
    _saved, counts = _sync(FollowUpMilestone, rows, key_of, queryset)
    counts.deleted = deleted
    return counts
