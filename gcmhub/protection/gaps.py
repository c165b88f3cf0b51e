"""The protection-gap matrix of a country: situations of vulnerability ×
migration stages, each cell classified by one explicit rule.

Pure: plain records in (``Measure``, ``Evidence``), plain records out
(``Matrix`` of ``Cell``); no database, no translation. ``gaps_service``
gathers the records of a country and words the reasons.

The rule, applied to each (situation, stage) cell:

1. A **measure** addresses the cell when it is tagged with the situation and
   with the stage; a measure tagged with no stage (services have none)
   counts in every stage where the taxonomy says the situation arises. Measures are published
   commitments, published practices and published services of the country.
2. A measure **counts** unless it is closed: a discontinued commitment, a
   suspended or closed service. Counted measures are **weak** when they carry
   a freshness or money problem: a commitment that is overdue, stale,
   inactive (``gcmhub.commitments.flags``) or unfunded; a service not
   verified for six months (stale). Otherwise they are **sound**.
3. **Evidence of harm**: a linked indicator series (``data/harm_evidence.yaml``)
   whose latest observation for the country is above zero. Its progress
   status (``gcmhub.progress``) is shown beside it but does not change the
   rule: a "deterioration" is context, not a second threshold.
4. The cell's status, first match wins:
   ``gap``      — evidence of harm and no counted measure;
   ``weak``     — counted measures, and all of them weak;
   ``covered``  — at least one sound measure;
   ``no_evidence`` — no counted measure and no evidence of harm (which is
   not evidence that no harm happens: the data may be missing);
   ``not_applicable`` — as ``no_evidence``, in a stage where the taxonomy
   says the situation does not arise.

Every cell keeps the records and the rule that decided it (``Cell.rule``,
``Cell.measures`` with each one's ``standing``, ``Cell.evidence``).

>>> m = Measure("service", 1, "Shelter", frozenset({"trafficking"}), frozenset(), "active", ())
>>> e = Evidence("VC_HTF_DETV", "16.2.2", frozenset({"trafficking"}), frozenset(), 2019, 143.0)
>>> cells = build_matrix(["trafficking"], [m], [e], arises={"trafficking": {"transit"}}).cells
>>> [(c.stage, c.status) for c in cells]
[('pre_departure', 'not_applicable'), ('transit', 'covered'), ('destination', 'not_applicable'), ('return', 'not_applicable')]
>>> build_matrix(["trafficking"], [], [e], arises={"trafficking": {"transit"}}).cell("trafficking", "transit").status
'gap'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

METHOD_VERSION = "protection-gaps/1"
STAGES = ("pre_departure", "transit", "destination", "return")

GAP, WEAK, COVERED, NO_EVIDENCE, NOT_APPLICABLE = "gap", "weak", "covered", "no_evidence", "not_applicable"
STATUSES = (GAP, WEAK, COVERED, NO_EVIDENCE, NOT_APPLICABLE)

# The rule that decided a cell (one per status, plus the two ways to "covered").
RULE_GAP = "harm_without_measure"
RULE_WEAK = "only_weak_measures"
RULE_COVERED = "sound_measure"
RULE_NO_EVIDENCE = "no_harm_data_no_measure"
RULE_NOT_APPLICABLE = "stage_not_in_taxonomy"

# Standing of one measure in a cell.
SOUND, WEAK_MEASURE, NOT_COUNTED = "sound", "weak", "not_counted"

# Problems that make a counted measure weak.
WEAKNESSES = frozenset({"overdue", "stale", "inactive", "unfunded"})
# States that take a measure out of the count.
CLOSED_STATES = frozenset({"discontinued", "suspended", "closed"})
MEASURE_KINDS = ("commitment", "practice", "service")


@dataclass(frozen=True)
class Measure:
    """A commitment, practice or service, reduced to what the rule reads."""

    kind: str
    id: int
    title: str
    situations: frozenset[str]
    stages: frozenset[str]  # empty: every stage
    state: str  # commitment status, practice state, service state
    problems: tuple[str, ...] = ()  # overdue, stale, inactive, unfunded …
    url: str = ""

    @property
    def standing(self) -> str:
        if self.state in CLOSED_STATES:
            return NOT_COUNTED
        if WEAKNESSES.intersection(self.problems):
            return WEAK_MEASURE
        return SOUND

    def addresses(self, situation: str, stage: str, arises: frozenset[str] | None = None) -> bool:
        if situation not in self.situations:
            return False
        if self.stages:
            return stage in self.stages
        return arises is None or stage in arises


@dataclass(frozen=True)
class Evidence:
    """The latest observation of a linked indicator series for the country."""

    series: str
    indicator: str
    situations: frozenset[str]
    stages: frozenset[str]  # empty: every stage where the situation arises
    latest_year: int | None = None
    latest_value: float | None = None
    progress_status: str = ""  # from gcmhub.progress, "" when not assessed
    progress_method: str = ""
    dimension_key: str = ""
    title: str = ""
    url: str = ""

    @property
    def shows_harm(self) -> bool:
        return self.latest_value is not None and self.latest_value > 0

    def concerns(self, situation: str, stage: str, arises: frozenset[str] | None) -> bool:
        if situation not in self.situations:
            return False
        if self.stages:
            return stage in self.stages
        return arises is None or stage in arises


@dataclass(frozen=True)
class Cell:
    situation: str
    stage: str
    status: str
    rule: str
    measures: tuple[tuple[Measure, str], ...]  # (measure, standing)
    evidence: tuple[Evidence, ...]  # every linked series, with or without harm
    arises: bool = True

    @property
    def harm(self) -> tuple[Evidence, ...]:
        return tuple(item for item in self.evidence if item.shows_harm)

    def measures_with(self, standing: str) -> list[Measure]:
        return [measure for measure, their in self.measures if their == standing]

    def counts(self) -> dict[str, int]:
        return {standing: len(self.measures_with(standing)) for standing in (SOUND, WEAK_MEASURE, NOT_COUNTED)}


@dataclass(frozen=True)
class Matrix:
    situations: tuple[str, ...]
    stages: tuple[str, ...]
    cells: tuple[Cell, ...]
    method_version: str = METHOD_VERSION
    totals: dict[str, int] = field(default_factory=dict)

    def cell(self, situation: str, stage: str) -> Cell:
        for cell in self.cells:
            if cell.situation == situation and cell.stage == stage:
                return cell
        raise KeyError((situation, stage))

    def row(self, situation: str) -> list[Cell]:
        return [cell for cell in self.cells if cell.situation == situation]


def classify(
    situation: str,
    stage: str,
    measures: Iterable[Measure],
    evidence: Iterable[Evidence],
    arises: frozenset[str] | None = None,
) -> Cell:
    """One cell: the measures and evidence concerning it, and the rule's verdict."""
    mine = tuple((m, m.standing) for m in measures if m.addresses(situation, stage, arises))
    linked = tuple(e for e in evidence if e.concerns(situation, stage, arises))
    counted = [standing for _measure, standing in mine if standing != NOT_COUNTED]
    harm = any(e.shows_harm for e in linked)
    in_taxonomy = arises is None or stage in arises
    if harm and not counted:
        status, rule = GAP, RULE_GAP
    elif counted and all(standing == WEAK_MEASURE for standing in counted):
        status, rule = WEAK, RULE_WEAK
    elif counted:
        status, rule = COVERED, RULE_COVERED
    elif in_taxonomy:
        status, rule = NO_EVIDENCE, RULE_NO_EVIDENCE
    else:
        status, rule = NOT_APPLICABLE, RULE_NOT_APPLICABLE
    return Cell(situation, stage, status, rule, mine, linked, in_taxonomy)


def build_matrix(
    situations: Iterable[str],
    measures: Iterable[Measure],
    evidence: Iterable[Evidence],
    *,
    arises: Mapping[str, Iterable[str]] | None = None,
    stages: Iterable[str] = STAGES,
) -> Matrix:
    """Every cell of ``situations`` × ``stages``. ``arises`` maps a situation
    to the stages where the taxonomy says it arises (absent: every stage)."""
    situations, stages = tuple(situations), tuple(stages)
    measures, evidence = list(measures), list(evidence)
    where = {code: frozenset(found) for code, found in (arises or {}).items()}
    cells = tuple(
        classify(situation, stage, measures, evidence, where.get(situation))
        for situation in situations
        for stage in stages
    )
    totals = {status: sum(1 for cell in cells if cell.status == status) for status in STATUSES}
    return Matrix(situations, stages, cells, totals=totals)
