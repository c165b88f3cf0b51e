"""What people and other apps can ask of the framework.

Views, the API, the CLI and other apps call these functions, so the lookups
and the rules of the official-text import live in one place. Lookups raise
``NotFound`` or ``InvalidInput`` with a message fit to show a user.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from gcmhub import dataversion
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.framework.catalogue import OBJECTIVE_COUNT
from gcmhub.framework.models import (
    CALENDAR_UNTIL,
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
)
from gcmhub.framework.official_text import ParsedObjective, comparable_title, parse_official_text
from gcmhub.framework.problems import FrameworkDataError, Problem
from gcmhub.i18n import SUPPORTED as LANGUAGES

# "20a", "20 a", "20(a)", "20 (a)", "20.a"
ACTION_CODE = re.compile(r"^\s*(\d{1,2})\s*[.(]?\s*([a-zA-Z])\s*\)?\s*$")


# --- Lookups ----------------------------------------------------------------


def list_principles() -> QuerySet[Principle]:
    return Principle.objects.all()


def list_objectives() -> QuerySet[Objective]:
    """All objectives in order, with their actions prefetched."""
    return Objective.objects.prefetch_related("actions")


def get_objective(number: int) -> Objective:
    """One objective with its actions and SDG indicator links prefetched."""
    links = ObjectiveIndicator.objects.select_related("indicator__target", "policy_domain")
    objective = (
        Objective.objects.prefetch_related("actions", Prefetch("indicator_links", queryset=links))
        .filter(number=number)
        .first()
    )
    if objective is None:
        raise NotFound(
            _("There is no objective %(number)s: the Compact has objectives 1 to %(count)d.")
            % {"number": number, "count": OBJECTIVE_COUNT}
        )
    return objective


def adjacent_objectives(objective: Objective) -> tuple[Objective | None, Objective | None]:
    """The objectives just before and after ``objective`` (None at either end)."""
    numbers = [objective.number - 1, objective.number + 1]
    neighbours = {neighbour.number: neighbour for neighbour in Objective.objects.filter(number__in=numbers)}
    return neighbours.get(objective.number - 1), neighbours.get(objective.number + 1)


def parse_action_code(code: str) -> tuple[int, str]:
    """``"20a"``, ``"20 (a)"`` or ``"20.a"`` → ``(20, "a")``."""
    match = ACTION_CODE.match(code or "")
    if not match:
        raise InvalidInput(
            _("'%(code)s' is not an action reference; write the objective number and the letter, e.g. 20a.")
            % {"code": code},
            field="action",
        )
    return int(match.group(1)), match.group(2).lower()


def get_action(code: str) -> Action:
    number, letter = parse_action_code(code)
    action = Action.objects.select_related("objective").filter(objective__number=number, letter=letter).first()
    if action is None:
        raise NotFound(_("Objective %(number)s has no action (%(letter)s).") % {"number": number, "letter": letter})
    return action


def list_indicators() -> QuerySet[SdgIndicator]:
    """SDG indicators in framework order, with target, series and objectives."""
    links = ObjectiveIndicator.objects.select_related("objective", "policy_domain")
    return SdgIndicator.objects.select_related("target").prefetch_related(
        "series", Prefetch("objective_links", queryset=links)
    )


def get_indicator(code: str) -> SdgIndicator:
    indicator = list_indicators().filter(code=code.strip()).first()
    if indicator is None:
        raise NotFound(_("GCM Hub does not follow an SDG indicator %(code)s.") % {"code": code})
    return indicator


def indicator_for_series(series_code: str) -> SdgIndicator:
    """The SDG indicator that an SDMX series (``SI_RMT_COST``) reports."""
    indicator = list_indicators().filter(series__code=series_code.strip().upper()).first()
    if indicator is None:
        raise NotFound(_("GCM Hub does not know the SDG series %(code)s.") % {"code": series_code})
    return indicator


# --- MiGOF, policy domains of 10.7.2, implementation and follow-up ----------


def list_migof() -> QuerySet[MigofElement]:
    """The three principles, then the three objectives, of IOM's MiGOF, each
    with the 10.7.2 policy domains that correspond to it."""
    return MigofElement.objects.prefetch_related("policy_domains")


def list_policy_domains() -> QuerySet[PolicyDomain]:
    """PD_1 … PD_6 with their MiGOF element and the objectives they inform."""
    links = ObjectiveIndicator.objects.select_related("objective")
    return PolicyDomain.objects.select_related("migof").prefetch_related(Prefetch("objective_links", queryset=links))


def list_policy_scores() -> QuerySet[PolicyDomainScore]:
    """The 1–4 scale each 10.7.2 policy domain is scored on."""
    return PolicyDomainScore.objects.all()


def list_follow_up() -> list[FollowUpElement]:
    """Every implementation and follow-up element in the order of the file,
    with its parts, milestones and the element its schedule depends on
    loaded, in a fixed number of queries."""
    parts = FollowUpElement.objects.select_related("schedule_between").prefetch_related("milestones", "parts")
    return list(
        FollowUpElement.objects.select_related("parent", "schedule_between").prefetch_related(
            "milestones", Prefetch("parts", queryset=parts)
        )
    )


@dataclass(frozen=True)
class CalendarYear:
    """What the follow-up calendar holds for one year."""

    year: int
    meetings: tuple[FollowUpElement, ...]  # elements scheduled to meet that year
    milestones: tuple[FollowUpMilestone, ...]  # dated events of that year


def follow_up_calendar(
    elements: list[FollowUpElement] | None = None, until: int = CALENDAR_UNTIL
) -> list[CalendarYear]:
    """Year by year, from the first scheduled meeting or milestone to
    ``until``: which elements meet (IMRF every four years from 2022, regional
    reviews in the years between) and what happened or is due.

    Elements that meet every year without a known first year (the GFMD
    exchange) are not repeated in every row; pages mention them once.
    """
    elements = list_follow_up() if elements is None else elements
    meetings: dict[int, list[FollowUpElement]] = {}
    milestones: dict[int, list[FollowUpMilestone]] = {}
    for element in elements:
        for year in element.scheduled_years(until):
            meetings.setdefault(year, []).append(element)
        for milestone in element.milestones.all():
            if milestone.year <= until:
                milestones.setdefault(milestone.year, []).append(milestone)
    years = set(meetings) | set(milestones)
    if not years:
        return []
    return [
        CalendarYear(year, tuple(meetings.get(year, ())), tuple(milestones.get(year, ())))
        for year in range(min(years), until + 1)
    ]


# --- Official texts ---------------------------------------------------------


@dataclass
class TextImportReport:
    file: str
    language: str
    dry_run: bool
    objectives: list[int] = field(default_factory=list)  # imported
    actions_changed: int = 0
    actions_unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)  # objectives left out
    missing: list[int] = field(default_factory=list)  # objectives absent from the file


def import_official_texts(
    path: Path, *, language: str = "en", skip_mismatched: bool = False, dry_run: bool = False
) -> TextImportReport:
    """Fill the actions' official texts in ``language`` from a Markdown file.

    Each objective in the file must carry its official title and exactly the
    actions the Compact gives it. By default one mismatch refuses the whole
    file and nothing is written; with ``skip_mismatched`` the objectives that
    match are imported and the others reported. ``dry_run`` checks only.
    """
    if language not in LANGUAGES:
        raise InvalidInput(
            _("Unknown language '%(language)s': use en, fr or es.") % {"language": language}, field="language"
        )
    raw = _read_file(path)
    parsed, problems = parse_official_text(_decode(raw, path.name), path.name)
    if problems:
        raise FrameworkDataError(problems)

    objectives = {objective.number: objective for objective in Objective.objects.prefetch_related("actions")}
    report = TextImportReport(file=path.name, language=language, dry_run=dry_run)
    accepted = []
    for parsed_objective in parsed:
        mismatches = _mismatches(parsed_objective, objectives.get(parsed_objective.number), language, path.name)
        if mismatches:
            report.skipped += mismatches
        else:
            accepted.append(parsed_objective)
    if report.skipped and not skip_mismatched:
        raise FrameworkDataError(report.skipped)

    source = f"{path.name} (sha256 {hashlib.sha256(raw).hexdigest()[:12]})"
    changed = _apply_texts(accepted, objectives, language, source, report)
    report.objectives = [parsed_objective.number for parsed_objective in accepted]
    report.missing = sorted(set(objectives) - {parsed_objective.number for parsed_objective in parsed})
    if changed and not dry_run:
        with transaction.atomic():
            Action.objects.bulk_update(changed, [f"text_{language}", f"text_source_{language}"])
            dataversion.bump()  # bulk writes send no signals
    return report


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FrameworkDataError(
            [Problem(path.name, None, _("file"), _("cannot be read (%(error)s)") % {"error": exc.strerror or exc})]
        ) from exc


def _decode(raw: bytes, file_name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrameworkDataError([Problem(file_name, line, _("file"), _("is not UTF-8 text"))]) from exc


def _mismatches(parsed: ParsedObjective, objective: Objective | None, language: str, file_name: str) -> list[Problem]:
    field_name = _("objective %(number)d") % {"number": parsed.number}
    if objective is None:
        return [Problem(file_name, parsed.line, field_name, _("is not an objective of the Compact (1 to 23)"))]
    problems = []
    expected_title = getattr(objective, f"title_{language}")
    if comparable_title(parsed.title) != comparable_title(expected_title):
        problems.append(
            Problem(
                file_name,
                parsed.title_line,
                _("objective %(number)d title") % {"number": parsed.number},
                _("“%(found)s” is not the official title “%(expected)s”")
                % {"found": parsed.title, "expected": expected_title},
            )
        )
    found_letters = [action.letter for action in parsed.actions]
    expected_letters = [action.letter for action in objective.actions.all()]
    if sorted(found_letters) != expected_letters:
        problems.append(
            Problem(
                file_name,
                parsed.line,
                _("objective %(number)d actions") % {"number": parsed.number},
                _("the file has actions %(found)s but the objective has actions %(expected)s")
                % {"found": _letter_range(found_letters), "expected": _letter_range(expected_letters)},
            )
        )
    return problems


def _letter_range(letters: list[str]) -> str:
    letters = sorted(letters)
    if not letters:
        return _("none")
    if "".join(letters) == "".join(chr(ord(letters[0]) + i) for i in range(len(letters))):
        return f"({letters[0]})–({letters[-1]})" if len(letters) > 1 else f"({letters[0]})"
    return ", ".join(f"({letter})" for letter in letters)


def _apply_texts(
    accepted: list[ParsedObjective], objectives: dict, language: str, source: str, report: TextImportReport
) -> list[Action]:
    """Set the new texts on the action objects; return the ones that changed."""
    changed = []
    for parsed_objective in accepted:
        actions = {action.letter: action for action in objectives[parsed_objective.number].actions.all()}
        for parsed_action in parsed_objective.actions:
            action = actions[parsed_action.letter]
            if getattr(action, f"text_{language}") == parsed_action.text:
                report.actions_unchanged += 1
                continue
            setattr(action, f"text_{language}", parsed_action.text)
            setattr(action, f"text_source_{language}", source)
            changed.append(action)
    report.actions_changed = len(changed)
    return changed
