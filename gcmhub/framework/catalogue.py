"""Read and check the framework files bundled in ``data/`` (no database).

``read_bundle()`` returns plain, immutable records or raises
``FrameworkDataError`` listing every problem with its file, line and field, so
an edit to the YAML is checked completely before anything is written.

Every file is a mapping that starts with a header, checked first::

    schema_version: 1        # the layout of the file; GCM Hub reads SCHEMA_VERSION
    edition: "2026-11-26"    # which version of the content this is
    source: A/RES/73/195 …   # where the content comes from
    objectives:              # then the content, under its own key
    - number: 1

A file without ``schema_version``, or with a version this code does not read,
is reported with its name and line and not read further.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from string import ascii_lowercase

import yaml
from django.utils.translation import gettext as _

from gcmhub.framework.problems import FrameworkDataError, Problem
from gcmhub.i18n import SUPPORTED as LANGUAGES

DATA_DIR = Path(__file__).resolve().parent / "data"
# The layout of the YAML files this code reads. Raise it, and the version in
# every file, when the layout changes in a way older code would misread.
SCHEMA_VERSION = 1
HEADER_KEYS = ("schema_version", "edition", "source")
FILES = (
    "principles.yaml",
    "objectives.yaml",
    "sdg.yaml",
    "objective_indicators.yaml",
    "migof.yaml",
    "policy_domains.yaml",
    "follow_up.yaml",
)
OBJECTIVE_COUNT = 23
PRINCIPLE_COUNT = 10
# Objective n is paragraph n + 16 of the resolution's annex.
FIRST_OBJECTIVE_PARAGRAPH = 17
POLICY_DOMAIN_INDICATOR = "10.7.2"
POLICY_DOMAINS = tuple(f"PD_{n}" for n in range(1, 7))
POLICY_SCORES = (1, 2, 3, 4)
MIGOF_KINDS = ("principle", "objective")
MIGOF_COUNT = 3  # three principles and three objectives
MIGOF_REFERENCE = re.compile(r"^(principle|objective) (\d)$")
# Paragraphs of the annex: implementation 40-47, follow-up and review 48-54.
FOLLOW_UP_SECTIONS = {"implementation": range(40, 48), "follow-up": range(48, 55)}
PARAGRAPH_REFERENCE = re.compile(r"^(\d{1,2})(?: \(([a-z])\))?$")
MILESTONE_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
FIRST_FOLLOW_UP_YEAR = 2018  # the Compact was adopted in December 2018

TARGET_CODE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
INDICATOR_CODE = re.compile(r"^(\d{1,2}\.(?:\d{1,2}|[a-z]))\.\d{1,2}$")
SERIES_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Localized = dict[str, str]


@dataclass(frozen=True)
class PrincipleEntry:
    letter: str
    slug: str
    name: Localized
    description: Localized


@dataclass(frozen=True)
class ActionEntry:
    letter: str
    title: Localized


@dataclass(frozen=True)
class ObjectiveEntry:
    number: int
    title: Localized
    short_title: Localized
    summary: Localized
    actions: tuple[ActionEntry, ...]
    unverified: tuple[str, ...] = ()  # languages of the title not checked against an official text

    @property
    def paragraph(self) -> int:
        return self.number + FIRST_OBJECTIVE_PARAGRAPH - 1


@dataclass(frozen=True)
class TargetEntry:
    code: str
    goal: int
    title: Localized
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorEntry:
    code: str
    target_code: str
    title: Localized
    custodians: str
    series: tuple[tuple[str, str], ...]  # (series code, description)
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkEntry:
    objective: int
    indicator: str
    relevance: str  # "primary" or "contextual"
    policy_domain: str  # "" or "PD_1" ... "PD_6"


@dataclass(frozen=True)
class FileHeader:
    file: str
    schema_version: int
    edition: str
    source: str


@dataclass(frozen=True)
class MigofEntry:
    kind: str  # "principle" or "objective"
    number: int
    name: Localized
    description: Localized
    unverified: tuple[str, ...] = ()  # languages of the name not checked against an official text

    @property
    def reference(self) -> str:
        return f"{self.kind} {self.number}"


@dataclass(frozen=True)
class ScoreEntry:
    score: int
    label: Localized


@dataclass(frozen=True)
class PolicyDomainEntry:
    code: str  # "PD_1" ... "PD_6"
    name: Localized
    description: Localized
    migof: str  # "" or a MiGOF reference such as "principle 1"

    @property
    def number(self) -> int:
        return int(self.code[3:])


@dataclass(frozen=True)
class MilestoneEntry:
    date: str  # "2019", "2019-05" or "2022-05-17"
    label: Localized
    symbol: str
    unconfirmed: tuple[str, ...]

    @property
    def year(self) -> int:
        return int(self.date[:4])


@dataclass(frozen=True)
class FollowUpEntry:
    slug: str
    kind: str  # "implementation" or "follow-up"
    paragraphs: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    name: Localized
    description: Localized
    part_of: str  # slug or ""
    coordinator: Localized | None
    executive_committee: tuple[Localized, ...]
    website: str
    first_year: int | None
    every: int | None
    between: str  # slug or ""
    milestones: tuple[MilestoneEntry, ...]


@dataclass(frozen=True)
class Bundle:
    principles: tuple[PrincipleEntry, ...]
    objectives: tuple[ObjectiveEntry, ...]
    targets: tuple[TargetEntry, ...]
    indicators: tuple[IndicatorEntry, ...]
    links: tuple[LinkEntry, ...]
    migof: tuple[MigofEntry, ...] = ()
    scores: tuple[ScoreEntry, ...] = ()
    policy_domains: tuple[PolicyDomainEntry, ...] = ()
    follow_up: tuple[FollowUpEntry, ...] = ()
    headers: tuple[FileHeader, ...] = ()


# --- YAML with line numbers -------------------------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers where it and each of its keys stand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict[str, int] = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(str(key), self.line)


class _Sequence(list):
    def __init__(self, *args):
        super().__init__(*args)
        self.line = 0
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that keeps line numbers and reports duplicate keys.

    PyYAML silently keeps the last of two equal keys; a duplicated objective
    or action letter would then vanish without a word, so it is a problem.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[str, int]] = []


def _construct_mapping(loader: _LineLoader, node):
    mapping = _Mapping()
    yield mapping
    mapping.line = node.start_mark.line + 1
    for key_node, _value_node in node.value:
        if key_node.value in mapping.key_lines:
            loader.duplicate_keys.append((key_node.value, key_node.start_mark.line + 1))
        mapping.key_lines[key_node.value] = key_node.start_mark.line + 1
    mapping.update(loader.construct_mapping(node))


def _construct_sequence(loader: _LineLoader, node):
    sequence = _Sequence()
    yield sequence
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    sequence.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class _FileChecker:
    """Collects the problems of one file; the helpers return usable values anyway."""

    def __init__(self, path: Path):
        self.file = path.name
        self.problems: list[Problem] = []
        self.header: FileHeader | None = None
        self.data = self._load(path)
        # A file that could not be parsed has nothing more worth reporting.
        self.unreadable = bool(self.problems) and self.data is None

    def _load(self, path: Path):
        try:
            loader = _LineLoader(path.read_text(encoding="utf-8"))
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
        except OSError as exc:
            self.fail(None, _("file"), _("cannot be read (%(error)s)") % {"error": exc.strerror or exc})
            return None
        except UnicodeDecodeError:
            self.fail(None, _("file"), _("is not UTF-8 text"))
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            self.fail(line, _("syntax"), _("is not valid YAML (%(error)s)") % {"error": getattr(exc, "problem", exc)})
            return None
        for key, line in loader.duplicate_keys:
            self.fail(line, key, _("appears twice in the same mapping"))
        return data

    def fail(self, line: int | None, field: str, reason: str) -> None:
        self.problems.append(Problem(self.file, line, field, reason))

    def mapping(self, value, line: int, field: str) -> _Mapping:
        if isinstance(value, _Mapping):
            return value
        self.fail(line, field, _("should be a mapping of keys to values"))
        return _Mapping()

    def sequence(self, value, line: int, field: str) -> _Sequence:
        if isinstance(value, _Sequence):
            return value
        self.fail(line, field, _("should be a list"))
        return _Sequence()

    def text(self, mapping: _Mapping, key: str, field: str, *, required: bool = True) -> str:
        value = mapping.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(mapping.line_of(key), field, _("is missing or empty"))
            return ""
        return value.strip()

    def integer(self, mapping: _Mapping, key: str, field: str, *, required: bool = True) -> int | None:
        value = mapping.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(mapping.line_of(key), field, _("should be a whole number"))
            return None
        return value

    def localized(self, mapping: _Mapping, key: str, field: str) -> Localized:
        return self.localized_value(mapping.get(key), mapping.line_of(key), field)

    def localized_value(self, value, line: int, field: str) -> Localized:
        texts = self.mapping(value, line, field)
        for unknown in sorted(set(map(str, texts)) - set(LANGUAGES)):
            self.fail(texts.line_of(unknown), f"{field}.{unknown}", _("is not one of the languages en, fr, es"))
        return {language: self.text(texts, language, f"{field}.{language}") for language in LANGUAGES}

    def unverified(self, mapping: _Mapping, field: str) -> tuple[str, ...]:
        """``unverified: [fr, es]``: the languages whose official wording has
        not been checked against an official text (none when absent)."""
        if "unverified" not in mapping:
            return ()
        languages = self.sequence(mapping["unverified"], mapping.line_of("unverified"), f"{field}.unverified")
        for index, language in enumerate(languages):
            if language not in LANGUAGES:
                reason = _("%(value)s is not one of the languages en, fr, es") % {"value": language}
                self.fail(languages.line_of(index), f"{field}.unverified", reason)
        return tuple(language for language in LANGUAGES if language in languages)

    def no_unknown_keys(self, mapping: _Mapping, allowed: set[str], field: str) -> None:
        for key in sorted(set(map(str, mapping)) - allowed):
            self.fail(mapping.line_of(key), f"{field}.{key}", _("is not a known field"))


def _letters(count: int) -> list[str]:
    return list(ascii_lowercase[:count])


# --- The header every file starts with --------------------------------------


def _read_header(checker: _FileChecker, content_keys: tuple[str, ...]) -> _Mapping | None:
    """Check ``schema_version``, ``edition`` and ``source``; return the file's
    top mapping, or None when the rest of the file must not be read.

    A missing or unknown schema version stops the reading of that file: its
    layout may differ from the one this code expects, so any further message
    would be noise. The other files are still checked.
    """
    if checker.unreadable:
        return None
    top = checker.data
    if not isinstance(top, _Mapping) or "schema_version" not in top:
        line = getattr(top, "line", 0) or 1
        checker.fail(
            line,
            "schema_version",
            _("is missing: the file should be a mapping that starts with schema_version: %(version)d, then %(keys)s")
            % {"version": SCHEMA_VERSION, "keys": ", ".join(HEADER_KEYS[1:] + content_keys)},
        )
        checker.unreadable = True
        return None
    version = top["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version != SCHEMA_VERSION:
        checker.fail(
            top.line_of("schema_version"),
            "schema_version",
            _("is %(found)s, but this version of GCM Hub reads schema_version %(version)d only")
            % {"found": version if version is not None else _("empty"), "version": SCHEMA_VERSION},
        )
        checker.unreadable = True
        return None
    checker.no_unknown_keys(top, {*HEADER_KEYS, *content_keys}, _("file"))
    edition = top.get("edition")
    if isinstance(edition, datetime.date):  # edition: 2026-11-26 without quotes
        edition = edition.isoformat()
    elif isinstance(edition, int | float) and not isinstance(edition, bool):
        edition = str(edition)
    if not isinstance(edition, str) or not edition.strip():
        reason = _("is missing or empty; give the date or number of this version")
        checker.fail(top.line_of("edition"), "edition", reason)
        edition = ""
    checker.header = FileHeader(
        file=checker.file,
        schema_version=version,
        edition=edition.strip(),
        source=checker.text(top, "source", "source"),
    )
    return top


# --- The four files ---------------------------------------------------------


def _read_principles(checker: _FileChecker) -> tuple[PrincipleEntry, ...]:
    entries, slugs = [], []
    top = _read_header(checker, ("principles",))
    if top is None:
        return ()
    items = checker.sequence(top.get("principles"), top.line_of("principles"), "principles")
    for index, item in enumerate(items):
        field = _("principle %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"letter", "slug", "name", "description"}, field)
        slug = checker.text(item, "slug", f"{field}.slug")
        if slug and not SLUG.match(slug):
            checker.fail(item.line_of("slug"), f"{field}.slug", _("should be lower-case words joined by hyphens"))
        slugs.append((slug, item.line_of("slug")))
        entries.append(
            PrincipleEntry(
                letter=checker.text(item, "letter", f"{field}.letter"),
                slug=slug,
                name=checker.localized(item, "name", f"{field}.name"),
                description=checker.localized(item, "description", f"{field}.description"),
            )
        )
    found = [entry.letter for entry in entries]
    if found != _letters(PRINCIPLE_COUNT):
        checker.fail(
            items.line,
            _("principles"),
            _("should be the ten principles lettered a to j in order, found %(letters)s")
            % {"letters": ", ".join(found) or _("none")},
        )
    _check_unique(checker, slugs, "slug")
    return tuple(entries)


def _read_objectives(checker: _FileChecker) -> tuple[ObjectiveEntry, ...]:
    entries = []
    top = _read_header(checker, ("objectives",))
    if top is None:
        return ()
    items = checker.sequence(top.get("objectives"), top.line_of("objectives"), "objectives")
    for index, item in enumerate(items):
        field = _("objective %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"number", "title", "unverified", "short_title", "summary", "actions"}, field)
        number = item.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            checker.fail(item.line_of("number"), f"{field}.number", _("should be a whole number"))
            number = 0
        entries.append(
            ObjectiveEntry(
                number=number,
                title=checker.localized(item, "title", f"{field}.title"),
                short_title=checker.localized(item, "short_title", f"{field}.short_title"),
                summary=checker.localized(item, "summary", f"{field}.summary"),
                actions=_read_actions(checker, item, field),
                unverified=checker.unverified(item, field),
            )
        )
    found = [entry.number for entry in entries]
    if found != list(range(1, OBJECTIVE_COUNT + 1)):
        checker.fail(
            items.line,
            _("objectives"),
            _("should be objectives 1 to 23 in order, found %(numbers)s")
            % {"numbers": ", ".join(map(str, found)) or _("none")},
        )
    return tuple(entries)


def _read_actions(checker: _FileChecker, objective: _Mapping, field: str) -> tuple[ActionEntry, ...]:
    actions = checker.mapping(objective.get("actions"), objective.line_of("actions"), f"{field}.actions")
    letters = [str(letter) for letter in actions]
    if letters != _letters(len(letters)) or not letters:
        checker.fail(
            actions.line,
            f"{field}.actions",
            _("should be lettered a, b, c… without gaps, found %(letters)s")
            % {"letters": ", ".join(letters) or _("none")},
        )
    return tuple(
        ActionEntry(letter=letter, title=checker.localized(actions, letter, f"{field}.actions.{letter}"))
        for letter in letters
    )


def _read_targets(checker: _FileChecker, items: _Sequence) -> tuple[TargetEntry, ...]:
    entries, codes = [], []
    for index, item in enumerate(items):
        field = _("target %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"code", "title", "unverified"}, field)
        code = checker.text(item, "code", f"{field}.code")
        match = TARGET_CODE.match(code)
        if code and not match:
            checker.fail(item.line_of("code"), f"{field}.code", _("should look like 10.7 or 10.c"))
        goal = int(match.group(1)) if match else 0
        if match and not 1 <= goal <= 17:
            reason = _("names goal %(goal)d; goals run from 1 to 17") % {"goal": goal}
            checker.fail(item.line_of("code"), f"{field}.code", reason)
        title = checker.localized(item, "title", f"{field}.title")
        entries.append(TargetEntry(code=code, goal=goal, title=title, unverified=checker.unverified(item, field)))
        codes.append((code, item.line_of("code")))
    _check_unique(checker, codes, "code")
    return tuple(entries)


def _read_indicators(checker: _FileChecker, items: _Sequence, target_codes: set[str]) -> tuple[IndicatorEntry, ...]:
    entries, codes, series_codes = [], [], []
    for index, item in enumerate(items):
        field = _("indicator %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"code", "title", "unverified", "custodians", "series"}, field)
        code = checker.text(item, "code", f"{field}.code")
        match = INDICATOR_CODE.match(code)
        if code and not match:
            checker.fail(item.line_of("code"), f"{field}.code", _("should look like 10.7.2 or 10.c.1"))
        target_code = match.group(1) if match else ""
        if match and target_code not in target_codes:
            reason = _("belongs to target %(target)s, which is not listed") % {"target": target_code}
            checker.fail(item.line_of("code"), f"{field}.code", reason)
        entries.append(
            IndicatorEntry(
                code=code,
                target_code=target_code,
                title=checker.localized(item, "title", f"{field}.title"),
                custodians=checker.text(item, "custodians", f"{field}.custodians", required=False),
                series=_read_series(checker, item, field),
                unverified=checker.unverified(item, field),
            )
        )
        codes.append((code, item.line_of("code")))
        series_codes += [(series_code, item.line_of("series")) for series_code, _description in entries[-1].series]
    _check_unique(checker, codes, "code")
    _check_unique(checker, series_codes, "series")
    return tuple(entries)


def _read_series(checker: _FileChecker, indicator: _Mapping, field: str) -> tuple[tuple[str, str], ...]:
    if "series" not in indicator:
        return ()
    series = checker.mapping(indicator["series"], indicator.line_of("series"), f"{field}.series")
    for code in series:
        if not SERIES_CODE.match(str(code)):
            reason = _("should be an SDMX code such as SI_RMT_COST")
            checker.fail(series.line_of(code), f"{field}.series.{code}", reason)
    return tuple((str(code), checker.text(series, code, f"{field}.series.{code}")) for code in series)


def _read_sdg(checker: _FileChecker) -> tuple[tuple[TargetEntry, ...], tuple[IndicatorEntry, ...]]:
    top = _read_header(checker, ("targets", "indicators"))
    if top is None:
        return (), ()
    targets = _read_targets(checker, checker.sequence(top.get("targets"), top.line_of("targets"), "targets"))
    indicator_items = checker.sequence(top.get("indicators"), top.line_of("indicators"), "indicators")
    indicators = _read_indicators(checker, indicator_items, {target.code for target in targets})
    return targets, indicators


def _read_links(
    checker: _FileChecker, objectives: set[int], indicators: set[str], domains: set[str]
) -> tuple[LinkEntry, ...]:
    entries = []
    header = _read_header(checker, ("links",))
    if header is None:
        return ()
    top = checker.mapping(header.get("links"), header.line_of("links"), "links")
    for number, relevances in top.items():
        field = _("objective %(number)s") % {"number": number}
        if number not in objectives:
            checker.fail(top.line_of(number), field, _("is not an objective of the Compact (1 to 23)"))
        relevances = checker.mapping(relevances, top.line_of(number), field)
        checker.no_unknown_keys(relevances, {"primary", "contextual"}, field)
        for relevance, references in relevances.items():
            references = checker.sequence(references, relevances.line_of(relevance), f"{field}.{relevance}")
            for index, reference in enumerate(references):
                line = references.line_of(index)
                link = _read_link(checker, number, str(relevance), reference, line, indicators, domains)
                if link:
                    entries.append(link)
    seen: set[tuple[int, str, str]] = set()
    for link in entries:
        key = (link.objective, link.indicator, link.policy_domain)
        if key in seen:
            checker.fail(
                top.line_of(link.objective),
                _("objective %(number)s") % {"number": link.objective},
                _("lists %(reference)s more than once")
                % {"reference": f"{link.indicator} {link.policy_domain}".strip()},
            )
        seen.add(key)
    return tuple(entries)


def _read_link(
    checker: _FileChecker, number: int, relevance: str, reference, line: int, indicators: set[str], domains: set[str]
) -> LinkEntry | None:
    field = _("objective %(number)s") % {"number": number} + f".{relevance}"
    code, _space, domain = str(reference).strip().partition(" ")
    domain = domain.strip()
    if code not in indicators:
        checker.fail(line, field, _("%(reference)s is not an indicator listed in sdg.yaml") % {"reference": reference})
        return None
    if domain and (code != POLICY_DOMAIN_INDICATOR or domain not in POLICY_DOMAINS):
        reason = _("%(reference)s: only 10.7.2 has policy domains, PD_1 to PD_6") % {"reference": reference}
        checker.fail(line, field, reason)
        return None
    if domain and domain not in domains:
        reason = _("%(reference)s: %(domain)s is not a policy domain listed in policy_domains.yaml") % {
            "reference": reference,
            "domain": domain,
        }
        checker.fail(line, field, reason)
        return None
    return LinkEntry(objective=number, indicator=code, relevance=relevance, policy_domain=domain)


def _check_unique(checker: _FileChecker, located_values: list[tuple[str, int]], field: str) -> None:
    """Report each repeated value at the line where it appears again."""
    seen: set[str] = set()
    for value, line in located_values:
        if value and value in seen:
            checker.fail(line, field, _("%(value)s appears more than once") % {"value": value})
        seen.add(value)


# --- MiGOF, the policy domains of 10.7.2, implementation and follow-up ------


def _read_migof(checker: _FileChecker) -> tuple[MigofEntry, ...]:
    entries = []
    top = _read_header(checker, ("elements",))
    if top is None:
        return ()
    items = checker.sequence(top.get("elements"), top.line_of("elements"), "elements")
    for index, item in enumerate(items):
        field = _("element %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"kind", "number", "name", "unverified", "description"}, field)
        kind = checker.text(item, "kind", f"{field}.kind")
        if kind and kind not in MIGOF_KINDS:
            checker.fail(item.line_of("kind"), f"{field}.kind", _("should be principle or objective"))
        entries.append(
            MigofEntry(
                kind=kind,
                number=checker.integer(item, "number", f"{field}.number") or 0,
                name=checker.localized(item, "name", f"{field}.name"),
                description=checker.localized(item, "description", f"{field}.description"),
                unverified=checker.unverified(item, field),
            )
        )
    expected = [f"{kind} {number}" for kind in MIGOF_KINDS for number in range(1, MIGOF_COUNT + 1)]
    found = [entry.reference for entry in entries]
    if found != expected:
        checker.fail(
            items.line,
            "elements",
            _("should be principles 1 to 3, then objectives 1 to 3, in order; found %(found)s")
            % {"found": ", ".join(found) or _("none")},
        )
    return tuple(entries)


def _read_policy_domains(
    checker: _FileChecker, migof: set[str] | None
) -> tuple[tuple[ScoreEntry, ...], tuple[PolicyDomainEntry, ...]]:
    """The scale and the six domains; ``migof`` is None when migof.yaml could
    not be read, and the domains' references to it are then not checked."""
    top = _read_header(checker, ("scale", "domains"))
    if top is None:
        return (), ()
    scores = []
    items = checker.sequence(top.get("scale"), top.line_of("scale"), "scale")
    for index, item in enumerate(items):
        field = _("score %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"score", "label"}, field)
        scores.append(
            ScoreEntry(
                score=checker.integer(item, "score", f"{field}.score") or 0,
                label=checker.localized(item, "label", f"{field}.label"),
            )
        )
    if tuple(score.score for score in scores) != POLICY_SCORES:
        checker.fail(
            items.line,
            "scale",
            _("should be the scores 1 to 4 in order, found %(found)s")
            % {"found": ", ".join(str(score.score) for score in scores) or _("none")},
        )
    domains = []
    items = checker.sequence(top.get("domains"), top.line_of("domains"), "domains")
    for index, item in enumerate(items):
        field = _("domain %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"code", "name", "description", "migof"}, field)
        reference = checker.text(item, "migof", f"{field}.migof", required=False)
        if reference and migof is not None and reference not in migof:
            checker.fail(
                item.line_of("migof"),
                f"{field}.migof",
                _("%(reference)s is not an element of migof.yaml (write e.g. principle 1 or objective 3)")
                % {"reference": reference},
            )
            reference = ""
        domains.append(
            PolicyDomainEntry(
                code=checker.text(item, "code", f"{field}.code"),
                name=checker.localized(item, "name", f"{field}.name"),
                description=checker.localized(item, "description", f"{field}.description"),
                migof=reference,
            )
        )
    found = tuple(domain.code for domain in domains)
    if found != POLICY_DOMAINS:
        checker.fail(
            items.line,
            "domains",
            _("should be the six policy domains PD_1 to PD_6 in order, found %(found)s")
            % {"found": ", ".join(found) or _("none")},
        )
    return tuple(scores), tuple(domains)


def _read_follow_up(checker: _FileChecker) -> tuple[FollowUpEntry, ...]:
    top = _read_header(checker, ("elements",))
    if top is None:
        return ()
    items = checker.sequence(top.get("elements"), top.line_of("elements"), "elements")
    entries: list[FollowUpEntry] = []
    for index, item in enumerate(items):
        field = _("element %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        entries.append(_read_follow_up_element(checker, item, field, {entry.slug: entry for entry in entries}))
    _check_unique(checker, [(entry.slug, items.line_of(i)) for i, entry in enumerate(entries)], "slug")
    return tuple(entries)


_FOLLOW_UP_KEYS = {
    "slug",
    "kind",
    "paragraphs",
    "unconfirmed",
    "part_of",
    "name",
    "description",
    "coordinator",
    "executive_committee",
    "website",
    "schedule",
    "milestones",
}


def _read_follow_up_element(
    checker: _FileChecker, item: _Mapping, field: str, earlier: dict[str, FollowUpEntry]
) -> FollowUpEntry:
    checker.no_unknown_keys(item, _FOLLOW_UP_KEYS, field)
    slug = checker.text(item, "slug", f"{field}.slug")
    if slug and not SLUG.match(slug):
        checker.fail(item.line_of("slug"), f"{field}.slug", _("should be lower-case words joined by hyphens"))
    kind = checker.text(item, "kind", f"{field}.kind")
    if kind and kind not in FOLLOW_UP_SECTIONS:
        checker.fail(item.line_of("kind"), f"{field}.kind", _("should be implementation or follow-up"))
        kind = ""
    part_of = checker.text(item, "part_of", f"{field}.part_of", required=False)
    if part_of:
        parent = earlier.get(part_of)
        if parent is None:
            reason = _("%(slug)s is not an element listed before this one") % {"slug": part_of}
            checker.fail(item.line_of("part_of"), f"{field}.part_of", reason)
        elif parent.part_of:
            reason = _("%(slug)s is itself part of another element; only one level is allowed") % {"slug": part_of}
            checker.fail(item.line_of("part_of"), f"{field}.part_of", reason)
        elif kind and parent.kind != kind:
            reason = _("%(slug)s is of another kind (%(kind)s)") % {"slug": part_of, "kind": parent.kind}
            checker.fail(item.line_of("part_of"), f"{field}.part_of", reason)
    website = checker.text(item, "website", f"{field}.website", required=False)
    if website and not website.startswith("https://"):
        checker.fail(item.line_of("website"), f"{field}.website", _("should be an address starting with https://"))
    coordinator = checker.localized(item, "coordinator", f"{field}.coordinator") if "coordinator" in item else None
    committee_field = f"{field}.executive_committee"
    committee = checker.sequence(
        item.get("executive_committee", _Sequence()), item.line_of("executive_committee"), committee_field
    )
    first_year, every, between = _read_schedule(checker, item, field, earlier)
    return FollowUpEntry(
        slug=slug,
        kind=kind,
        paragraphs=_read_paragraphs(checker, item, field, kind),
        unconfirmed=_read_unconfirmed(checker, item, field, {"paragraphs"}),
        name=checker.localized(item, "name", f"{field}.name"),
        description=checker.localized(item, "description", f"{field}.description"),
        part_of=part_of,
        coordinator=coordinator,
        executive_committee=tuple(
            checker.localized_value(member, committee.line_of(index), f"{committee_field}.{index + 1}")
            for index, member in enumerate(committee)
        ),
        website=website,
        first_year=first_year,
        every=every,
        between=between,
        milestones=_read_milestones(checker, item, field),
    )


def _read_paragraphs(checker: _FileChecker, item: _Mapping, field: str, kind: str) -> tuple[str, ...]:
    paragraphs = checker.sequence(item.get("paragraphs"), item.line_of("paragraphs"), f"{field}.paragraphs")
    if not paragraphs:
        checker.fail(item.line_of("paragraphs"), f"{field}.paragraphs", _("should list at least one paragraph"))
    found = []
    section = FOLLOW_UP_SECTIONS.get(kind)
    for index, reference in enumerate(paragraphs):
        reference = str(reference).strip()
        match = PARAGRAPH_REFERENCE.match(reference)
        line = paragraphs.line_of(index)
        if not match:
            reason = _("%(reference)s should look like 43 or 43 (b)") % {"reference": reference}
            checker.fail(line, f"{field}.paragraphs", reason)
            continue
        if section is not None and int(match.group(1)) not in section:
            checker.fail(
                line,
                f"{field}.paragraphs",
                _("paragraph %(number)s is not in the %(kind)s section (paragraphs %(first)d to %(last)d)")
                % {"number": match.group(1), "kind": kind, "first": section[0], "last": section[-1]},
            )
        found.append(reference)
    return tuple(found)


def _read_unconfirmed(checker: _FileChecker, item: _Mapping, field: str, allowed: set[str]) -> tuple[str, ...]:
    if "unconfirmed" not in item:
        return ()
    facts = checker.sequence(item["unconfirmed"], item.line_of("unconfirmed"), f"{field}.unconfirmed")
    for index, fact in enumerate(facts):
        if fact not in allowed:
            checker.fail(
                facts.line_of(index),
                f"{field}.unconfirmed",
                _("%(fact)s is not one of %(allowed)s") % {"fact": fact, "allowed": ", ".join(sorted(allowed))},
            )
    return tuple(str(fact) for fact in facts if fact in allowed)


def _read_schedule(
    checker: _FileChecker, item: _Mapping, field: str, earlier: dict[str, FollowUpEntry]
) -> tuple[int | None, int | None, str]:
    if "schedule" not in item:
        return None, None, ""
    field = f"{field}.schedule"
    schedule = checker.mapping(item["schedule"], item.line_of("schedule"), field)
    checker.no_unknown_keys(schedule, {"first", "every", "between"}, field)
    first = checker.integer(schedule, "first", f"{field}.first", required=False)
    every = checker.integer(schedule, "every", f"{field}.every", required=False)
    between = checker.text(schedule, "between", f"{field}.between", required=False)
    if first is not None and not FIRST_FOLLOW_UP_YEAR <= first <= 2100:
        reason = _("should be a year from %(year)d on") % {"year": FIRST_FOLLOW_UP_YEAR}
        checker.fail(schedule.line_of("first"), f"{field}.first", reason)
        first = None
    if every is not None and not 1 <= every <= 10:
        checker.fail(schedule.line_of("every"), f"{field}.every", _("should be a number of years from 1 to 10"))
        every = None
    if every is not None and between:
        checker.fail(schedule.line, field, _("gives both every and between; give one"))
    elif every is None and not between:
        checker.fail(schedule.line, field, _("should give every (a number of years) or between (an element)"))
    if between:
        other = earlier.get(between)
        if other is None or other.first_year is None or other.every is None:
            reason = _("%(slug)s is not an element listed before this one with a first year and an interval") % {
                "slug": between
            }
            checker.fail(schedule.line_of("between"), f"{field}.between", reason)
            between = ""
        elif first is None:
            checker.fail(schedule.line, field, _("between needs a first year"))
    return first, every, between


def _read_milestones(checker: _FileChecker, item: _Mapping, field: str) -> tuple[MilestoneEntry, ...]:
    if "milestones" not in item:
        return ()
    items = checker.sequence(item["milestones"], item.line_of("milestones"), f"{field}.milestones")
    entries = []
    for index, milestone in enumerate(items):
        where = f"{field}.milestones.{index + 1}"
        milestone = checker.mapping(milestone, items.line_of(index), where)
        checker.no_unknown_keys(milestone, {"date", "symbol", "label", "unconfirmed"}, where)
        date = milestone.get("date")
        date = date.isoformat() if isinstance(date, datetime.date) else str(date if date is not None else "")
        if not MILESTONE_DATE.match(date):
            reason = _("should be a date such as 2019, 2019-05 or 2022-05-17")
            checker.fail(milestone.line_of("date"), f"{where}.date", reason)
            date = "0000"
        entries.append(
            MilestoneEntry(
                date=date,
                label=checker.localized(milestone, "label", f"{where}.label"),
                symbol=checker.text(milestone, "symbol", f"{where}.symbol", required=False),
                unconfirmed=_read_unconfirmed(checker, milestone, where, {"date", "symbol"}),
            )
        )
    return tuple(entries)


def read_bundle(data_dir: Path = DATA_DIR) -> Bundle:
    """Read the framework files in ``data_dir`` and check them together."""
    checkers = {name: _FileChecker(data_dir / name) for name in FILES}

    principles = _read_principles(checkers["principles.yaml"])
    objectives = _read_objectives(checkers["objectives.yaml"])
    targets, indicators = _read_sdg(checkers["sdg.yaml"])
    migof = _read_migof(checkers["migof.yaml"])
    migof_references = None if checkers["migof.yaml"].unreadable else {entry.reference for entry in migof}
    scores, domains = _read_policy_domains(checkers["policy_domains.yaml"], migof_references)
    follow_up = _read_follow_up(checkers["follow_up.yaml"])
    # Links can only be checked against objectives, indicators and policy
    # domains that were read.
    references_readable = not any(
        checkers[name].unreadable for name in ("objectives.yaml", "sdg.yaml", "policy_domains.yaml")
    )
    links = (
        _read_links(
            checkers["objective_indicators.yaml"],
            {o.number for o in objectives},
            {i.code for i in indicators},
            {d.code for d in domains},
        )
        if references_readable
        else ()
    )

    problems = [problem for checker in checkers.values() for problem in checker.problems]
    if problems:
        raise FrameworkDataError(problems)
    return Bundle(
        principles=principles,
        objectives=objectives,
        targets=targets,
        indicators=indicators,
        links=links,
        migof=migof,
        scores=scores,
        policy_domains=domains,
        follow_up=follow_up,
        headers=tuple(checker.header for checker in checkers.values()),
    )
