"""Review instruments: questions in domains, a scale and a scoring rule, as data.

Each instrument is a YAML file in this directory (``<code>.yaml``), checked
against ``schema.json`` (JSON Schema) and a few rules a schema cannot say
(unique keys, ascending levels, references to the framework data). A new
instrument is a new file; no code changes. ``load_instrument(code)`` reads
and checks one; ``score(instrument, ratings)`` computes its domains' scores.

Titles that are official texts (the objectives' titles, the names of the
10.7.2 policy domains and of their four levels) are never written in an
instrument: a domain names its ``objective`` or ``policy_domain`` and the
title comes from the framework data (``gcmhub/framework/data``).

This module is pure: no database, no request. Errors name the file, the line
and the field (``InstrumentError``, a list of ``Problem``).
"""

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import jsonschema
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.errors import InvalidInput
from gcmhub.framework.catalogue import _LineLoader, _Mapping, _Sequence, read_bundle
from gcmhub.framework.problems import Problem
from gcmhub.i18n import SUPPORTED as LANGUAGES
from gcmhub.i18n import current_language

DIRECTORY = Path(__file__).resolve().parent
SCHEMA_FILE = DIRECTORY / "schema.json"
SCHEMA_VERSION = 1
GCM_OBJECTIVES = "gcm-objectives"
SDG_10_7_2 = "sdg-10.7.2"
# The instruments shipped; others may be dropped in the directory.
BUILT_IN = (GCM_OBJECTIVES, SDG_10_7_2)
ANSWER_FIELDS = ("priorities", "challenges", "narrative", "justification", "evidence")
HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

Localized = dict[str, str]


