"""Fixtures for the Django side of progress: catalogue rows, observations, users.

The session has loaded every area and the whole framework (tests/conftest.py),
so KEN, MEX, the objectives and the SDG series exist; the catalogue
(indicators.Indicator / Series) is created here as an import would.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from gcmhub.actors.models import User
from gcmhub.framework.models import SdgSeries
from gcmhub.geo.models import Area
from gcmhub.indicators.models import ImportBatch, Indicator, Observation, Series

PASSWORD = "a long test password"


@pytest.fixture(autouse=True)
def english_by_default():
    with translation.override("en"):
        yield


def catalogue(series_code: str, direction: str | None = None) -> Series:
    """The catalogue Series (and Indicator) of an SDG series, as an import creates them."""
    sdg_series = SdgSeries.objects.select_related("indicator").get(code=series_code)
    sdg = sdg_series.indicator
    indicator, _ = Indicator.objects.get_or_create(
        code=sdg.code,
        defaults={"name_en": sdg.title_en, "sdg_indicator": sdg, "direction": direction or "positive"},
    )
    if direction and indicator.direction != direction:
        indicator.direction = direction
        indicator.save()
    series, _ = Series.objects.get_or_create(
        code=series_code,
        defaults={"indicator": indicator, "sdg_series": sdg_series, "description": sdg_series.description},
    )
    return series


def add(series: Series, area: Area, points: dict, *, key: str = "", batch: ImportBatch | None = None, source=None):
    """Observations {period: value} of one series in one area."""
    rows = [
        Observation(
            series=series,
            area=area,
            period=str(period),
            year=int(str(period)[:4]),
            dimension_key=key,
            value=value,
            batch=batch,
            source=source,
        )  # fmt: skip
        for period, value in points.items()
    ]
    Observation.objects.bulk_create(rows)
    return rows


@pytest.fixture
def kenya(db):
    return Area.objects.get(iso3="KEN")


@pytest.fixture
def mexico(db):
    return Area.objects.get(iso3="MEX")


@pytest.fixture
def remittances(db):
    """SI_RMT_COST (10.c.1, lower is better; global target 3 % by 2030)."""
    return catalogue("SI_RMT_COST", "negative")


@pytest.fixture
def deaths(db):
    """SM_DTH_MIGR (10.7.3, lower is better, no target)."""
    return catalogue("SM_DTH_MIGR", "negative")


@pytest.fixture
def births(db):
    """SG_REG_BRTH (16.9.1, higher is better; global target 100 by 2030)."""
    return catalogue("SG_REG_BRTH", "positive")


def make_user(username, role="", **scope) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, **scope)


@pytest.fixture
def people(kenya, mexico):
    return SimpleNamespace(
        admin=make_user("admin", User.Role.ADMIN),
        focal_ken=make_user("focal-ken", User.Role.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", User.Role.FOCAL_POINT, area=mexico),
    )


@pytest.fixture
def api():
    from ninja.testing import TestClient

    from gcmhub.api import api as ninja_api

    return TestClient(ninja_api)


@pytest.fixture
def token_for():
    from gcmhub.actors.services import issue_token

    def make(user):
        _token, key = issue_token(user, user, "tests")
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def world(kenya, mexico, remittances, deaths, births):
    """A small data set: Kenya and Mexico, three series, known statuses."""
    add(remittances, kenya, {2015: 7.5, 2023: 6.0})  # opensdg: limited_progress (METHODS example A)
    add(remittances, mexico, {2015: 5.0, 2018: 4.0, 2022: 2.9})  # below 3 %: target_achieved
    add(deaths, kenya, {2015: 5000, 2023: 6100})  # deterioration (example C)
    add(deaths, mexico, {2016: 400, 2019: 380, 2023: 300})
    add(births, kenya, {2015: 82, 2022: 88})  # moderate_progress (example B)
    add(births, kenya, {2015: 70, 2022: 71}, key="COMPOSITE_BREAKDOWN=MS_MIGRANT")
    add(births, kenya, {2015: 85, 2022: 92}, key="COMPOSITE_BREAKDOWN=MS_NOMIGRANT")
    add(births, kenya, {2015: 80, 2022: 81}, key="AGE=Y0T1")  # not an assessed disaggregation
    return SimpleNamespace(kenya=kenya, mexico=mexico, remittances=remittances, deaths=deaths, births=births)
