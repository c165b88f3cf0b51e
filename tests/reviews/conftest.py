"""Fixtures for the reviews tests: Kenya and Mexico, organisations, one
account per role, and ``make_review`` building reviews through the services."""

import datetime
from types import SimpleNamespace

import pytest

from gcmhub.actors.models import Organization, User
from gcmhub.geo.models import Area
from gcmhub.reviews import services
from tests.actors.conftest import country, make_organization, make_user


@pytest.fixture
def kenya(db):
    return country("KEN")


@pytest.fixture
def mexico(db):
    return country("MEX")


@pytest.fixture
def africa(db):
    # M49 002, loaded with every area in the session's database.
    return Area.objects.get(m49="002")


@pytest.fixture
def orgs(kenya, mexico):
    return SimpleNamespace(
        ken_gov=make_organization("Kenya Ministry of Labour", kenya, kind=Organization.Kind.GOVERNMENT),
        ken_ngo=make_organization("Nairobi Migrant Collective", kenya),
        mex_gov=make_organization("Mexico Migration Institute", mexico, kind=Organization.Kind.GOVERNMENT),
    )


@pytest.fixture
def people(orgs, kenya, mexico):
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        contributor_ken=make_user("contributor-ken", User.Role.CONTRIBUTOR, organization=orgs.ken_gov),
        contributor_ken2=make_user("contributor-ken2", User.Role.CONTRIBUTOR, organization=orgs.ken_gov),
        contributor_mex=make_user("contributor-mex", User.Role.CONTRIBUTOR, organization=orgs.mex_gov),
        stakeholder_ken=make_user("stakeholder-ken", User.Role.STAKEHOLDER, organization=orgs.ken_ngo),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
    )


def review_data(area, **overrides) -> dict:
    values = {
        "area": area,
        "kind": "national",
        "title": "Voluntary GCM review 2026",
        "forum": "IMRF 2026",
        "period_start": datetime.date(2022, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "deadline": datetime.date(2026, 3, 31),
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_review(people):
    def make(area, actor=None, **overrides):
        return services.create_review(actor or people.admin, review_data(area, **overrides))

    return make


@pytest.fixture
def api():
    from gcmhub.api import api as ninja_api
    from tests.commitments.conftest import AnonymousByDefault

    return AnonymousByDefault(ninja_api)


@pytest.fixture
def bearer():
    from gcmhub.actors.services import issue_token

    def headers_for(user: User) -> dict:
        _token, key = issue_token(None, user, "tests")
        return {"Authorization": f"Bearer {key}"}

    return headers_for