class InstrumentError(InvalidInput):
    """An instrument file cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        heading = ngettext(
            "The instrument has %(count)d problem:", "The instrument has %(count)d problems:", count
        ) % {"count": count}
        super().__init__("\n".join([heading, *(f"- {problem}" for problem in self.problems)]))


def _pick(texts: Localized, language: str | None = None) -> str:
    language = language or current_language()
    return texts.get(language) or texts.get("en", "")


@dataclass(frozen=True)
class ScaleOption:
    value: str
    label: Localized
    level: int | None = None  # order on an ordinal scale; None: not on the scale
    points: Decimal | None = None  # value in a domain score

    def title(self, language: str | None = None) -> str:
        return _pick(self.label, language)


@dataclass(frozen=True)
class Scale:
    kind: str  # "ordinal" or "binary"
    options: tuple[ScaleOption, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def option(self, value: str) -> ScaleOption | None:
        return next((option for option in self.options if option.value == value), None)


@dataclass(frozen=True)
class Question:
    key: str
    title: Localized
    domain_key: str
    number: str = ""  # as shown: "7", "1a"

    def label(self, language: str | None = None) -> str:
        return _pick(self.title, language)


@dataclass(frozen=True)
class Domain:
    key: str
    title: Localized
    questions: tuple[Question, ...]
    objective: int | None = None
    policy_domain: str = ""

    def label(self, language: str | None = None) -> str:
        return _pick(self.title, language)


@dataclass(frozen=True)
class Level:
    """One class of a domain score (10.7.2: requires further progress … fully meets)."""

    code: str
    score: int
    lower: Decimal  # inclusive
    label: Localized

    def title(self, language: str | None = None) -> str:
        return _pick(self.label, language)


@dataclass(frozen=True)
class Instrument:
    code: str
    edition: str
    source: str
    title: Localized
    fields: tuple[str, ...]
    scale: Scale
    aggregation: str  # "none" or "mean_percent"
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...]
    unverified: bool = False

    def label(self, language: str | None = None) -> str:
        return _pick(self.title, language)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for domain in self.domains for question in domain.questions)

    @property
    def question_keys(self) -> tuple[str, ...]:
        return tuple(question.key for question in self.questions)

    def question(self, key: str) -> Question | None:
        return next((question for question in self.questions if question.key == key), None)

    def domain(self, key: str) -> Domain | None:
        return next((domain for domain in self.domains if domain.key == key), None)

    def level_of(self, value: Decimal) -> Level | None:
        """The class of a domain score: the highest level whose lower bound it reaches."""
        found = None
        for level in self.levels:
            if value >= level.lower:
                found = level
        return found


@dataclass(frozen=True)
class DomainScore:
    key: str
    answered: int
    total: int
    # mean_percent: 0-100 once every question is answered, else None.
    value: Decimal | None = None
    level: Level | None = None

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class InstrumentScore:
    instrument: str
    domains: dict[str, DomainScore] = field(default_factory=dict)
    # How many answers gave each rating (for "none" aggregation, the summary).
    counts: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    total: int = 0


# --- scoring -----------------------------------------------------------------------


def score(instrument: Instrument, ratings: dict[str, str]) -> InstrumentScore:
    """Per-domain scores of ``ratings`` (question key → scale value).

    Blank or unknown values count as unanswered. For ``mean_percent`` a
    domain's value is (sum of its questions' points / number of questions) ×
    100, computed only when every question of the domain is answered, then
    classified by ``instrument.levels``.
    """
    counts = {value: 0 for value in instrument.scale.values}
    domains = {}
    answered_total = 0
    for domain in instrument.domains:
        points = []
        answered = 0
        for question in domain.questions:
            option = instrument.scale.option(ratings.get(question.key) or "")
            if option is None:
                continue
            answered += 1
            counts[option.value] += 1
            if option.points is not None:
                points.append(option.points)
        answered_total += answered
        value = level = None
        total = len(domain.questions)
        if instrument.aggregation == "mean_percent" and answered == total and len(points) == total:
            value = (sum(points, Decimal(0)) / total * HUNDRED).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            level = instrument.level_of(value)
        domains[domain.key] = DomainScore(domain.key, answered, total, value, level)
    return InstrumentScore(
        instrument=instrument.code,
        domains=domains,
        counts=counts,
        answered=answered_total,
        total=len(instrument.questions),
    )


# --- loading -----------------------------------------------------------------------


def path_of(code: str) -> Path:
    return DIRECTORY / f"{code}.yaml"


def available() -> tuple[str, ...]:
    """Codes of the instrument files present, built-in ones first."""
    found = sorted(path.stem for path in DIRECTORY.glob("*.yaml"))
    return tuple([code for code in BUILT_IN if code in found] + [code for code in found if code not in BUILT_IN])


@lru_cache(maxsize=16)
def load_instrument(code: str) -> Instrument:
    """The instrument ``code`` (its YAML file here), checked; InstrumentError otherwise."""
    if code not in available():
        raise InstrumentError([Problem(f"{code}.yaml", None, "code", _("no such instrument"))])
    return read_instrument(path_of(code))


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _framework():
    return read_bundle()


def _line_at(data, path) -> int | None:
    """The line of the value at ``path`` (a jsonschema error path) in the parsed YAML."""
    line = getattr(data, "line", None)
    node = data
    for part in path:
        if isinstance(node, _Mapping):
            line = node.line_of(part)
            node = node.get(part)
        elif isinstance(node, _Sequence) and isinstance(part, int):
            line = node.line_of(part)
            node = node[part] if part < len(node) else None
        else:
            break
    return line


def _field_name(path) -> str:
    parts = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "file"


def read_instrument(path: Path) -> Instrument:
    """Read and check one instrument file."""
    name = path.name
    problems: list[Problem] = []
    try:
        loader = _LineLoader(path.read_text(encoding="utf-8"))
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except OSError as exc:
        raise InstrumentError([Problem(name, None, "file", _("cannot be read (%(error)s)") % {"error": exc})]) from exc
    except UnicodeDecodeError as exc:
        raise InstrumentError([Problem(name, None, "file", _("is not UTF-8 text"))]) from exc
    except Exception as exc:  # yaml.YAMLError and its kin
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = _("is not valid YAML (%(error)s)") % {"error": getattr(exc, "problem", exc)}
        raise InstrumentError([Problem(name, line, "syntax", reason)]) from exc
    for key, line in loader.duplicate_keys:
        problems.append(Problem(name, line, key, _("appears twice in the same mapping")))

    validator = jsonschema.Draft202012Validator(_schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(Problem(name, _line_at(data, error.absolute_path), _field_name(error.absolute_path), error.message))
    if problems:
        raise InstrumentError(problems)

    instrument = _build(name, data, problems)
    if problems:
        raise InstrumentError(problems)
    return instrument


def _build(name: str, data: _Mapping, problems: list[Problem]) -> Instrument:
    def fail(node, key, field_name: str, reason: str) -> None:
        problems.append(Problem(name, node.line_of(key) if node is not None else None, field_name, reason))

    if path_stem := Path(name).stem:
        if data["code"] != path_stem:
            fail(data, "code", "code", _("should be the file's name without .yaml (%(name)s)") % {"name": path_stem})

    bundle = _framework()
    objectives = {entry.number: entry for entry in bundle.objectives}
    policy_domains = {entry.code: entry for entry in bundle.policy_domains}
    policy_scores = {entry.score: entry.label for entry in bundle.scores}

    # The scale.
    scale_data = data["scale"]
    options = []
    seen_values: set[str] = set()
    for index, item in enumerate(scale_data["options"]):
        where = f"scale.options[{index}]"
        if item["value"] in seen_values:
            fail(item, "value", f"{where}.value", _("%(value)s is listed twice") % {"value": item["value"]})
        seen_values.add(item["value"])
        points = item.get("points")
        options.append(
            ScaleOption(
                value=item["value"],
                label=dict(item["label"]),
                level=item.get("level"),
                points=Decimal(str(points)) if points is not None else None,
            )
        )
    scale = Scale(kind=scale_data["kind"], options=tuple(options))

    uses_policy_domains = any(item.get("policy_domain") for item in data["domains"])
    # The aggregation and its levels.
    aggregation = data["aggregation"]
    method = aggregation["method"]
    levels = []
    if method == "mean_percent":
        if any(option.points is None for option in options):
            fail(scale_data, "options", "scale.options", _("every option needs points for mean_percent scoring"))
        classification = aggregation.get("classification") or _Sequence()
        if not classification:
            fail(aggregation, "method", "aggregation.classification", _("is needed for mean_percent scoring"))
        previous = None
        for index, item in enumerate(classification):
            where = f"aggregation.classification[{index}]"
            lower = Decimal(str(item["from"]))
            if previous is None and lower != 0:
                fail(item, "from", f"{where}.from", _("the first level should start at 0"))
            if previous is not None and lower <= previous:
                fail(item, "from", f"{where}.from", _("should be higher than the level before"))
            previous = lower
            # A level's name: its own label, else (for policy-domain instruments) the
            # framework's name of that score.
            label = item.get("label") or (policy_scores.get(item["score"]) if uses_policy_domains else None)
            if not label:
                fail(item, "code", f"{where}.label", _("is needed (or domains that are policy domains)"))
            levels.append(Level(code=item["code"], score=item["score"], lower=lower, label=dict(label or {})))
        if len({level.code for level in levels}) != len(levels):
            fail(aggregation, "classification", "aggregation.classification", _("codes should be unique"))
    elif aggregation.get("classification"):
        fail(aggregation, "classification", "aggregation.classification", _("only mean_percent scoring has levels"))

    # Domains and questions.
    domains = []
    keys: set[str] = set()
    for index, item in enumerate(data["domains"]):
        where = f"domains[{index}]"
        key = item["key"]
        if key in keys:
            fail(item, "key", f"{where}.key", _("%(value)s is used twice") % {"value": key})
        keys.add(key)
        objective = item.get("objective")
        policy_domain = item.get("policy_domain", "")
        title: Localized = dict(item.get("title") or {})
        if objective is not None:
            entry = objectives.get(objective)
            if entry is None:
                fail(item, "objective", f"{where}.objective", _("is not an objective of the framework data"))
                continue
            title = dict(entry.title)
            questions = (Question(key=key, title=title, domain_key=key, number=str(objective)),)
        else:
            if policy_domain:
                entry = policy_domains.get(policy_domain)
                if entry is None:
                    fail(item, "policy_domain", f"{where}.policy_domain", _("is not in the framework data"))
                else:
                    title = dict(entry.name)
            if not title:
                fail(item, "key", f"{where}.title", _("is needed (or an objective or policy_domain)"))
            questions = []
            for question_index, question in enumerate(item["questions"]):
                if question["key"] in keys:
                    fail(
                        question, "key", f"{where}.questions[{question_index}].key",
                        _("%(value)s is used twice") % {"value": question["key"]},
                    )  # fmt: skip
                keys.add(question["key"])
                questions.append(
                    Question(
                        key=question["key"], title=dict(question["title"]), domain_key=key, number=question["key"]
                    )
                )
            questions = tuple(questions)
        domains.append(
            Domain(key=key, title=title, questions=questions, objective=objective, policy_domain=policy_domain)
        )
    for language in LANGUAGES:
        for domain in domains:
            if not domain.title.get(language):
                fail(data, "domains", f"domains.{domain.key}.title.{language}", _("is missing"))
    return Instrument(
        code=data["code"],
        edition=data["edition"],
        source=data["source"],
        title=dict(data["title"]),
        fields=tuple(data["fields"]),
        scale=scale,
        aggregation=method,
        levels=tuple(levels),
        domains=tuple(domains),
        unverified=bool(data.get("unverified", False)),
    )


def check_all() -> list[Problem]:
    """Every problem of every instrument file (empty when all are fine)."""
    problems: list[Problem] = []
    for code in available():
        try:
            read_instrument(path_of(code))
        except InstrumentError as error:
            problems.extend(error.problems)
    return problems
