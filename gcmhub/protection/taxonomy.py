"""The vulnerability taxonomy: situations of vulnerability, their factors by
level, the migration stages where they arise, the GCM objectives and actions
that address them, and the types of protection service.

The taxonomy is data (``data/vulnerability.yaml``, en/fr/es), checked against
a JSON schema when read; ``load_taxonomy()`` returns it as frozen
dataclasses. The database keeps one ``Situation`` row per situation code
(``sync_situations``) so that commitments, practices and services can point
at them; titles and factors are always read from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from django.utils.translation import get_language

DATA_FILE = Path(__file__).resolve().parent / "data" / "vulnerability.yaml"
SCHEMA_VERSION = 1
LANGUAGES = ("en", "fr", "es")
LEVELS = ("individual", "household", "community", "structural")
POLARITIES = ("risk", "protective")
STAGES = ("pre_departure", "transit", "destination", "return")

_CODE = {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,63}$"}
_TEXT = {
    "type": "object",
    "properties": {lang: {"type": "string", "minLength": 1, "maxLength": 600} for lang in LANGUAGES},
    "required": list(LANGUAGES),
    "additionalProperties": False,
}


def _labels(keys) -> dict:
    return {"type": "object", "properties": {k: _TEXT for k in keys}, "required": list(keys), "additionalProperties": False}


SCHEMA = {
    "type": "object",
    "required": ["schema_version", "edition", "source", "levels", "polarities", "stages", "situations", "service_types"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "edition": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "source": {"type": "string", "minLength": 1},
        "levels": _labels(LEVELS),
        "polarities": _labels(POLARITIES),
        "stages": _labels(STAGES),
        "situations": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title", "description", "stages", "objectives", "actions", "factors"],
                "additionalProperties": False,
                "properties": {
                    "code": _CODE,
                    "title": _TEXT,
                    "description": _TEXT,
                    "stages": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(STAGES)}},
                    "objectives": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "integer", "minimum": 1, "maximum": 23},
                    },
                    "actions": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {"type": "string", "pattern": "^([1-9]|1[0-9]|2[0-3])[a-z]$"},
                    },
                    "factors": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["code", "level", "polarity", "label"],
                            "additionalProperties": False,
                            "properties": {
                                "code": _CODE,
                                "level": {"enum": list(LEVELS)},
                                "polarity": {"enum": list(POLARITIES)},
                                "label": _TEXT,
                            },
                        },
                    },
                },
            },
        },
        "service_types": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title"],
                "additionalProperties": False,
                "properties": {"code": _CODE, "title": _TEXT},
            },
        },
    },
}


class TaxonomyError(ValueError):
    """The taxonomy file is malformed; the message names the place and the reason."""


def _pick(text: dict, language: str | None = None) -> str:
    lang = (language or get_language() or "en")[:2]
    return text.get(lang) or text["en"]


@dataclass(frozen=True)
class Factor:
    code: str
    level: str
    polarity: str
    label_text: dict

    def label(self, language: str | None = None) -> str:
        return _pick(self.label_text, language)


@dataclass(frozen=True)
class SituationDef:
    code: str
    title_text: dict
    description_text: dict
    stages: tuple[str, ...]
    objectives: tuple[int, ...]
    actions: tuple[str, ...]
    factors: tuple[Factor, ...]

    def title(self, language: str | None = None) -> str:
        return _pick(self.title_text, language)

    def description(self, language: str | None = None) -> str:
        return _pick(self.description_text, language)

    def factors_at(self, level: str) -> list[Factor]:
        return [f for f in self.factors if f.level == level]


@dataclass(frozen=True)
class ServiceType:
    code: str
    title_text: dict

    def title(self, language: str | None = None) -> str:
        return _pick(self.title_text, language)


@dataclass(frozen=True)
class Taxonomy:
    edition: str
    source: str
    situations: tuple[SituationDef, ...]
    service_types: tuple[ServiceType, ...]
    level_text: dict
    polarity_text: dict
    stage_text: dict

    def situation(self, code: str) -> SituationDef:
        for situation in self.situations:
            if situation.code == code:
                return situation
        raise KeyError(code)

    def service_type(self, code: str) -> ServiceType:
        for service_type in self.service_types:
            if service_type.code == code:
                return service_type
        raise KeyError(code)

    @property
    def situation_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.situations)

    @property
    def service_type_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.service_types)

    def stage_label(self, code: str, language: str | None = None) -> str:
        return _pick(self.stage_text[code], language)

    def level_label(self, code: str, language: str | None = None) -> str:
        return _pick(self.level_text[code], language)

    def polarity_label(self, code: str, language: str | None = None) -> str:
        return _pick(self.polarity_text[code], language)


def parse_taxonomy(data) -> Taxonomy:
    """Check ``data`` (the YAML's content) and build the taxonomy; TaxonomyError otherwise."""
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise TaxonomyError(f"{DATA_FILE.name}: {where}: {first.message}")
    seen: set[str] = set()
    situations = []
    for index, item in enumerate(data["situations"]):
        if item["code"] in seen:
            raise TaxonomyError(f"{DATA_FILE.name}: situations/{index}/code: duplicate code {item['code']!r}")
        seen.add(item["code"])
        factor_codes = [f["code"] for f in item["factors"]]
        if len(set(factor_codes)) != len(factor_codes):
            raise TaxonomyError(f"{DATA_FILE.name}: situations/{index}/factors: duplicate factor code")
        for action in item["actions"]:
            if int(action[:-1]) not in item["objectives"]:
                raise TaxonomyError(
                    f"{DATA_FILE.name}: situations/{index}/actions: action {action} belongs to an objective "
                    "the situation does not list"
                )
        situations.append(
            SituationDef(
                code=item["code"],
                title_text=item["title"],
                description_text=item["description"],
                stages=tuple(s for s in STAGES if s in item["stages"]),
                objectives=tuple(item["objectives"]),
                actions=tuple(item["actions"]),
                factors=tuple(
                    Factor(code=f["code"], level=f["level"], polarity=f["polarity"], label_text=f["label"])
                    for f in item["factors"]
                ),
            )
        )
    type_codes = [t["code"] for t in data["service_types"]]
    if len(set(type_codes)) != len(type_codes):
        raise TaxonomyError(f"{DATA_FILE.name}: service_types: duplicate code")
    return Taxonomy(
        edition=data["edition"],
        source=data["source"],
        situations=tuple(situations),
        service_types=tuple(ServiceType(code=t["code"], title_text=t["title"]) for t in data["service_types"]),
        level_text=data["levels"],
        polarity_text=data["polarities"],
        stage_text=data["stages"],
    )


@cache
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The bundled taxonomy (read and checked once per process)."""
    with open(path or DATA_FILE, encoding="utf-8") as handle:
        return parse_taxonomy(yaml.safe_load(handle))


def validate_stages(value) -> None:
    """A JSON list of distinct stage codes (a model field validator)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of migration stages."))
    unknown = [code for code in value if code not in STAGES]
    if unknown:
        raise ValidationError(
            _("Unknown migration stage “%(code)s”. Stages: %(codes)s.") % {"code": unknown[0], "codes": ", ".join(STAGES)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A migration stage is listed twice."))


def stage_choices() -> list[tuple[str, str]]:
    taxonomy = load_taxonomy()
    return [(code, taxonomy.stage_label(code)) for code in STAGES]


def service_type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.title()) for t in load_taxonomy().service_types]


def sync_situations(taxonomy: Taxonomy | None = None) -> dict[str, int]:
    """Bring the ``Situation`` rows in line with the taxonomy: one row per
    code, in the taxonomy's order. Idempotent; rows the taxonomy no longer
    lists are kept (records point at them) and marked not current."""
    from django.db import transaction

    from .models import Situation

    taxonomy = taxonomy or load_taxonomy()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "retired": 0}
    with transaction.atomic():
        existing = {row.code: row for row in Situation.objects.select_for_update()}
        for position, definition in enumerate(taxonomy.situations, start=1):
            row = existing.pop(definition.code, None)
            if row is None:
                Situation.objects.create(code=definition.code, position=position, is_current=True)
                counts["created"] += 1
            elif row.position != position or not row.is_current:
                row.position, row.is_current = position, True
                row.save(update_fields=["position", "is_current"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for row in existing.values():
            if row.is_current:
                row.is_current = False
                row.save(update_fields=["is_current"])
                counts["retired"] += 1
    return counts
