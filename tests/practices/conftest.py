"""Fixtures for the practices tests: accounts of each role (from the actors
tests), private storage in a temporary folder, a small extractor standing in
for the real one where a test is about the workflow rather than extraction,
and helpers to make practices and documents."""

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.actors.models import User
from gcmhub.practices import library, services
from gcmhub.practices.models import Document
from tests.actors.conftest import api, bearer, country, kenya, make_organization, make_user, mexico, orgs  # noqa: F401

REPORT_TEXT = (
    "Workshop report\n"
    "Kenya described its labour migration desk, which registers recruitment agencies "
    "and checks the contracts of migrant workers before departure.\n"
    "\f"
    "Mexico presented a consular programme issuing identity cards to its nationals abroad, "
    "so they can open bank accounts and send remittances at lower cost.\n"
)


@dataclass
class FakeCandidate:
    """The fields of the extractor's Candidate (the `practices extract` JSON line)."""

    area: str | None
    actor: str
    speaker: str
    page: int
    summary: str
    objectives: list[int]
    stage: str
    confidence: float
    span: dict = field(default_factory=dict)
    objective_terms: dict = field(default_factory=dict)


def fake_extract(pages, progress=None):
    """Finds the two practices of REPORT_TEXT by their country names."""
    text = "\f".join(pages)
    found = []
    for iso3, name, page, objectives, stage in (("KEN", "Kenya", 1, [6], "pre_departure"), ("MEX", "Mexico", 2, [4, 20], "destination")):
        start = text.find(name)
        if start < 0:
            continue
        stop = re.compile(r"\.(?=\s|$)").search(text, start)
        end = stop.end() if stop else len(text)
        found.append(
            FakeCandidate(
                area=iso3, actor=f"Government of {name}", speaker="", page=page, summary=text[start:end],
                objectives=objectives, stage=stage, confidence=0.8, span={"start": start, "end": end},
                objective_terms={str(objectives[0]): ["recruitment" if iso3 == "KEN" else "remittances"]},
            )
        )
    if progress:
        progress(1.0)
    return found


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"
    settings.GCMHUB_DOCUMENT_MAX_BYTES = 200_000


@pytest.fixture
def fake_extractor(monkeypatch):
    monkeypatch.setattr(library, "extract", fake_extract)


@pytest.fixture
def people(orgs, kenya, mexico):  # noqa: F811
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        contributor=make_user("contributor-ken", User.Role.CONTRIBUTOR, organization=orgs.ken_pub),
        other_contributor=make_user("contributor-mex", User.Role.CONTRIBUTOR, organization=orgs.mex_pub),
        stakeholder=make_user("stakeholder-ken", User.Role.STAKEHOLDER, organization=orgs.ken_draft),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
        nobody=make_user("no-role"),
    )


def practice_data(**overrides) -> dict:
    data = {
        "title": "Pre-departure checks of recruitment contracts",
        "summary": "A labour migration desk registers recruitment agencies and checks contracts before departure.",
        "level": "national",
        "stage": "pre_departure",
        "areas": ["KEN"],
        "objectives": [6, 3],
        "sources": [{"url": "https://example.org/report", "page": 4, "passage": "registers recruitment agencies"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(people):
    return services.create_practice(people.contributor, practice_data())


def upload(user, content: bytes = REPORT_TEXT.encode(), name: str = "report.txt", **data) -> Document:
    return library.upload_document(user, SimpleUploadedFile(name, content), data)


@pytest.fixture
def extracted(people, fake_extractor, django_capture_on_commit_callbacks):
    """A text report uploaded by the contributor and read (the task runs inline)."""
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(people.contributor, title="Workshop report")
    document.refresh_from_db()
    return document
