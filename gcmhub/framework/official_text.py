"""Read the official objective titles and action texts from a Markdown file.

The format is the one of the public transcription of A/RES/73/195 that
GCM Hub can import (docs/framework.md)::

    # Objective 1
    ## Title: Collect and utilize accurate and disaggregated data ...
    ## Associated actions
    - a. Elaborate and implement a comprehensive strategy ...

An action may continue on the lines that follow it until a blank line or
the next heading or action. Other text (an introduction, a commitment
paragraph) is ignored. This module only parses; ``services`` compares the
result with the objectives in the database.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from gcmhub.framework.problems import Problem

OBJECTIVE_HEADING = re.compile(r"^#\s+Objective\s+(\d+)\s*$", re.IGNORECASE)
TITLE_HEADING = re.compile(r"^##\s+Title\s*:\s*(.+?)\s*$", re.IGNORECASE)
ACTION_ITEM = re.compile(r"^[-*]\s+\(?([a-z])[.)]\s+(.+?)\s*$")
OTHER_HEADING = re.compile(r"^#+\s")
# PDF extraction drops the space after some commas ("statistics,including").
MISSING_SPACE = re.compile(r"([,;])(?=[^\s\d])")


@dataclass
class ParsedAction:
    letter: str
    text: str
    line: int


@dataclass
class ParsedObjective:
    number: int
    line: int
    title: str = ""
    title_line: int = 0
    actions: list[ParsedAction] = field(default_factory=list)


def comparable_title(title: str) -> str:
    """A title reduced to what matters: case, spacing and quote style do not."""
    title = unicodedata.normalize("NFKC", title).replace("’", "'").casefold()
    return " ".join(title.split()).rstrip(".")


def clean_text(text: str) -> str:
    """Collapse runs of spaces and restore a space lost after a comma."""
    return MISSING_SPACE.sub(r"\1 ", " ".join(text.split()))


def parse_official_text(text: str, file_name: str) -> tuple[list[ParsedObjective], list[Problem]]:
    """Objectives with their titles and actions, and the problems of the layout."""
    objectives: list[ParsedObjective] = []
    problems: list[Problem] = []
    current_action: ParsedAction | None = None

    def fail(line: int, field_name: str, reason: str) -> None:
        problems.append(Problem(file_name, line, field_name, reason))

    for line_number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        objective = objectives[-1] if objectives else None
        if match := OBJECTIVE_HEADING.match(line):
            objectives.append(ParsedObjective(number=int(match.group(1)), line=line_number))
            current_action = None
        elif match := TITLE_HEADING.match(line):
            current_action = None
            if objective is None:
                fail(line_number, _("title"), _("comes before any '# Objective N' heading"))
            elif objective.title:
                reason = _("objective %(number)d has a second title") % {"number": objective.number}
                fail(line_number, _("title"), reason)
            else:
                objective.title, objective.title_line = clean_text(match.group(1)), line_number
        elif match := ACTION_ITEM.match(line):
            if objective is None:
                fail(line_number, _("action"), _("comes before any '# Objective N' heading"))
                continue
            current_action = ParsedAction(letter=match.group(1), text=match.group(2), line=line_number)
            objective.actions.append(current_action)
        elif not line or OTHER_HEADING.match(line):
            current_action = None
        elif current_action is not None:
            current_action.text = f"{current_action.text} {line}"

    for objective in objectives:
        for action in objective.actions:
            action.text = clean_text(action.text)
    problems += _structure_problems(objectives, file_name)
    return objectives, problems


def _structure_problems(objectives: list[ParsedObjective], file_name: str) -> list[Problem]:
    problems = []
    seen_numbers: set[int] = set()
    for objective in objectives:
        field_name = _("objective %(number)d") % {"number": objective.number}
        if objective.number in seen_numbers:
            problems.append(Problem(file_name, objective.line, field_name, _("appears twice in the file")))
        seen_numbers.add(objective.number)
        if not objective.title:
            problems.append(Problem(file_name, objective.line, field_name, _("has no '## Title:' line")))
        seen_letters: set[str] = set()
        for action in objective.actions:
            if action.letter in seen_letters:
                problems.append(
                    Problem(
                        file_name,
                        action.line,
                        f"{field_name} ({action.letter})",
                        _("action (%(letter)s) appears twice") % {"letter": action.letter},
                    )
                )
            seen_letters.add(action.letter)
    if not objectives:
        problems.append(Problem(file_name, None, _("file"), _("contains no '# Objective N' heading")))
    return problems
