"""Review reports assembled from the platform's data: one neutral tree per report.

``build_report(review, kind, language)`` reads a review, its self-assessment,
the indicator scorecard of its area, the area's published commitments and
practices, and returns a :class:`~gcmhub.reports.document.ReportDocument`
that every format renders (``gcmhub.reports.render``). Four kinds:

* ``vgr`` — a Voluntary GCM Review (docs/reports.md explains the structure:
  no official template exists);
* ``regional`` — a shorter submission to a regional review, same sources;
* ``vnr`` — the migration chapter of an SDG Voluntary National Review,
  organised around the migration-related SDG targets;
* ``10.7.2`` — the answers to the SDG 10.7.2 instrument.

Whatever the kind, every objective has its own section keyed ``objective-N``
titled "Objective N — <official title>" in the report's language, so readers
and tools find it. Missing data is said, never filled in: a country with no
self-assessment, no indicator data and no commitment gets a report that says
so objective by objective.

Only **published** commitments, updates and practices are read, so a report
(and a published snapshot of it) never reveals a draft; the self-assessment
is the review's own, with its state stated in the methodology.

Text is translated and numbers and dates formatted for the report's language
here, once, under ``translation.override``: every renderer prints the same
figure. ``build(review, kind, language)`` also returns the raw data the
document was built from (stored with a published snapshot).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import formats, translation
from django.utils.translation import gettext as _

from gcmhub.i18n import SUPPORTED, localized

from .document import BulletList, Chart, Note, Paragraph, ReportDocument, Section, Source, Table

KINDS = ("vgr", "regional", "vnr", "10.7.2")
LANGUAGES = SUPPORTED
GCM_INSTRUMENT = "gcm-objectives"
SDG_INSTRUMENT = "sdg-10.7.2"
# Items listed per objective before "and N more" (keeps a 23-objective report readable).
MAX_LISTED = 30

Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    pass


# --- formatting ---------------------------------------------------------------------------------


def format_number(value, language: str | None = None) -> str:
    """A number as the report prints it: grouped thousands, at most two
    decimals, in the report's language (``1 234,5`` in French). Called under
    ``translation.override`` by the builder; tests call it to compare."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—"

    def fmt() -> str:
        if isinstance(value, int) or float(value).is_integer():
            return formats.number_format(int(round(value)), decimal_pos=0, use_l10n=True, force_grouping=True)
        return formats.number_format(round(float(value), 2), decimal_pos=2, use_l10n=True, force_grouping=True)

    if language:
        with translation.override(language):
            return fmt()
    return fmt()


