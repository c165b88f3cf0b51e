"""Load every M49 area into the database from the bundled sources.

Idempotent and all-or-nothing: the first run creates about 285 rows, a
second run with the same sources writes nothing, and an error in a source
file leaves the database as it was. It runs at the start of every test
session and on every ``gcmhub init``, so it reads the table once (twice
when it adds rows) and writes with at most one bulk insert and one bulk
update of the columns that changed. Areas no longer in the sources are kept
(users and organisations may point at them) and counted as ``not_in_source``.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone

from gcmhub import dataversion
from gcmhub.geo.models import Area
from gcmhub.geo.names import fold
from gcmhub.geo.resolver import clear_resolver_cache
from gcmhub.geo.sources import AreaRecord, build_area_records

# Record attributes that point at other areas, by M49 code.
LINK_FIELDS = ("parent", "region", "subregion", "intermediate_region")


def load_areas(records: list[AreaRecord] | None = None) -> dict[str, int]:
    """Create or update every area; returns counts by outcome."""
    records = build_area_records() if records is None else records
    with transaction.atomic():
        counts = _synchronise(records)
        dataversion.bump()  # bulk writes send no signals
        # Other processes notice through Area.updated_at; this one clears now
        # and again on commit, so a rolled-back load leaves no stale cache.
        transaction.on_commit(clear_resolver_cache)
    clear_resolver_cache()
    return counts


def _synchronise(records: list[AreaRecord]) -> dict[str, int]:
    now = timezone.now()
    existing = Area.objects.in_bulk(field_name="m49")
    new_areas = [
        Area(**_own_values(record), updated_at=now) for record in records if record.m49 not in existing
    ]
    Area.objects.bulk_create(new_areas)
    created = {area.m49 for area in new_areas}

    # New rows need their ids before links can point at them.
    areas = Area.objects.in_bulk(field_name="m49") if new_areas else existing
    changed: list[Area] = []
    changed_fields: set[str] = set()
    for record in records:
        area = areas[record.m49]
        fields_changed = _apply(area, record, areas)
        if fields_changed:
            area.updated_at = now
            changed.append(area)
            changed_fields.update(fields_changed)
    if changed:
        # Only the columns that differ: on a first load that is just the
        # links, which keeps the UPDATE small.
        Area.objects.bulk_update(changed, fields=[*sorted(changed_fields), "updated_at"])

    updated = sum(1 for area in changed if area.m49 not in created)
    source_codes = {record.m49 for record in records}
    return {
        "created": len(created),
        "updated": updated,
        "unchanged": len(records) - len(created) - updated,
        "not_in_source": sum(1 for code in areas if code not in source_codes),
    }


def _own_values(record: AreaRecord) -> dict:
    """The record's column values other than links to other areas."""
    values = {key: value for key, value in asdict(record).items() if key not in LINK_FIELDS}
    values["alt_names"] = list(record.alt_names)
    values["unverified"] = list(record.unverified)
    values["search_text"] = search_text(record)
    return values


def _apply(area: Area, record: AreaRecord, areas: dict[str, Area]) -> list[str]:
    """Copy the record onto ``area``; returns the names of the fields that changed."""
    wanted = _own_values(record)
    for link in LINK_FIELDS:
        code = getattr(record, link)
        if code and code not in areas:
            raise ValueError(f"area {record.m49} ({record.name_en}): its {link} {code} is not an area")
        wanted[link] = areas[code].pk if code else None
    changed = []
    for name, value in wanted.items():
        attribute = f"{name}_id" if name in LINK_FIELDS else name
        if getattr(area, attribute) != value:
            setattr(area, attribute, value)
            changed.append(name)
    return changed


def search_text(record: AreaRecord) -> str:
    """Every name and code of the area, folded, one per segment."""
    names = (record.name_en, record.name_fr, record.name_es, *record.alt_names)
    codes = (record.iso2, record.iso3, record.m49)
    parts = dict.fromkeys(fold(text) for text in (*names, *codes) if text)
    return " | ".join(parts)
