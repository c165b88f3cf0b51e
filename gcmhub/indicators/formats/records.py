"""The normalised records every reader yields.

``Observation`` is one value of one series for one area and period, in the
shape the loader stores; ``Problem`` is a row that could not be turned into
one (the import reports it and, unless ``--skip-invalid``, writes nothing);
``FormatError`` is raised when the file as a whole cannot be read.

Observations are built by the million, so ``Observation.__init__`` is a
hand-made one (see ``_install_fast_init``): the frozen-dataclass default
goes through ``object.__setattr__`` for every field and costs four times as
much.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields

__all__ = ["FormatError", "Observation", "Problem", "ReadStats", "describe_location", "make_observation"]

Line = int | str | None
Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Observation:
    """One observation, normalised.

    ``period`` is ``"2019"`` (a year), ``"2019-Q3"`` (quarter), ``"2019-07"``
    (month), ``"2019-07-15"`` (day) or an ISO 8601 interval such as
    ``"2015/2016"`` or ``"2019-01-01/2019-12-31"``; ``year`` is the first
    calendar year the period touches, for sorting and filtering.
    ``dimensions`` is sorted by code, totals omitted: the headline is ``()``.
    ``line`` is the 1-based line of the row in a text file, ``"Sheet!row"``
    in a spreadsheet, or ``"obs N"`` in an SDMX-ML message.
    """

    series: str
    indicator: str | None
    area: str | None
    area_scheme: str  # m49 | iso3 | iso2 | name | m49name | default
    period: str
    year: int
    value: float | None
    dimensions: Dimensions = ()
    unit: str | None = None
    unit_mult: int | None = None
    obs_status: str | None = None
    nature: str | None = None
    footnote: str | None = None
    source: str | None = None
    line: Line = None
    series_name: str | None = None

    @property
    def key(self) -> tuple:
        """What makes an observation unique within a file."""
        return (self.series, self.area, self.period, self.dimensions)


def _install_fast_init(cls) -> None:
    """Give a frozen slots dataclass an ``__init__`` that costs what a mutable one does.

    The instance is switched to a layout-identical subclass that allows plain
    attribute stores (compiled to direct slot writes), filled, and switched
    back. Afterwards it is an ordinary frozen instance of ``cls``.
    """
    mutable = type(
        f"_Mutable{cls.__name__}",
        (cls,),
        {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__},
    )
    all_fields = fields(cls)
    params = ", ".join(f.name if f.default is MISSING else f"{f.name}=_d{i}" for i, f in enumerate(all_fields))
    body = "".join(f"    self.{f.name} = {f.name}\n" for f in all_fields)
    namespace = {f"_d{i}": f.default for i, f in enumerate(all_fields)}
    namespace.update(_set_class=object.__setattr__, _mutable=mutable, _cls=cls)
    source = (
        f"def __init__(self, {params}):\n"
        "    _set_class(self, '__class__', _mutable)\n"
        f"{body}"
        "    self.__class__ = _cls\n"
    )
    # and a factory for hot loops: no type call, one class switch
    factory = (
        f"def make({params}):\n"
        "    self = _new(_mutable)\n"
        f"{body}"
        "    self.__class__ = _cls\n"
        "    return self\n"
    )
    namespace["_new"] = object.__new__
    exec(source, namespace)  # noqa: S102 - fixed template over the dataclass's own field names
    exec(factory, namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return namespace["make"]


make_observation = _install_fast_init(Observation)
"""``Observation(...)`` without the type call, for readers' inner loops (same arguments)."""


def describe_location(file: str | None, line: Line = None, column: str | None = None) -> str:
    """``data.csv, line 12, column "Value"`` — the prefix of every message."""
    parts = [str(file) if file else "<input>"]
    if isinstance(line, int):
        parts.append(f"line {line}")
    elif line:
        parts.append(f"row {line}" if "!" in line else str(line))
    if column is not None:
        parts.append(f'column "{column}"')
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """A row (or cell) that was not turned into an observation, and why."""

    file: str
    line: Line
    column: str | None
    reason: str
    raw_row: tuple[str, ...] | None = None

    def __str__(self) -> str:
        return f"{describe_location(self.file, self.line, self.column)}: {self.reason}"


class FormatError(Exception):
    """The file as a whole cannot be read: empty, truncated, not decodable,
    not a spreadsheet, required columns missing, …"""

    def __init__(self, file, reason: str, *, line: Line = None, column: str | None = None):
        self.file = str(file) if file is not None else None
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{describe_location(self.file, self.line, self.column)}: {self.reason}"

    def __reduce__(self):  # keep it picklable (task queues pass errors around)
        return (_rebuild_format_error, (self.file, self.reason, self.line, self.column))


def _rebuild_format_error(file, reason, line, column):
    return FormatError(file, reason, line=line, column=column)


@dataclass
class ReadStats:
    """Counts a reader keeps while it runs (pass one in as ``stats=``).

    ``rows`` counts data rows read; ``observations`` the observations yielded
    (``missing`` of them with value ``None``); ``duplicates`` identical
    repeats skipped; ``skipped`` rows deliberately left out, by reason
    (aggregates, placeholders, …); ``warnings`` notes that do not stop an
    import (unreadable metadata, …).
    """

    rows: int = 0
    observations: int = 0
    missing: int = 0
    problems: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count