def format_date(value, language: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if language:
        with translation.override(language):
            return formats.date_format(value, "DATE_FORMAT", use_l10n=True)
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


def objective_heading(number: int, title: str) -> str:
    """"Objective 7 — <title>" in the active language."""
    return _("Objective %(number)s — %(title)s") % {"number": number, "title": title}


# --- the data a report reads -------------------------------------------------------------------


@dataclass
class _AnswerView:
    rating: str = ""
    score: Any = None
    narrative: str = ""
    priorities: str = ""
    challenges: str = ""
    evidence: list = field(default_factory=list)


@dataclass
class ReportData:
    """Everything read from the database, once, before the sections are written."""

    review: Any
    area: Any
    areas: list  # the countries covered (the area itself, or a region's members)
    objectives: list
    answer_set: Any
    answers: dict[str, _AnswerView]
    sdg_answer_set: Any
    sdg_answers: dict[str, _AnswerView]
    scorecard: Any
    commitments_by_objective: dict[int, list]
    commitments: list
    practices_by_objective: dict[int, list]
    practices: list
    consultations: list
    milestones: list
    scorecard_sets: list
    is_demo: bool


def _model(name: str):
    from django.apps import apps

    return apps.get_model("reviews", name)


def _answers_of(answer_set) -> dict[str, _AnswerView]:
    if answer_set is None:
        return {}
    Answer = _model("Answer")
    views = {}
    for answer in Answer.objects.filter(answer_set=answer_set):
        views[answer.question_key] = _AnswerView(
            rating=getattr(answer, "rating", "") or "",
            score=getattr(answer, "score", None),
            narrative=(getattr(answer, "narrative", "") or getattr(answer, "justification", "") or "").strip(),
            priorities=(getattr(answer, "priorities", "") or "").strip(),
            challenges=(getattr(answer, "challenges", "") or "").strip(),
            evidence=list(getattr(answer, "evidence", None) or []),
        )
    return views


def _official_set(review, instrument_code: str):
    AnswerSet = _model("AnswerSet")
    return (
        AnswerSet.objects.filter(review=review, kind="official", instrument_code=instrument_code)
        .order_by("pk")
        .first()
    )


def read_data(review, *, need_scorecard: bool = True) -> ReportData:
    from gcmhub.commitments.models import Commitment, CommitmentUpdate
    from gcmhub.framework.models import Objective
    from gcmhub.geo.models import Area
    from gcmhub.practices.models import Practice
    from gcmhub.progress import defaults
    from gcmhub.progress.scorecards import country_scorecard

    area = review.area
    if area.kind == Area.Kind.COUNTRY:
        areas = [area]
    else:
        areas = list(Area.objects.countries().within(area.m49).order_by("name_en"))
    area_ids = [a.pk for a in areas] or [area.pk]

    objectives = list(Objective.objects.order_by("number"))
    answer_set = _official_set(review, GCM_INSTRUMENT)
    sdg_set = _official_set(review, SDG_INSTRUMENT)

    published_updates = Prefetch(
        "updates",
        queryset=CommitmentUpdate.objects.filter(is_published=True).order_by("-reported_on", "-pk"),
        to_attr="published_updates",
    )
    commitments = list(
        Commitment.objects.filter(area_id__in=area_ids, is_published=True)
        .select_related("owner", "area")
        .prefetch_related("objectives", "amounts", published_updates)
        .order_by("title", "pk")
    )
    by_objective: dict[int, list] = defaultdict(list)
    for commitment in commitments:
        for objective in commitment.objectives.all():
            by_objective[objective.number].append(commitment)

    practices = list(
        Practice.objects.filter(areas__in=area_ids, is_published=True)
        .distinct()
        .prefetch_related("objectives")
        .order_by("title", "pk")
    )
    practices_by_objective: dict[int, list] = defaultdict(list)
    for practice in practices:
        for objective in practice.objectives.all():
            practices_by_objective[objective.number].append(practice)

    consultations, milestones = [], []
    try:
        consultations = list(
            _model("Consultation").objects.filter(review=review).select_related("organization").order_by("date", "pk")
        )
        milestones = list(_model("ReviewMilestone").objects.filter(review=review).order_by("due", "pk"))
    except LookupError:  # pragma: no cover - the reviews app always has them
        pass
    scorecard_sets = list(
        _model("AnswerSet")
        .objects.filter(review=review, kind="scorecard", state="published", instrument_code=GCM_INSTRUMENT)
        .select_related("organization")
        .order_by("pk")
    )

    scorecard = country_scorecard(area, defaults.DEFAULT_METHOD) if need_scorecard else None
    is_demo = bool(
        getattr(review, "is_demo", False)
        or any(c.is_demo for c in commitments)
        or any(p.is_demo for p in practices)
    )
    return ReportData(
        review=review,
        area=area,
        areas=areas,
        objectives=objectives,
        answer_set=answer_set,
        answers=_answers_of(answer_set),
        sdg_answer_set=sdg_set,
        sdg_answers=_answers_of(sdg_set),
        scorecard=scorecard,
        commitments_by_objective=by_objective,
        commitments=commitments,
        practices_by_objective=practices_by_objective,
        practices=practices,
        consultations=consultations,
        milestones=milestones,
        scorecard_sets=scorecard_sets,
        is_demo=is_demo,
    )


# --- the builder ---------------------------------------------------------------------------------


class _Builder:
    """Writes one report; ``data`` (raw values used) accumulates alongside."""

    def __init__(self, data: ReportData, kind: str, language: str, progress: Progress):
        self.d = data
        self.kind = kind
        self.language = language
        self.progress = progress
        self.sources: list[Source] = []
        self._source_numbers: dict[str, int] = {}
        self.raw: dict[str, Any] = {"review": data.review.pk, "kind": kind, "language": language, "objectives": {}}

    # -- helpers

    def num(self, value) -> str:
        return format_number(value)

    def date(self, value) -> str:
        return format_date(value)

    def source(self, key: str, title: str, url: str = "", detail: str = "") -> int:
        if key not in self._source_numbers:
            number = len(self.sources) + 1
            self.sources.append(Source(number=number, title=title, url=url, detail=detail))
            self._source_numbers[key] = number
        return self._source_numbers[key]

    def cite(self, *numbers: int) -> str:
        return " " + "".join(f"[{n}]" for n in numbers)

    def objective_title(self, objective) -> str:
        return objective_heading(objective.number, localized(objective, "title", self.language))

    def rating_label(self, rating: str) -> str:
        labels = {
            "well_developed": _("Well developed"),
            "developing": _("Developing"),
            "room_to_develop": _("Room to develop"),
            "not_applicable": _("Not applicable"),
        }
        return labels.get(rating, rating or _("Not rated"))

    def status_label(self, status: str) -> str:
        from gcmhub.progress.models import Status

        try:
            return str(Status(status).label)
        except ValueError:
            return status

    # -- sources

    def framework_source(self) -> int:
        return self.source(
            "gcm",
            _("Global Compact for Safe, Orderly and Regular Migration (A/RES/73/195)"),
            "https://undocs.org/A/RES/73/195",
            _("Official objective titles as loaded in GCM Hub's framework data"),
        )

    def self_assessment_source(self) -> int:
        review = self.d.review
        state = getattr(self.d.answer_set, "state", "") if self.d.answer_set else ""
        return self.source(
            "self-assessment",
            _("Self-assessment of the review “%(title)s”") % {"title": review.title},
            "",
            _("GCM Hub, review %(id)s, state: %(state)s") % {"id": review.pk, "state": state or _("not started")},
        )

    def commitments_source(self) -> int:
        return self.source(
            "commitments",
            _("GCM Hub commitments and pledges registry (published records)"),
            "",
            _("%(area)s, read on %(date)s") % {"area": self.area_name, "date": self.today_label},
        )

    def practices_source(self) -> int:
        return self.source(
            "practices",
            _("GCM Hub repository of practices (published records)"),
            "",
            _("%(area)s, read on %(date)s") % {"area": self.area_name, "date": self.today_label},
        )

    def series_source(self, assessment) -> int:
        series = assessment.series
        names = ", ".join(str(s) for s in (assessment.sources or []) if s) or _("source not recorded")
        return self.source(
            f"series:{series.code}",
            f"{series.code} — {series.description or series.code}",
            "",
            names,
        )

    def sdg_framework_source(self) -> int:
        return self.source(
            "sdg",
            _("Global indicator framework for the Sustainable Development Goals (A/RES/71/313)"),
            "https://undocs.org/A/RES/71/313",
            _("Migration-related targets and indicators as loaded in GCM Hub's framework data"),
        )

    # -- the whole report

    def build(self) -> ReportDocument:
        review, area = self.d.review, self.d.area
        self.area_name = localized(area, "name", self.language)
        self.today_label = self.date(datetime.date.today())
        titles = {
            "vgr": _("Voluntary GCM Review"),
            "regional": _("Regional review submission"),
            "vnr": _("Migration chapter for the Voluntary National Review"),
            "10.7.2": _("SDG indicator 10.7.2: answers"),
        }
        period = _("Period covered: %(start)s to %(end)s") % {
            "start": self.date(review.period_start),
            "end": self.date(review.period_end),
        }
        subtitle = " · ".join(part for part in (review.title, getattr(review, "forum", ""), period) if part)
        sections = getattr(self, f"sections_{self.kind.replace('.', '_')}")()
        demo = ""
        if self.d.is_demo:
            demo = _(
                "This report contains invented demonstration data (marked as demo in GCM Hub). "
                "It does not describe any real country's policies or results."
            )
        self.raw["sources"] = len(self.sources)
        return ReportDocument(
            kind=self.kind,
            language=self.language,
            title=f"{titles[self.kind]} — {self.area_name}",
            subtitle=subtitle,
            area_code=area.iso3 or area.m49,
            area_name=self.area_name,
            date_label=self.today_label,
            sections=sections,
            sources=self.sources,
            demo_notice=demo,
        )

    def _objective_sections(self, write: Callable[[Any], Section], start: int, end: int) -> list[Section]:
        sections = []
        total = len(self.d.objectives) or 1
        for index, objective in enumerate(self.d.objectives):
            sections.append(write(objective))
            self.progress(start + (end - start) * (index + 1) // total, self.objective_title(objective))
        return sections

    # -- VGR

    def sections_vgr(self) -> list[Section]:
        self.progress(5, _("Methodology and consultation"))
        sections = [self.methodology(), self.policy_framework()]
        sections += self._objective_sections(self.objective_vgr, 10, 80)
        sections += [self.sdg_links(), self.challenges(), self.means(), self.next_steps(), self.annex()]
        return sections

    def sections_regional(self) -> list[Section]:
        self.progress(5, _("Methodology and consultation"))
        sections = [self.methodology(short=True)]
        sections += self._objective_sections(self.objective_regional, 10, 80)
        sections += [self.challenges(), self.next_steps(), self.annex()]
        return sections

    def sections_vnr(self) -> list[Section]:
        self.progress(5, _("Methodology and consultation"))
        sections = [self.methodology(short=True), self.sdg_targets()]
        sections += self._objective_sections(self.objective_vnr, 15, 80)
        sections += [self.challenges(), self.annex()]
        return sections

    def sections_10_7_2(self) -> list[Section]:
        self.progress(5, _("Methodology and consultation"))
        sections = [self.methodology(short=True), self.sdg_domains()]
        sections += self._objective_sections(self.objective_1072, 30, 80)
        sections += [self.annex()]
        return sections

    # -- methodology and framework

    def methodology(self, short: bool = False) -> Section:
        review = self.d.review
        n_sa = self.self_assessment_source()
        blocks: list = []
        facts = [
            _("Review: %(title)s") % {"title": review.title},
            _("Kind of review: %(kind)s") % {"kind": _review_kind_label(review.kind)},
            _("Status: %(status)s") % {"status": _review_status_label(review.status)},
            _("Period covered: %(start)s to %(end)s")
            % {"start": self.date(review.period_start), "end": self.date(review.period_end)},
        ]
        if getattr(review, "forum", ""):
            facts.append(_("Feeds: %(forum)s") % {"forum": review.forum})
        if getattr(review, "deadline", None):
            facts.append(_("Deadline: %(date)s") % {"date": self.date(review.deadline)})
        organization = getattr(review, "coordinating_organization", None)
        if organization is not None:
            facts.append(_("Coordinated by: %(name)s") % {"name": organization.name})
        blocks.append(BulletList(facts))

        answered = sum(1 for key, a in self.d.answers.items() if key.startswith("objective-") and a.rating)
        if self.d.answer_set is None:
            blocks.append(Note(_("The self-assessment has not been started: no objective is rated yet.")))
        else:
            blocks.append(
                Paragraph(
                    _(
                        "The self-assessment rates each of the 23 objectives on a four-level scale "
                        "(well developed, developing, room to develop, not applicable). "
                        "%(answered)s of %(total)s objectives are rated; the self-assessment is %(state)s."
                    )
                    % {
                        "answered": self.num(answered),
                        "total": self.num(len(self.d.objectives)),
                        "state": _answer_set_state_label(self.d.answer_set.state),
                    }
                    + self.cite(n_sa)
                )
            )
        self.raw["objectives_rated"] = answered
        blocks.append(
            Paragraph(
                _(
                    "Indicator results come from GCM Hub's stored progress assessments (method: %(method)s); "
                    "commitments and practices are the published records of the platform. "
                    "Sections headed by an objective say so where no data exist. "
                    "Objective titles are the official ones."
                )
                % {"method": self.d.scorecard.method if self.d.scorecard else "—"}
                + self.cite(self.framework_source())
            )
        )
        if self.d.consultations:
            rows = [
                [
                    c.organization.name if getattr(c, "organization", None) else "—",
                    self.date(getattr(c, "date", None)),
                    str(getattr(c, "get_form_display", lambda: getattr(c, "form", ""))()),
                ]
                for c in self.d.consultations
            ]
            blocks.append(
                Table(_("Stakeholders consulted"), [_("Organisation"), _("Date"), _("Form of consultation")], rows)
            )
        else:
            blocks.append(Note(_("No consultation with stakeholders is recorded for this review yet.")))
        self.raw["consultations"] = len(self.d.consultations)
        if not short:
            n = len(self.d.scorecard_sets)
            if n:
                names = ", ".join(s.organization.name for s in self.d.scorecard_sets if s.organization)
                blocks.append(
                    Paragraph(
                        _("Independent stakeholder scorecards published for this review: %(count)s (%(names)s).")
                        % {"count": self.num(n), "names": names}
                    )
                )
            else:
                blocks.append(Paragraph(_("No independent stakeholder scorecard has been published for this review.")))
            self.raw["published_scorecards"] = n
        return Section("methodology", _("Methodology and consultation"), blocks)

    def policy_framework(self) -> Section:
        from gcmhub.commitments.models import Commitment

        counts = Counter(c.kind for c in self.d.commitments)
        self.raw["commitments_by_kind"] = dict(counts)
        blocks: list = [
            Paragraph(
                _(
                    "This section describes the policies, laws and institutions through which the "
                    "Compact is implemented. GCM Hub holds no legal texts: the narrative below is "
                    "written by the review team; the table counts the published commitments by kind."
                )
            )
        ]
        if counts:
            n = self.commitments_source()
            rows = [
                [str(label), self.num(counts[value])] for value, label in Commitment.Kind.choices if counts.get(value)
            ]
            rows.append([_("Total"), self.num(len(self.d.commitments))])
            blocks.append(Table(_("Published commitments by kind"), [_("Kind"), _("Number")], rows, [n]))
        else:
            blocks.append(Note(_("No published commitment is recorded for %(area)s.") % {"area": self.area_name}))
        return Section("framework", _("Policy and institutional framework"), blocks)

    # -- one objective

    def _assessment_block(self, objective, blocks: list) -> _AnswerView | None:
        answer = self.d.answers.get(f"objective-{objective.number}")
        raw = self.raw["objectives"].setdefault(objective.number, {})
        if answer is None or not (answer.rating or answer.narrative):
            blocks.append(Note(_("Not yet assessed in the self-assessment.")))
            raw["rating"] = ""
            return None
        n = self.self_assessment_source()
        raw["rating"] = answer.rating
        blocks.append(
            Paragraph(_("Self-assessment: %(rating)s") % {"rating": self.rating_label(answer.rating)} + self.cite(n))
        )
        if answer.narrative:
            blocks.append(Paragraph(answer.narrative))
        if answer.priorities:
            blocks.append(Paragraph(_("Priorities: %(text)s") % {"text": answer.priorities}))
        if answer.challenges:
            blocks.append(Paragraph(_("Challenges: %(text)s") % {"text": answer.challenges}))
        return answer

    def _scorecard_units(self, objective) -> tuple[Any, list]:
        if self.d.scorecard is None:
            return None, []
        result = next((r for r in self.d.scorecard.objectives if r.objective.number == objective.number), None)
        if result is None:
            return None, []
        units = [(link, unit) for link in result.links for unit in link.units if unit.assessment is not None]
        return result, units

    def _indicator_blocks(self, objective, *, chart: bool) -> list:
        result, units = self._scorecard_units(objective)
        raw = self.raw["objectives"].setdefault(objective.number, {})
        raw["series"] = {}
        if result is None or not result.links:
            return [Note(_("No indicator is linked to this objective in GCM Hub's framework."))]
        if not units:
            linked = len({u.unit.series_code for link in result.links for u in link.units})
            return [
                Note(
                    _("No data: none of the %(count)s series linked to this objective has an assessment for %(area)s.")
                    % {"count": self.num(linked), "area": self.area_name}
                )
            ]
        rollup = result.rollup
        blocks: list = [
            Paragraph(
                _("Overall: %(status)s (assessed %(assessed)s of %(total)s linked series).")
                % {
                    "status": self.status_label(rollup.status),
                    "assessed": self.num(rollup.assessed),
                    "total": self.num(rollup.total),
                }
            )
        ]
        rows, sources, values = [], [], []
        for link, unit in units:
            a = unit.assessment
            n = self.series_source(a)
            sources.append(n)
            label = unit.unit.series_code + (f" ({unit.unit.dimension_key})" if unit.unit.dimension_key else "")
            rows.append(
                [
                    link.link.label,
                    label,
                    self.status_label(a.status),
                    self.num(a.base_value) + (f" ({a.base_year})" if a.base_year else ""),
                    self.num(a.current_value) + (f" ({a.current_year})" if a.current_year else ""),
                    self.num(a.target_value) if a.target_value is not None else "—",
                    f"[{n}]",
                ]
            )
            raw["series"][label] = {
                "status": a.status,
                "score": a.score,
                "base_value": a.base_value,
                "current_value": a.current_value,
                "current_year": a.current_year,
            }
            values.append({"series": label, "score": a.score, "status": self.status_label(a.status)})
        table = Table(
            _("Indicator scorecard"),
            [_("Indicator"), _("Series"), _("Status"), _("Base value (year)"), _("Latest value (year)"),
             _("Target"), _("Source")],
            rows,
            sorted(set(sources)),
        )  # fmt: skip
        scored = [v for v in values if v["score"] is not None]
        if chart and scored:
            blocks.append(
                Chart(
                    _("Progress score by series (−5 deterioration … +5 substantial progress)"),
                    _progress_chart(scored, _("Series"), _("Progress score")),
                    _("Bar chart of the progress score of %(count)s series linked to this objective; the table gives the values.")
                    % {"count": self.num(len(scored))},
                    table,
                )
            )
        else:
            blocks.append(table)
        return blocks

    def _commitment_blocks(self, objective, *, detailed: bool) -> list:
        commitments = self.d.commitments_by_objective.get(objective.number, [])
        raw = self.raw["objectives"].setdefault(objective.number, {})
        raw["commitments"] = len(commitments)
        if not commitments:
            return [Note(_("No published commitment is linked to this objective."))]
        n = self.commitments_source()
        if not detailed:
            statuses = Counter(c.status for c in commitments)
            return [
                Paragraph(
                    _("%(count)s published commitments (%(detail)s).")
                    % {
                        "count": self.num(len(commitments)),
                        "detail": ", ".join(
                            f"{c.get_status_display()}: {self.num(statuses[c.status])}"
                            for c in _first_of_each(commitments, "status")
                        ),
                    }
                    + self.cite(n)
                )
            ]
        rows = []
        for commitment in commitments[:MAX_LISTED]:
            updates = getattr(commitment, "published_updates", [])
            latest = updates[0] if updates else None
            rows.append(
                [
                    commitment.title,
                    commitment.get_kind_display(),
                    commitment.get_status_display(),
                    commitment.get_completion_display(),
                    self.date(commitment.due_by),
                    self.date(latest.reported_on) if latest else _("no update yet"),
                ]
            )
        blocks: list = [
            Table(
                _("Commitments and their follow-up (%(count)s)") % {"count": self.num(len(commitments))},
                [_("Commitment"), _("Kind"), _("Status"), _("Completion"), _("Deadline"), _("Latest update")],
                rows,
                [n],
            )
        ]
        if len(commitments) > MAX_LISTED:
            blocks.append(
                Paragraph(_("… and %(count)s more in the annex.") % {"count": self.num(len(commitments) - MAX_LISTED)})
            )
        return blocks

    def _practice_blocks(self, objective) -> list:
        practices = self.d.practices_by_objective.get(objective.number, [])
        self.raw["objectives"].setdefault(objective.number, {})["practices"] = len(practices)
        if not practices:
            return [Note(_("No published practice is linked to this objective."))]
        n = self.practices_source()
        items = [p.title for p in practices[:MAX_LISTED]]
        if len(practices) > MAX_LISTED:
            items.append(_("… and %(count)s more.") % {"count": self.num(len(practices) - MAX_LISTED)})
        return [Paragraph(_("Practices recorded in GCM Hub:") + self.cite(n)), BulletList(items)]

    def objective_vgr(self, objective) -> Section:
        key = f"objective-{objective.number}"
        assessment: list = []
        self._assessment_block(objective, assessment)
        return Section(
            key,
            self.objective_title(objective),
            [],
            subsections=[
                Section(f"{key}-assessment", _("Self-assessment"), assessment),
                Section(f"{key}-indicators", _("Indicator scorecard"), self._indicator_blocks(objective, chart=True)),
                Section(
                    f"{key}-commitments",
                    _("Commitments and their follow-up"),
                    self._commitment_blocks(objective, detailed=True),
                ),
                Section(f"{key}-practices", _("Practices"), self._practice_blocks(objective)),
            ],
        )

    def objective_regional(self, objective) -> Section:
        blocks: list = []
        self._assessment_block(objective, blocks)
        blocks += self._indicator_blocks(objective, chart=False)
        blocks += self._commitment_blocks(objective, detailed=False)
        practices = self.d.practices_by_objective.get(objective.number, [])
        self.raw["objectives"][objective.number]["practices"] = len(practices)
        if practices:
            blocks.append(
                Paragraph(
                    _("%(count)s published practices.") % {"count": self.num(len(practices))}
                    + self.cite(self.practices_source())
                )
            )
        return Section(f"objective-{objective.number}", self.objective_title(objective), blocks)

    def objective_vnr(self, objective) -> Section:
        targets = self._targets_by_objective().get(objective.number, [])
        blocks: list = []
        if targets:
            n = self.sdg_framework_source()
            blocks.append(
                Paragraph(
                    _("Related SDG targets: %(targets)s") % {"targets": ", ".join(t.code for t in targets)}
                    + self.cite(n)
                )
            )
        else:
            blocks.append(Note(_("No SDG target is linked to this objective in GCM Hub's framework.")))
        self._assessment_block(objective, blocks)
        blocks += self._indicator_blocks(objective, chart=False)
        blocks += self._commitment_blocks(objective, detailed=False)
        return Section(f"objective-{objective.number}", self.objective_title(objective), blocks)

    def objective_1072(self, objective) -> Section:
        domains = self._domains_by_objective().get(objective.number, [])
        blocks: list = []
        self.raw["objectives"].setdefault(objective.number, {})["domains"] = [d.code for d in domains]
        if not domains:
            blocks.append(Note(_("No policy domain of SDG indicator 10.7.2 is linked to this objective.")))
        else:
            scores = self._domain_scores()
            rows = []
            for domain in domains:
                result = scores.get(domain.code)
                rows.append(
                    [
                        domain.code,
                        localized(domain, "name", self.language),
                        self.num(result["score"]) if result and result["score"] is not None else _("no data"),
                        result["classification_label"] if result else _("no data"),
                    ]
                )
            blocks.append(
                Table(
                    _("SDG 10.7.2 policy domains linked to this objective"),
                    [_("Domain"), _("Name"), _("Score"), _("Classification")],
                    rows,
                    [self.self_assessment_source()],
                )
            )
        return Section(f"objective-{objective.number}", self.objective_title(objective), blocks)

    # -- SDG links and targets

    def _links(self) -> list:
        if not hasattr(self, "_links_cache"):
            from gcmhub.framework.models import ObjectiveIndicator

            self._links_cache = list(
                ObjectiveIndicator.objects.select_related("objective", "indicator__target", "policy_domain")
            )
        return self._links_cache

    def _targets_by_objective(self) -> dict[int, list]:
        result: dict[int, list] = defaultdict(list)
        for link in self._links():
            target = link.indicator.target
            if target not in result[link.objective.number]:
                result[link.objective.number].append(target)
        for targets in result.values():
            targets.sort(key=lambda t: t.sort_key)
        return result

    def _domains_by_objective(self) -> dict[int, list]:
        result: dict[int, list] = defaultdict(list)
        for link in self._links():
            if link.policy_domain is not None and link.policy_domain not in result[link.objective.number]:
                result[link.objective.number].append(link.policy_domain)
        for domains in result.values():
            domains.sort(key=lambda d: d.code)
        return result

    def sdg_links(self) -> Section:
        n = self.sdg_framework_source()
        rows = []
        by_objective: dict[int, list[str]] = defaultdict(list)
        for link in self._links():
            label = link.indicator.code + (f" {link.policy_domain_id}" if link.policy_domain_id else "")
            by_objective[link.objective.number].append(f"{label} ({link.get_relevance_display()})")
        for objective in self.d.objectives:
            rows.append([str(objective.number), "; ".join(by_objective.get(objective.number, [])) or "—"])
        return Section(
            "sdg-links",
            _("Links to the 2030 Agenda"),
            [
                Paragraph(
                    _(
                        "The objectives are linked to SDG indicators by GCM Hub's editorial mapping "
                        "(not an official UN mapping). Primary indicators measure the objective; contextual ones describe its setting."
                    )
                ),
                Table(_("SDG indicators linked to each objective"), [_("Objective"), _("SDG indicators")], rows, [n]),
            ],
        )

    def sdg_targets(self) -> Section:
        from gcmhub.framework.models import SdgTarget

        n = self.sdg_framework_source()
        objectives_of: dict[str, set[int]] = defaultdict(set)
        for link in self._links():
            objectives_of[link.indicator.target.code].add(link.objective.number)
        status_of: dict[str, list[str]] = defaultdict(list)
        if self.d.scorecard is not None:
            for result in self.d.scorecard.objectives:
                for link in result.links + result.context:
                    for unit in link.units:
                        if unit.assessment is not None and unit.assessment.series.indicator_id:
                            indicator = unit.assessment.series.indicator
                            target_code = getattr(indicator, "code", "").rsplit(".", 1)[0]
                            entry = f"{unit.unit.series_code}: {self.status_label(unit.assessment.status)}"
                            if entry not in status_of[target_code]:
                                status_of[target_code].append(entry)
        rows = []
        for target in SdgTarget.objects.order_by("sort_key"):
            rows.append(
                [
                    target.code,
                    localized(target, "title", self.language),
                    ", ".join(str(o) for o in sorted(objectives_of.get(target.code, ()))) or "—",
                    "; ".join(status_of.get(target.code, [])) or _("no data"),
                ]
            )
        self.raw["sdg_targets"] = len(rows)
        return Section(
            "sdg-targets",
            _("Migration-related SDG targets"),
            [
                Paragraph(
                    _(
                        "The Global Compact is rooted in the 2030 Agenda (target 10.7 and the other "
                        "migration-related targets below). For each target: the GCM objectives linked to it "
                        "and the status of the series assessed for %(area)s."
                    )
                    % {"area": self.area_name}
                ),
                Table(
                    _("Migration-related SDG targets"),
                    [_("Target"), _("Title"), _("GCM objectives"), _("Series assessed")],
                    rows,
                    [n],
                ),
            ],
        )

    # -- 10.7.2

    def _domain_scores(self) -> dict[str, dict]:
        if hasattr(self, "_domain_cache"):
            return self._domain_cache
        self._domain_cache = {}
        answers = self.d.sdg_answers
        if not answers:
            return self._domain_cache
        instrument = _instrument_or_none(SDG_INSTRUMENT)
        if instrument is None:
            return self._domain_cache
        from gcmhub.reviews.instruments import score

        result = score(instrument, {key: a.rating for key, a in answers.items() if a.rating})
        self._domain_cache = _domain_results(result, self.language)
        return self._domain_cache

    def sdg_domains(self) -> Section:
        blocks: list = [
            Paragraph(
                _(
                    "SDG indicator 10.7.2 counts countries with well-managed migration policies across six "
                    "policy domains of five sub-categories each. The answers below are those of the review's "
                    "official 10.7.2 questionnaire; domain scores and classifications are computed as UN DESA defines them."
                )
            )
        ]
        if self.d.sdg_answer_set is None or not self.d.sdg_answers:
            blocks.append(Note(_("No data: the SDG 10.7.2 questionnaire has not been answered for this review.")))
            self.raw["sdg_answers"] = {}
            return Section("sdg-10-7-2", _("Answers to the SDG 10.7.2 questionnaire"), blocks)
        n = self.self_assessment_source()
        scores = self._domain_scores()
        subsections = []
        instrument = _instrument_or_none(SDG_INSTRUMENT)
        domains = _instrument_domains(instrument, self.language)
        self.raw["sdg_answers"] = {k: a.rating for k, a in self.d.sdg_answers.items()}
        self.raw["sdg_domains"] = {k: v["score"] for k, v in scores.items()}
        for domain_key, domain_title, questions in domains:
            rows = []
            for question_key, number, question_text in questions:
                answer = self.d.sdg_answers.get(question_key)
                value = ""
                if answer is not None and answer.rating:
                    value = _answer_label(instrument, answer.rating, self.language)
                rows.append([number, question_text, value or _("not answered")])
            result = scores.get(domain_key)
            body: list = []
            if result:
                body.append(
                    Paragraph(
                        _("Domain score: %(score)s — %(classification)s")
                        % {
                            "score": self.num(result["score"]) if result["score"] is not None else "—",
                            "classification": result["classification_label"],
                        }
                        + self.cite(n)
                    )
                )
            body.append(Table(domain_title, [_("Question"), _("Sub-category"), _("Answer")], rows, [n]))
            subsections.append(Section(f"sdg-10-7-2-{_slug(domain_key)}", domain_title, body))
        return Section("sdg-10-7-2", _("Answers to the SDG 10.7.2 questionnaire"), blocks, subsections=subsections)

    # -- closing sections

    def challenges(self) -> Section:
        items = []
        for objective in self.d.objectives:
            answer = self.d.answers.get(f"objective-{objective.number}")
            if answer and answer.challenges:
                items.append(f"{objective.number}. {answer.challenges}")
        blocks: list = []
        if items:
            blocks += [
                Paragraph(_("Challenges named in the self-assessment, by objective:") + self.cite(self.self_assessment_source())),
                BulletList(items),
            ]
        else:
            blocks.append(Note(_("The self-assessment names no challenge yet.")))
        concerns = []
        if self.d.scorecard is not None:
            seen = set()
            for result in self.d.scorecard.objectives:
                for link in result.links:
                    for unit in link.units:
                        a = unit.assessment
                        if a is None or a.status not in ("deterioration", "limited_progress"):
                            continue
                        ident = (unit.unit.series_code, unit.unit.dimension_key)
                        if ident in seen:
                            continue
                        seen.add(ident)
                        concerns.append(
                            f"{unit.unit.series_code}: {self.status_label(a.status)}" + self.cite(self.series_source(a))
                        )
        self.raw["concerns"] = len(concerns)
        if concerns:
            blocks += [Paragraph(_("Indicator series going the wrong way or too slowly:")), BulletList(concerns)]
        blocks += self.protection_gaps()
        return Section("challenges", _("Challenges"), blocks)

    def protection_gaps(self) -> list:
        """The country's protection gaps and weak spots (gcmhub.protection's gap
        matrix): situations of vulnerability where the data show harm and no
        measure is active, or only stale or unfunded ones."""
        from gcmhub.geo.models import Area
        from gcmhub.protection.gaps_service import coordination_items

        area = self.d.area
        if area.kind != Area.Kind.COUNTRY or not area.iso3:
            return []
        items = coordination_items(area)["items"]
        self.raw["protection_gaps"] = len(items)
        if not items:
            return []
        number = self.source(
            "protection-gaps",
            _("GCM Hub protection-gap matrix"),
            "",
            _("published commitments, practices and active services, against SDG 10.7.3, 16.2.2 and 8.8.1"),
        )
        lines = [f"{item['situation']} — {item['stage']}: {item['status_label']}" for item in items]
        return [Paragraph(_("Protection gaps and weak spots, by situation of vulnerability and stage:") + self.cite(number)),
                BulletList(lines)]  # fmt: skip

    def means(self) -> Section:
        pledge_kinds = {"pledge", "joint_pledge", "matching_pledge", "request"}
        pledges = [c for c in self.d.commitments if c.kind in pledge_kinds]
        self.raw["pledges"] = len(pledges)
        blocks: list = [
            Paragraph(
                _(
                    "Means of implementation: the pledges and requests for support recorded for %(area)s, "
                    "with the amounts declared for them."
                )
                % {"area": self.area_name}
            )
        ]
        if not pledges:
            blocks.append(Note(_("No published pledge or request for support is recorded.")))
            return Section("means", _("Means of implementation and pledges"), blocks)
        n = self.commitments_source()
        totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        rows = []
        for pledge in pledges[:MAX_LISTED]:
            rows.append(
                [
                    pledge.title,
                    pledge.get_kind_display(),
                    pledge.get_form_of_support_display() or "—",
                    pledge.get_funding_state_display() or "—",
                    pledge.get_status_display(),
                ]
            )
        for pledge in pledges:
            for amount in pledge.amounts.all():
                totals[(amount.currency, amount.get_stage_display())] += amount.amount
        blocks.append(
            Table(
                _("Pledges and requests for support (%(count)s)") % {"count": self.num(len(pledges))},
                [_("Title"), _("Kind"), _("Form of support"), _("Funding"), _("Status")],
                rows,
                [n],
            )
        )
        if totals:
            self.raw["amounts"] = {f"{c} {s}": str(v) for (c, s), v in totals.items()}
            blocks.append(
                Table(
                    _("Declared amounts"),
                    [_("Currency"), _("Stage"), _("Amount")],
                    [[c, s, self.num(v)] for (c, s), v in sorted(totals.items())],
                    [n],
                )
            )
        return Section("means", _("Means of implementation and pledges"), blocks)

    def next_steps(self) -> Section:
        blocks: list = []
        pending = [m for m in self.d.milestones if not getattr(m, "done_on", None)]
        if pending:
            blocks.append(
                Table(
                    _("Steps of the review still to come"),
                    [_("Step"), _("Due")],
                    [[m.title, self.date(m.due)] for m in pending],
                )
            )
        priorities = []
        for objective in self.d.objectives:
            answer = self.d.answers.get(f"objective-{objective.number}")
            if answer and answer.priorities:
                priorities.append(f"{objective.number}. {answer.priorities}")
        if priorities:
            blocks += [Paragraph(_("Priorities named in the self-assessment:")), BulletList(priorities)]
        if not blocks:
            blocks.append(Note(_("No next step or priority is recorded yet.")))
        return Section("next-steps", _("Next steps"), blocks)

    def annex(self) -> Section:
        blocks: list = []
        rows = []
        if self.d.scorecard is not None:
            seen = set()
            for result in self.d.scorecard.objectives:
                for link in result.links + result.context:
                    for unit in link.units:
                        a = unit.assessment
                        ident = (unit.unit.series_code, unit.unit.dimension_key)
                        if a is None or ident in seen:
                            continue
                        seen.add(ident)
                        rows.append(
                            [
                                unit.unit.series_code + (f" ({unit.unit.dimension_key})" if unit.unit.dimension_key else ""),
                                unit.unit.description,
                                self.num(a.current_value) + (f" ({a.current_year})" if a.current_year else ""),
                                self.status_label(a.status),
                                f"[{self.series_source(a)}]",
                            ]
                        )
        self.raw["annex_series"] = len(rows)
        if rows:
            blocks.append(
                Table(
                    _("Indicator data used in this report"),
                    [_("Series"), _("Description"), _("Latest value (year)"), _("Status"), _("Source")],
                    rows,
                )
            )
        else:
            blocks.append(Note(_("No data: no indicator series is assessed for %(area)s.") % {"area": self.area_name}))
        if self.kind in ("vgr", "regional") and len(self.d.commitments) > 0:
            n = self.commitments_source()
            blocks.append(
                Table(
                    _("All published commitments (%(count)s)") % {"count": self.num(len(self.d.commitments))},
                    [_("Commitment"), _("Objectives"), _("Status")],
                    [
                        [c.title, ", ".join(str(o.number) for o in c.objectives.all()), c.get_status_display()]
                        for c in self.d.commitments
                    ],
                    [n],
                )
            )
        self.raw["commitments"] = len(self.d.commitments)
        self.raw["practices"] = len(self.d.practices)
        blocks.append(Paragraph(_("The numbered sources cited in this report are listed at its end.")))
        return Section("annex", _("Annex: data and sources"), blocks)


# --- small pure helpers -------------------------------------------------------------------------


def _first_of_each(items, attribute: str) -> list:
    seen, result = set(), []
    for item in items:
        value = getattr(item, attribute)
        if value not in seen:
            seen.add(value)
            result.append(item)
    return result


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(text).lower()).strip("-")


def _progress_chart(values: list[dict], x_title: str, y_title: str) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 420,
        "height": {"step": 18},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "series", "type": "nominal", "title": x_title, "sort": None},
            "x": {"field": "score", "type": "quantitative", "title": y_title, "scale": {"domain": [-5, 5]}},
            "color": {"field": "status", "type": "nominal", "title": None},
            "tooltip": [{"field": "series"}, {"field": "score"}, {"field": "status"}],
        },
    }


