"""Practices and documents for the search tests, made with the ORM (the
services of the practices app apply their own rules; search only reads)."""

from datetime import timedelta

from django.utils import timezone

from gcmhub.actors.models import Organization
from gcmhub.framework.models import Objective
from gcmhub.geo.models import Area
from gcmhub.practices.models import Document, DocumentPage, Practice, PracticeObjective, PracticeOrganization

_counter = iter(range(1, 10_000))


def make_practice(
    title,
    summary="",
    *,
    areas=(),
    objectives=(),
    stage="destination",
    state="ongoing",
    population_groups=(),
    organizations=(),
    published=True,
    days_ago=0,
    **fields,
) -> Practice:
    now = timezone.now() - timedelta(days=days_ago)
    practice = Practice.objects.create(
        title=title,
        summary=summary,
        level="national",
        stage=stage,
        state=state,
        population_groups=list(population_groups),
        is_published=published,
        published_at=now if published else None,
        **fields,
    )
    practice.areas.set(Area.objects.filter(iso3__in=areas))
    for position, number in enumerate(objectives):
        PracticeObjective.objects.create(practice=practice, objective=Objective.objects.get(number=number), position=position)
    for organization in organizations:
        PracticeOrganization.objects.create(practice=practice, organization=organization, role="implementing")
    return practice


def make_organization(name, kind=Organization.Kind.CIVIL_SOCIETY, iso3="KEN") -> Organization:
    return Organization.objects.create(
        name=name, kind=kind, area=Area.objects.get(iso3=iso3), is_published=True, published_at=timezone.now()
    )


def make_document(title, pages, *, published=True) -> Document:
    document = Document.objects.create(
        title=title,
        format="text",
        stored_path=f"doc-{next(_counter)}.txt",
        original_name="report.txt",
        size=100,
        sha256="0" * 64,
        is_published=published,
    )
    offset = 0
    for number, text in enumerate(pages, start=1):
        DocumentPage.objects.create(document=document, number=number, offset=offset, text=text)
        offset += len(text) + 1
    return document
