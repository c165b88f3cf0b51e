"""Fixtures for the actors tests: two countries, organisations in each, and
one account per role.

Areas are fetched with get_or_create on their M49 code, so the tests run
whether or not the session has already loaded every area.
"""

from types import SimpleNamespace

import pytest
from ninja.testing import TestClient

from gcmhub.actors.models import Organization, User
from gcmhub.actors.services import issue_token
from gcmhub.geo.models import Area

PASSWORD = "a long test password"
COUNTRIES = {
    "KEN": ("404", "KE", "Kenya", "Kenya", "Kenia"),
    "MEX": ("484", "MX", "Mexico", "Mexique", "México"),
}


def country(iso3: str) -> Area:
    m49, iso2, name_en, name_fr, name_es = COUNTRIES[iso3]
    area, _created = Area.objects.get_or_create(
        m49=m49,
        defaults={
            "iso2": iso2,
            "iso3": iso3,
            "kind": Area.Kind.COUNTRY,
            "name_en": name_en,
            "name_fr": name_fr,
            "name_es": name_es,
        },
    )
    return area


def make_organization(name, area, *, published=True, kind=Organization.Kind.CIVIL_SOCIETY, **fields):
    return Organization.objects.create(name=name, area=area, kind=kind, is_published=published, **fields)


def make_user(username, role="", **scope) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, **scope)


@pytest.fixture
def kenya(db):
    return country("KEN")


@pytest.fixture
def mexico(db):
    return country("MEX")


@pytest.fixture
def orgs(kenya, mexico):
    """Published and unpublished organisations in Kenya and Mexico, and one
    international organisation without a country."""
    return SimpleNamespace(
        ken_pub=make_organization("Kenya Ministry of Labour", kenya, kind=Organization.Kind.GOVERNMENT),
        ken_draft=make_organization("Nairobi Migrant Collective", kenya, published=False),
        mex_pub=make_organization("Mexico Migration Institute", mexico, kind=Organization.Kind.GOVERNMENT),
        mex_draft=make_organization("Tijuana Shelter Network", mexico, published=False),
        intl=make_organization("International Example Organisation", None, kind=Organization.Kind.INTERNATIONAL),
    )


@pytest.fixture
def people(orgs, kenya, mexico):
    """One account per role. The stakeholder's organisation is unpublished,
    so tests can show that members still see their own organisation."""
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        contributor_ken=make_user("contributor-ken", User.Role.CONTRIBUTOR, organization=orgs.ken_pub),
        stakeholder_ken=make_user("stakeholder-ken", User.Role.STAKEHOLDER, organization=orgs.ken_draft),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
    )


@pytest.fixture
def api():
    from gcmhub.api import api as ninja_api

    return TestClient(ninja_api)


@pytest.fixture
def bearer():
    """``bearer(user)`` -> headers carrying a fresh API token of ``user``."""

    def headers_for(user: User) -> dict:
        _token, key = issue_token(None, user, "tests")
        return {"Authorization": f"Bearer {key}"}

    return headers_for
