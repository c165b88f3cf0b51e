"""Fixtures for the reports tests: a Kenyan review with a partial
self-assessment, published and draft commitments, a practice and assessed
indicator series; accounts per role; the API client."""

import datetime
from types import SimpleNamespace

import pytest

from gcmhub.actors.models import User
from gcmhub.framework.models import Objective
from gcmhub.reviews.models import Answer, AnswerSet, Consultation, Review, ReviewMilestone
from tests.actors.conftest import country, make_user
from tests.commitments.conftest import api, bearer, make_commitment, orgs  # noqa: F401 (fixtures)


@pytest.fixture
def kenya(db):
    return country("KEN")


@pytest.fixture
def mexico(db):
    return country("MEX")


@pytest.fixture(autouse=True)
def _private_files(tmp_path, settings):
    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"


@pytest.fixture
def people(orgs, kenya, mexico):
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        contributor_ken=make_user("contributor-ken", User.Role.CONTRIBUTOR, organization=orgs.ken_gov),
        stakeholder_ken=make_user("stakeholder-ken", User.Role.STAKEHOLDER, organization=orgs.ken_ngo),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
    )


def make_review(area, **fields) -> Review:
    values = {
        "area": area,
        "kind": "national",
        "title": f"Voluntary GCM Review of {area.name_en}",
        "forum": "IMRF 2026",
        "period_start": datetime.date(2022, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "deadline": datetime.date(2026, 3, 15),
        "status": "drafting",
    }
    values.update(fields)
    return Review.objects.create(**values)


def assess(series, area, **fields):
    from gcmhub.progress.models import Assessment

    values = {
        "method": "opensdg",
        "status": "moderate_progress",
        "method_status": "x",
        "requested_base_year": 2015,
        "direction": "up",
        "method_version": "1",
        "fingerprint": "f",
    }
    values.update(fields)
    return Assessment.objects.create(series=series, area=area, **values)


@pytest.fixture
def review(kenya, orgs, make_commitment):  # noqa: F811
    """Kenya's review: objectives 3 and 7 rated, two published commitments
    (one draft), a practice, one national indicator on objective 7 with an
    assessment, a consultation and a milestone."""
    from gcmhub.indicators.models import Indicator, Series
    from gcmhub.practices.models import Practice, PracticeObjective

    review = make_review(kenya, coordinating_organization=orgs.ken_gov)
    official = AnswerSet.objects.create(review=review, instrument_code="gcm-objectives", kind="official")
    Answer.objects.create(
        answer_set=official,
        question_key="objective-7",
        rating="developing",
        narrative="Legal aid desks opened at four border posts.",
        priorities="Extend legal aid to all posts.",
        challenges="Staff turnover at remote posts.",
    )
    Answer.objects.create(answer_set=official, question_key="objective-3", rating="well_developed")
    Consultation.objects.create(review=review, organization=orgs.ken_ngo, date=datetime.date(2025, 5, 2), form="meeting")
    ReviewMilestone.objects.create(review=review, title="Validation workshop", due=datetime.date(2030, 2, 1))

    make_commitment("published", title="Legal aid desks at border posts")
    make_commitment("published", title="Consular help line", objectives=[Objective.objects.get(number=7)])
    make_commitment("draft", title="Secret draft plan")

    practice = Practice.objects.create(
        title="Mobile legal clinics", level="national", stage="transit", is_published=True, summary="Clinics."
    )
    practice.areas.add(kenya)
    PracticeObjective.objects.create(practice=practice, objective=Objective.objects.get(number=7))

    indicator = Indicator.objects.create(code="KEN.7", name_en="Legal aid coverage", direction="positive")
    indicator.objectives.add(Objective.objects.get(number=7))
    series = Series.objects.create(code="KEN_LEGAL_AID", indicator=indicator, description="Border posts with legal aid")
    assess(
        series, kenya, status="moderate_progress", score=1.25, base_year=2015, base_value=2.0,
        current_year=2024, current_value=1234.5678, sources=["Ministry of Labour"],
    )  # fmt: skip
    return review


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _renderers(monkeypatch):
    """The real renderers (gcmhub.reports.render, helper rp-render) where
    present; until they land, a tiny stand-in so the pipeline can be tested."""
    import importlib
    import sys
    import types

    try:
        importlib.import_module("gcmhub.reports.render")
        return
    except ImportError:
        pass
    fake = types.ModuleType("gcmhub.reports.render")
    fake.render_html = lambda doc: "<html><body>" + "".join(f"<h2>{s.title}</h2>" for s, _d in doc.walk()) + "</body></html>"
    fake.render_pdf = lambda doc: b"%PDF-1.7 stand-in " + doc.title.encode()
    fake.render_docx = lambda doc: b"PK stand-in " + doc.title.encode()
    monkeypatch.setitem(sys.modules, "gcmhub.reports.render", fake)
