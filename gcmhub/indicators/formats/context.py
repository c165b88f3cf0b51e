"""What every reader needs while it reads one file.

A ``Context`` turns rows into the yielded records: it counts, checks for
repeated keys (see ``duplicates``) and builds ``Problem`` records that name
the file. Readers call ``accept(observation)`` and yield what it returns.
"""

from __future__ import annotations

from .duplicates import NEW, SAME, LabelIndex, LineIndex
from .records import FormatError, Observation, Problem, ReadStats

__all__ = ["Context", "option"]


def option(options: dict | None, name: str, default=None):
    if not options:
        return default
    return options.get(name, default)


class Context:
    def __init__(self, path, stats: ReadStats | None, options: dict | None, *, labelled: bool = False):
        self.file = str(path)
        self.stats = stats if stats is not None else ReadStats()
        self.options = options or {}
        self.check_duplicates = bool(self.options.get("check_duplicates", True))
        self.index = LabelIndex() if labelled else LineIndex()

    def data_rows(self, rows):
        """The non-blank ``(line, row)`` of text rows after the header, each
        counted in the statistics; a ``FormatError`` at the end if there was none."""
        count = 0
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            self.stats.rows += 1
            yield line, row
        if count == 0:
            raise FormatError(self.file, "has a header but no data rows")

    def problem(self, line, column, reason: str, raw_row=None) -> Problem:
        self.stats.problems += 1
        if raw_row is not None:
            raw_row = tuple("" if cell is None else str(cell) for cell in raw_row)
        return Problem(self.file, line, column, reason, raw_row)

    def accept(self, obs: Observation, raw_row=None, column: str | None = None):
        """The observation, ``None`` for an identical repeat, or a ``Problem``."""
        stats = self.stats
        if self.check_duplicates:
            key = (obs.series, obs.area, obs.period, obs.dimensions)
            if isinstance(self.index, LineIndex):
                earlier = self.index.add(hash(key), hash(obs.value), obs.line)
            else:
                earlier = self.index.add(key, obs.value, obs.line)
            if earlier != NEW:
                if earlier == SAME:
                    stats.duplicates += 1
                    return None
                return self.problem(
                    obs.line,
                    column,
                    duplicate_reason(obs, earlier),
                    raw_row,
                )
        stats.observations += 1
        if obs.value is None:
            stats.missing += 1
        return obs


def describe_key(obs: Observation) -> str:
    parts = [obs.series, obs.area or "-", obs.period]
    parts.extend(f"{code}={value}" for code, value in obs.dimensions)
    return " ".join(str(p) for p in parts)


def duplicate_reason(obs: Observation, earlier) -> str:
    where = f"line {earlier}" if isinstance(earlier, int) else f"row {earlier}"
    shown = "missing" if obs.value is None else f"{obs.value:g}"
    return f"repeats the key of {where} ({describe_key(obs)}) with a different value ({shown})"
