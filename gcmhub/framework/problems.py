"""What is wrong with a framework file, said precisely enough to fix it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.errors import InvalidInput


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = _("%(file)s, line %(line)s") % {"file": self.file, "line": self.line} if self.line else self.file
        return f"{where}, {self.field}: {self.reason}"


class FrameworkDataError(InvalidInput):
    """A framework file cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        heading = ngettext(
            "The framework data has %(count)d problem:", "The framework data has %(count)d problems:", count
        ) % {"count": count}
        super().__init__("\n".join([heading, *(f"- {problem}" for problem in self.problems)]))
