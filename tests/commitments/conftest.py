"""Fixtures for the commitments tests: Kenya and Mexico, organisations in
each, one account per role, and ``make_commitment`` to build records through
the services (so the tests exercise the same path as every interface)."""

import datetime
from types import SimpleNamespace

import pytest
from ninja.testing import TestClient

from gcmhub.actors.models import Organization, User
from gcmhub.actors.services import issue_token
from gcmhub.commitments import services
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.framework.models import Objective
from tests.actors.conftest import country, make_organization, make_user


@pytest.fixture
def kenya(db):
    return country("KEN")


@pytest.fixture
def mexico(db):
    return country("MEX")


@pytest.fixture
def orgs(kenya, mexico):
    return SimpleNamespace(
        ken_gov=make_organization("Kenya Ministry of Labour", kenya, kind=Organization.Kind.GOVERNMENT),
        ken_ngo=make_organization("Nairobi Migrant Collective", kenya),
        ken_union=make_organization("Kenya Workers Union", kenya, kind=Organization.Kind.TRADE_UNION),
        mex_gov=make_organization("Mexico Migration Institute", mexico, kind=Organization.Kind.GOVERNMENT),
    )


@pytest.fixture
def people(orgs, kenya, mexico):
    """One account per role; ``partner_ken`` works for the NGO that is a
    partner (not the owner) of the commitments ``make_commitment`` builds."""
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        contributor_ken=make_user("contributor-ken", User.Role.CONTRIBUTOR, organization=orgs.ken_gov),
        partner_ken=make_user("partner-ken", User.Role.CONTRIBUTOR, organization=orgs.ken_ngo),
        stakeholder_ken=make_user("stakeholder-ken", User.Role.STAKEHOLDER, organization=orgs.ken_gov),
        stakeholder_partner=make_user("stakeholder-partner", User.Role.STAKEHOLDER, organization=orgs.ken_ngo),
        outsider=make_user("outsider", User.Role.CONTRIBUTOR, organization=orgs.ken_union),
        contributor_mex=make_user("contributor-mex", User.Role.CONTRIBUTOR, organization=orgs.mex_gov),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
    )


def objective(number: int) -> Objective:
    return Objective.objects.get(number=number)


def commitment_input(area, owner, **overrides) -> CommitmentInput:
    """A verifiable national action: metric, baseline, target, deadline, lead."""
    values = {
        "kind": "national_action",
        "title": "Free legal aid desks at every border post",
        "description": "Open legal aid desks for migrants at the ten border posts.",
        "area": area,
        "owner": owner,
        "objectives": [objective(7), objective(12)],
        "metric": "border posts with a legal aid desk",
        "metric_unit": "posts",
        "metric_baseline": 2,
        "metric_target": 10,
        "metric_target_year": 2028,
        "start_date": datetime.date(2025, 1, 1),
        "due_date": datetime.date(2028, 12, 31),
    }
    values.update(overrides)
    return CommitmentInput(**values)


@pytest.fixture
def make_commitment(kenya, orgs):
    """``make_commitment(state="draft"|"submitted"|"published", **input overrides)``:
    by default Kenya's ministry owns it, the NGO is its support partner."""

    def build(state="draft", **overrides):
        overrides.setdefault("partners", [(orgs.ken_gov, "lead"), (orgs.ken_ngo, "support")])
        data = commitment_input(overrides.pop("area", kenya), overrides.pop("owner", orgs.ken_gov), **overrides)
        commitment = services.create_commitment(None, data)
        if state in ("submitted", "published"):
            services.submit_commitment(None, commitment, commitment.version)
        if state == "published":
            services.approve_commitment(None, commitment, commitment.version, exception_reason="test record")
        return commitment

    return build


class AnonymousByDefault(TestClient):
    """Requests without a token come from Django's AnonymousUser, as they do
    through the real URLs (ninja's client would put a Mock there, whose
    ``has_perm`` answers yes to everything)."""

    def request(self, method, path, data=None, json=None, **request_params):
        from django.contrib.auth.models import AnonymousUser

        request_params.setdefault("user", AnonymousUser())
        return super().request(method, path, data or {}, json, **request_params)


@pytest.fixture
def api():
    from gcmhub.api import api as ninja_api

    return AnonymousByDefault(ninja_api)


@pytest.fixture
def bearer():
    def headers_for(user: User) -> dict:
        _token, key = issue_token(None, user, "tests")
        return {"Authorization": f"Bearer {key}"}

    return headers_for


@pytest.fixture(autouse=True)
def _private_files(tmp_path, settings):
    """Evidence files go to a fresh directory per test."""
    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"
