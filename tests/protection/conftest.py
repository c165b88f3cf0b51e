"""Fixtures for the protection tests: Kenya and Mexico, provider organisations,
one account per role, and ``make_service`` building services through the
services (the same path as every interface)."""

import datetime
from types import SimpleNamespace

import pytest

from gcmhub.actors.models import Organization, User
from gcmhub.protection import services
from gcmhub.protection.inputs import ServiceInput
from gcmhub.protection.models import Service, Situation
from tests.actors.conftest import country, make_organization, make_user
from tests.commitments.conftest import AnonymousByDefault, api, bearer  # noqa: F401 (fixtures)


@pytest.fixture
def kenya(db):
    return country("KEN")


@pytest.fixture
def mexico(db):
    return country("MEX")


@pytest.fixture
def orgs(kenya, mexico):
    return SimpleNamespace(
        shelter=make_organization("Nairobi Safe House", kenya),
        legal=make_organization("Kituo Legal Aid", kenya),
        mex_ngo=make_organization("Casa del Migrante Tapachula", mexico),
        gov=make_organization("Kenya Department of Children's Services", kenya, kind=Organization.Kind.GOVERNMENT),
    )


@pytest.fixture
def people(orgs, kenya, mexico):
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        provider=make_user("provider", User.Role.CONTRIBUTOR, organization=orgs.shelter),
        provider_stakeholder=make_user("provider-stakeholder", User.Role.STAKEHOLDER, organization=orgs.shelter),
        other_provider=make_user("other-provider", User.Role.CONTRIBUTOR, organization=orgs.legal),
        mex_provider=make_user("mex-provider", User.Role.CONTRIBUTOR, organization=orgs.mex_ngo),
    )


def situation(code: str) -> Situation:
    return Situation.objects.get(code=code)


def service_input(area, provider, **overrides) -> ServiceInput:
    values = {
        "provider": provider,
        "area": area,
        "name": "Emergency shelter for women and children",
        "service_type": "shelter",
        "description": "Short-term shelter with meals and a social worker on site.",
        "situations": [situation("unaccompanied_child"), situation("survivor_of_violence")],
        "groups": ["women", "children"],
        "eligibility": "Women and children in need of a safe place, whatever their status.",
        "cost": "Free of charge",
        "languages": ["en", "sw"],
        "hours": "24 hours",
        "referral_methods": ["phone", "walk_in"],
        "phone": "+254 20 000 0000",
        "email": "intake@example.org",
        "url": "https://example.org/shelter",
        "locations": [
            {"name": "Eastleigh house", "address": "Eastleigh, Nairobi", "admin_area": "Nairobi County",
             "latitude": -1.2741, "longitude": 36.8516},
        ],
    }  # fmt: skip
    values.update(overrides)
    return ServiceInput(**values)


@pytest.fixture
def make_service(kenya, orgs):
    """``make_service(published=True, verified_on=date|None, **input overrides)``:
    by default the Nairobi shelter's service in Kenya."""

    def build(published=True, verified_on=None, **overrides):
        data = service_input(overrides.pop("area", kenya), overrides.pop("provider", orgs.shelter), **overrides)
        service = services.create_service(None, data)
        if published:
            services.publish_service(None, service, service.version)
        if verified_on is not None:
            services.verify_service(None, service, service.version, on=verified_on)
        return service

    return build


def days_ago(days: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=days)


def age(service: Service, days: int) -> Service:
    """Pretend the service was entered ``days`` ago (and never verified)."""
    from django.utils import timezone

    moment = timezone.now() - datetime.timedelta(days=days)
    Service.objects.filter(pk=service.pk).update(created_at=moment, last_verified_on=None)
    service.refresh_from_db()
    return service
