"""Read and check the framework files bundled in ``data/`` (no database).

``read_bundle()`` returns plain, immutable records or raises
``FrameworkDataError`` listing every problem with its file, line and field, so
an edit to the YAML is checked completely before anything is written.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from string import ascii_lowercase

import yaml
from django.utils.translation import gettext as _

from gcmhub.framework.problems import FrameworkDataError, Problem
from gcmhub.i18n import SUPPORTED as LANGUAGES

DATA_DIR = Path(__file__).resolve().parent / "data"
OBJECTIVE_COUNT = 23
PRINCIPLE_COUNT = 10
# Objective n is paragraph n + 16 of the resolution's annex.
FIRST_OBJECTIVE_PARAGRAPH = 17
POLICY_DOMAIN_INDICATOR = "10.7.2"
POLICY_DOMAINS = tuple(f"PD_{n}" for n in range(1, 7))

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

    @property
    def paragraph(self) -> int:
        return self.number + FIRST_OBJECTIVE_PARAGRAPH - 1


@dataclass(frozen=True)
class TargetEntry:
    code: str
    goal: int
    title: Localized


@dataclass(frozen=True)
class IndicatorEntry:
    code: str
    target_code: str
    title: Localized
    custodians: str
    series: tuple[tuple[str, str], ...]  # (series code, description)


@dataclass(frozen=True)
class LinkEntry:
    objective: int
    indicator: str
    relevance: str  # "primary" or "contextual"
    policy_domain: str  # "" or "PD_1" ... "PD_6"


@dataclass(frozen=True)
class Bundle:
    principles: tuple[PrincipleEntry, ...]
    objectives: tuple[ObjectiveEntry, ...]
    targets: tuple[TargetEntry, ...]
    indicators: tuple[IndicatorEntry, ...]
    links: tuple[LinkEntry, ...]


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

    def localized(self, mapping: _Mapping, key: str, field: str) -> Localized:
        texts = self.mapping(mapping.get(key), mapping.line_of(key), field)
        for unknown in sorted(set(map(str, texts)) - set(LANGUAGES)):
            self.fail(texts.line_of(unknown), f"{field}.{unknown}", _("is not one of the languages en, fr, es"))
        return {language: self.text(texts, language, f"{field}.{language}") for language in LANGUAGES}

    def no_unknown_keys(self, mapping: _Mapping, allowed: set[str], field: str) -> None:
        for key in sorted(set(map(str, mapping)) - allowed):
            self.fail(mapping.line_of(key), f"{field}.{key}", _("is not a known field"))


def _letters(count: int) -> list[str]:
    return list(ascii_lowercase[:count])


# --- The four files ---------------------------------------------------------


def _read_principles(checker: _FileChecker) -> tuple[PrincipleEntry, ...]:
    entries, slugs = [], []
    if checker.unreadable:
        return ()
    items = checker.sequence(checker.data, 1, _("principles"))
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
    if checker.unreadable:
        return ()
    items = checker.sequence(checker.data, 1, _("objectives"))
    for index, item in enumerate(items):
        field = _("objective %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"number", "title", "short_title", "summary", "actions"}, field)
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
        checker.no_unknown_keys(item, {"code", "title"}, field)
        code = checker.text(item, "code", f"{field}.code")
        match = TARGET_CODE.match(code)
        if code and not match:
            checker.fail(item.line_of("code"), f"{field}.code", _("should look like 10.7 or 10.c"))
        goal = int(match.group(1)) if match else 0
        if match and not 1 <= goal <= 17:
            reason = _("names goal %(goal)d; goals run from 1 to 17") % {"goal": goal}
            checker.fail(item.line_of("code"), f"{field}.code", reason)
        entries.append(TargetEntry(code=code, goal=goal, title=checker.localized(item, "title", f"{field}.title")))
        codes.append((code, item.line_of("code")))
    _check_unique(checker, codes, "code")
    return tuple(entries)


def _read_indicators(checker: _FileChecker, items: _Sequence, target_codes: set[str]) -> tuple[IndicatorEntry, ...]:
    entries, codes, series_codes = [], [], []
    for index, item in enumerate(items):
        field = _("indicator %(position)d") % {"position": index + 1}
        item = checker.mapping(item, items.line_of(index), field)
        checker.no_unknown_keys(item, {"code", "title", "custodians", "series"}, field)
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
    if checker.unreadable:
        return (), ()
    top = checker.mapping(checker.data, 1, _("file"))
    checker.no_unknown_keys(top, {"targets", "indicators"}, _("file"))
    targets = _read_targets(checker, checker.sequence(top.get("targets"), top.line_of("targets"), "targets"))
    indicator_items = checker.sequence(top.get("indicators"), top.line_of("indicators"), "indicators")
    indicators = _read_indicators(checker, indicator_items, {target.code for target in targets})
    return targets, indicators


def _read_links(checker: _FileChecker, objectives: set[int], indicators: set[str]) -> tuple[LinkEntry, ...]:
    entries = []
    if checker.unreadable:
        return ()
    top = checker.mapping(checker.data, 1, _("file"))
    for number, relevances in top.items():
        field = _("objective %(number)s") % {"number": number}
        if number not in objectives:
            checker.fail(top.line_of(number), field, _("is not an objective of the Compact (1 to 23)"))
        relevances = checker.mapping(relevances, top.line_of(number), field)
        checker.no_unknown_keys(relevances, {"primary", "contextual"}, field)
        for relevance, references in relevances.items():
            references = checker.sequence(references, relevances.line_of(relevance), f"{field}.{relevance}")
            for index, reference in enumerate(references):
                link = _read_link(checker, number, str(relevance), reference, references.line_of(index), indicators)
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
    checker: _FileChecker, number: int, relevance: str, reference, line: int, indicators: set[str]
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
    return LinkEntry(objective=number, indicator=code, relevance=relevance, policy_domain=domain)


def _check_unique(checker: _FileChecker, located_values: list[tuple[str, int]], field: str) -> None:
    """Report each repeated value at the line where it appears again."""
    seen: set[str] = set()
    for value, line in located_values:
        if value and value in seen:
            checker.fail(line, field, _("%(value)s appears more than once") % {"value": value})
        seen.add(value)


def read_bundle(data_dir: Path = DATA_DIR) -> Bundle:
    """Read the four framework files in ``data_dir`` and check them together."""
    principles_file = _FileChecker(data_dir / "principles.yaml")
    objectives_file = _FileChecker(data_dir / "objectives.yaml")
    sdg_file = _FileChecker(data_dir / "sdg.yaml")
    links_file = _FileChecker(data_dir / "objective_indicators.yaml")

    principles = _read_principles(principles_file)
    objectives = _read_objectives(objectives_file)
    targets, indicators = _read_sdg(sdg_file)
    # Links can only be checked against objectives and indicators that were read.
    references_readable = not (objectives_file.unreadable or sdg_file.unreadable)
    links = (
        _read_links(links_file, {o.number for o in objectives}, {i.code for i in indicators})
        if references_readable
        else ()
    )

    problems = [
        *principles_file.problems,
        *objectives_file.problems,
        *sdg_file.problems,
        *links_file.problems,
    ]
    if problems:
        raise FrameworkDataError(problems)
    return Bundle(principles, objectives, targets, indicators, links)