def _review_kind_label(kind: str) -> str:
    return {"national": _("National"), "regional": _("Regional"), "imrf": _("International Migration Review Forum")}.get(
        kind, kind
    )


def _review_status_label(status: str) -> str:
    return {
        "preparing": _("Preparing"),
        "consulting": _("Consulting"),
        "drafting": _("Drafting"),
        "validating": _("Validating"),
        "published": _("Published"),
    }.get(status, status)


def _answer_set_state_label(state: str) -> str:
    return {"draft": _("a draft"), "validated": _("validated"), "published": _("published")}.get(state, state)


def _instrument_or_none(code: str):
    try:
        from gcmhub.reviews.instruments import load_instrument

        return load_instrument(code)
    except Exception:  # noqa: BLE001 - a broken instrument file must not stop the report
        return None


def _policy_domain_names(language: str) -> dict[str, str]:
    from gcmhub.framework.models import PolicyDomain

    return {d.code: localized(d, "name", language) for d in PolicyDomain.objects.all()}


def _level_labels(language: str) -> dict[int, str]:
    from gcmhub.framework.models import PolicyDomainScore

    return {s.score: localized(s, "label", language) for s in PolicyDomainScore.objects.all()}


def _instrument_domains(instrument, language: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(domain key, title, [(question key, number, text)]) of an instrument.
    Domain names come from the framework's policy domains when the
    instrument names none (10.7.2)."""
    if instrument is None:
        return []
    names = _policy_domain_names(language)
    domains = []
    for domain in instrument.domains:
        title = domain.label(language) or names.get(domain.policy_domain or domain.key, "")
        questions = [(q.key, q.number or q.key, q.label(language)) for q in domain.questions]
        domains.append((domain.key, f"{domain.key} — {title}" if title else domain.key, questions))
    return domains


def _answer_label(instrument, rating: str, language: str) -> str:
    option = instrument.scale.option(rating) if instrument is not None else None
    return option.title(language) if option is not None else rating


def _domain_results(result, language: str) -> dict[str, dict]:
    """{domain key: {"score", "classification", "classification_label", "answered", "total"}}."""
    labels = _level_labels(language)
    out = {}
    for key, domain in result.domains.items():
        level = domain.level
        label = ""
        if level is not None:
            label = level.title(language) or labels.get(level.score, "") or _classification_label(level.code)
        elif domain.answered < domain.total:
            label = _("incomplete: %(answered)s of %(total)s sub-categories answered") % {
                "answered": domain.answered,
                "total": domain.total,
            }
        out[str(key)] = {
            "score": float(domain.value) if domain.value is not None else None,
            "classification": level.code if level is not None else "",
            "classification_label": label or _("no data"),
            "answered": domain.answered,
            "total": domain.total,
        }
    return out


def _classification_label(code: str) -> str:
    return {
        "requires_further_progress": _("Requires further progress"),
        "partially_meets": _("Partially meets"),
        "meets": _("Meets"),
        "fully_meets": _("Fully meets"),
    }.get(code, code or _("no data"))


# --- entry points -------------------------------------------------------------------------------


def build(review, kind: str, language: str = "en", *, progress: Progress | None = None, data: ReportData | None = None):
    """The document and the raw figures it was built from."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    progress = progress or _no_progress
    with translation.override(language):
        data = data or read_data(review, need_scorecard=kind != "10.7.2")
        builder = _Builder(data, kind, language, progress)
        document = builder.build()
        _apply_narratives(document, review, kind, language)
    progress(85, "")
    return document, builder.raw


def build_report(review, kind: str, language: str = "en", *, progress: Progress | None = None) -> ReportDocument:
    """The report of ``kind`` (vgr, regional, vnr, 10.7.2) for ``review``, in ``language``."""
    return build(review, kind, language, progress=progress)[0]


def _apply_narratives(document: ReportDocument, review, kind: str, language: str) -> None:
    """Fill each section's editable narrative (ReportNarrative) for this language."""
    from .models import ReportNarrative

    texts = dict(
        ReportNarrative.objects.filter(review=review, kind=kind, language=language).values_list("section_key", "text")
    )
    if not texts:
        return
    for section, _depth in document.walk():
        if texts.get(section.key):
            section.narrative = texts[section.key]
