"""Fixtures for the indicators tests: records, users and an API client.

The session has loaded every area and the framework (tests/conftest.py), so
``KEN``, ``MEX`` and the SDG series are there.
"""

from types import SimpleNamespace

import pytest
from ninja.testing import TestClient

from gcmhub.actors.models import User
from gcmhub.actors.services import issue_token
from gcmhub.geo.models import Area
from gcmhub.indicators.formats.records import Observation, Problem

PASSWORD = "a long test password"


def obs(series="SI_RMT_COST", area="KEN", period="2019", value=1.0, *, scheme="iso3", dims=(), line=None, **extra):
    """A reader record, as every reader yields it."""
    year = int(period[:4])
    return Observation(
        series=series,
        indicator=extra.pop("indicator", None),
        area=area,
        area_scheme=scheme,
        period=period,
        year=year,
        value=value,
        dimensions=tuple(sorted(dims)),
        line=line,
        **extra,
    )


def numbered(records):
    """Give records line numbers 2, 3, … as a CSV reader would."""
    from dataclasses import replace

    return [replace(record, line=i) if isinstance(record, Observation) else record for i, record in enumerate(records, 2)]


def problem(line=3, column="Value", reason="'abc' is not a number", file="data.csv"):
    return Problem(file, line, column, reason, ("KEN", "2019", "abc"))


@pytest.fixture
def kenya(db):
    return Area.objects.get(iso3="KEN")


@pytest.fixture
def mexico(db):
    return Area.objects.get(iso3="MEX")


def make_user(username, role="", **scope) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, **scope)


@pytest.fixture
def people(kenya, mexico):
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
        reviewer=make_user("reviewer", User.Role.REVIEWER),
    )


@pytest.fixture
def api():
    from gcmhub.api import api as ninja_api

    return TestClient(ninja_api)


@pytest.fixture
def bearer():
    def headers_for(user: User) -> dict:
        _token, key = issue_token(None, user, "tests")
        return {"Authorization": f"Bearer {key}"}

    return headers_for


@pytest.fixture
def load():
    """``load(records, **options)`` through the loader with test defaults."""
    from gcmhub.indicators.loader import load as load_records

    def run(records, **options):
        options.setdefault("format", "tidy")
        options.setdefault("file_name", "data.csv")
        return load_records(records, **options)

    return run
