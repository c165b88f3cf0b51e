"""The gap matrix of a country, from the database: gathers the records the
pure rules of ``gaps`` read, and nothing else.

What is read, for a country (``docs/protection.md``, "Gap matrix"):

* published commitments of the country tagged with situations; their stages
  (none: every stage), status, flags from ``gcmhub.commitments.flags``
  (overdue, stale, inactive) and ``unfunded`` when their funding is unfunded;
* published practices of the country tagged with situations; their stage
  (``all``: every stage) and state;
* published services of the country; their situations, their stages (none:
  every stage where the situation arises), state, and ``stale``
  when not verified for six months (``services.is_stale``);
* for each harm link of ``data/harm_evidence.yaml``: the latest observation
  of the series for the country (the link's disaggregation first, else the
  headline), and the stored progress assessment of that series (default
  method, headline).

Only published records count: the matrix is the same for every reader, so
it never reveals a draft.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils import timezone

from gcmhub.protection import gaps

HARM_FILE = Path(__file__).resolve().parent / "data" / "harm_evidence.yaml"


@dataclass(frozen=True)
class HarmLink:
    series: str
    indicator: str
    situations: frozenset[str]
    stages: frozenset[str]
    dimension_key: str = ""


@lru_cache(maxsize=1)
def harm_links() -> tuple[HarmLink, ...]:
    data = yaml.safe_load(HARM_FILE.read_text(encoding="utf-8"))
    links = []
    for position, item in enumerate(data["links"], start=1):
        unknown = set(item.get("stages") or ()) - set(gaps.STAGES)
        if unknown:
            raise ValueError(f"{HARM_FILE.name}: link {position}: unknown stages {sorted(unknown)}")
        links.append(
            HarmLink(
                series=item["series"],
                indicator=str(item["indicator"]),
                situations=frozenset(item["situations"]),
                stages=frozenset(item.get("stages") or ()),
                dimension_key=item.get("dimension_key", ""),
            )
        )
    return tuple(links)


def _commitment_measures(area, today) -> list[gaps.Measure]:
    from django.urls import reverse

    from gcmhub.commitments.flags import commitment_flags
    from gcmhub.commitments.models import Commitment

    commitments = (
        Commitment.objects.filter(area=area, is_published=True, situations__isnull=False)
        .distinct()
        .prefetch_related("situations")
    )
    measures = []
    for commitment in commitments:
        problems = list(commitment_flags(commitment, today))
        if commitment.funding_state == Commitment.FundingState.UNFUNDED:
            problems.append("unfunded")
        measures.append(
            gaps.Measure(
                "commitment",
                commitment.pk,
                commitment.title,
                frozenset(s.code for s in commitment.situations.all()),
                frozenset(getattr(commitment, "stages", None) or ()),
                commitment.status,
                tuple(problems),
                reverse("commitments:detail", args=[commitment.pk]),
            )
        )
    return measures


def _practice_measures(area) -> list[gaps.Measure]:
    from django.urls import reverse

    from gcmhub.practices.models import Practice

    practices = (
        Practice.objects.filter(areas=area, is_published=True, situations__isnull=False)
        .distinct()
        .prefetch_related("situations")
    )
    return [
        gaps.Measure(
            "practice",
            practice.pk,
            practice.title,
            frozenset(s.code for s in practice.situations.all()),
            frozenset() if practice.stage in ("", "all") else frozenset({practice.stage}),
            practice.state,
            (),
            reverse("practices:practice", args=[practice.pk]),
        )
        for practice in practices
    ]


def _service_measures(area, today) -> list[gaps.Measure]:
    from gcmhub.protection.models import Service
    from gcmhub.protection.services import is_stale

    # Suspended and closed services are hidden from the public (rules.py): not shown, not counted.
    services = Service.objects.filter(area=area, is_published=True, state="active").prefetch_related("situations")
    return [
        gaps.Measure(
            "service",
            service.pk,
            service.name,
            frozenset(s.code for s in service.situations.all()),
            frozenset(service.stages or ()),
            service.state,
            ("stale",) if service.state == "active" and is_stale(service, today) else (),
            service.get_absolute_url(),
        )
        for service in services
    ]


def _evidence(area) -> list[gaps.Evidence]:
    from gcmhub.indicators.models import Observation, Series
    from gcmhub.progress.defaults import DEFAULT_METHOD
    from gcmhub.progress.models import Assessment

    links = harm_links()
    series = {s.code: s for s in Series.objects.filter(code__in={link.series for link in links})}
    evidence = []
    for link in links:
        found = series.get(link.series)
        year = value = None
        key = ""
        status = ""
        if found is not None:
            observations = Observation.objects.filter(series=found, area=area, value__isnull=False)
            for candidate in dict.fromkeys([link.dimension_key, ""]):
                latest = observations.filter(dimension_key=candidate).order_by("-year", "-period").first()
                if latest is not None:
                    year, value, key = latest.year, latest.value, candidate
                    break
            assessment = Assessment.objects.filter(
                series=found, area=area, dimension_key="", method=DEFAULT_METHOD
            ).first()
            status = assessment.status if assessment else ""
        evidence.append(
            gaps.Evidence(
                link.series,
                link.indicator,
                link.situations,
                link.stages,
                year,
                value,
                status,
                DEFAULT_METHOD if status else "",
                key,
                found.description if found is not None else "",
            )
        )
    return evidence


def country_matrix(area, today: datetime.date | None = None) -> gaps.Matrix:
    """The gap matrix of ``area`` (a country) on ``today``."""
    from gcmhub.protection.models import Situation
    from gcmhub.protection.taxonomy import load_taxonomy

    today = today or timezone.localdate()
    taxonomy = load_taxonomy()
    codes = list(Situation.objects.filter(is_current=True).values_list("code", flat=True))
    arises = {}
    for code in codes:
        try:
            arises[code] = taxonomy.situation(code).stages
        except KeyError:
            continue
    measures = _commitment_measures(area, today) + _practice_measures(area) + _service_measures(area, today)
    return gaps.build_matrix(codes, measures, _evidence(area), arises=arises)


def coordination_items(area, today: datetime.date | None = None) -> dict:
    """The gaps and weak spots of ``area``'s matrix for the coordination page
    and API (gcmhub.commitments): situation and stage (titles and codes),
    status, the rule and the drill-down link."""
    from django.urls import reverse

    from gcmhub.protection import gaps_text
    from gcmhub.protection.models import Situation

    matrix = country_matrix(area, today)
    titles = {s.code: s.title() for s in Situation.objects.all()}
    items = [
        {
            "situation": titles.get(cell.situation, cell.situation),
            "stage": gaps_text.STAGE_LABELS[cell.stage],
            "situation_code": cell.situation,
            "stage_code": cell.stage,
            "rule": cell.rule,
            "status": cell.status,
            "status_label": gaps_text.STATUS_LABELS[cell.status],
            "url": reverse("protection:gap-cell", args=[area.iso3, cell.situation, cell.stage]),
        }
        for cell in matrix.cells
        if cell.status in (gaps.GAP, gaps.WEAK)
    ]
    items.sort(key=lambda item: (item["status"] != gaps.GAP, item["situation"]))
    return {"items": items, "matrix_url": reverse("protection:gaps", args=[area.iso3])}
