"""Fixtures for the indicator pages: a small data set loaded through the
real loader, and users of each role.

The session has loaded every area and the framework (tests/conftest.py).
"""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from gcmhub.actors.models import Organization, User
from gcmhub.geo.models import Area
from gcmhub.indicators.formats.records import Observation as Record

PASSWORD = "a long web test password"
LANGUAGES = ("en", "fr", "es")


def record(series, area, period, value, dims=(), **extra):
    return Record(
        series=series,
        indicator=extra.pop("indicator", None),
        area=area,
        area_scheme=extra.pop("scheme", "iso3"),
        period=period,
        year=int(period[:4]),
        value=value,
        dimensions=tuple(sorted(dims)),
        **extra,
    )


def sample_records():
    """Remittance costs (10.c.1) by sex for Kenya and Mexico, 10.7.2 domain
    scores for one year, and a context series without an indicator."""
    rows = []
    for iso3, base in (("KEN", 9.0), ("MEX", 5.0)):
        for year in range(2011, 2019):
            value = base - (year - 2011) * 0.3
            rows.append(record("SI_RMT_COST", iso3, str(year), round(value, 2)))
            rows.append(record("SI_RMT_COST", iso3, str(year), round(value + 0.5, 2), (("SEX", "F"),)))
    for iso3, scores in (("KEN", (3, 2, 4, 3, 2, 3)), ("MEX", (4, 3, 3, 2, 4, 3))):
        rows.append(record("SG_CPA_MIGRS", iso3, "2019", 3.0))
        for domain, score in enumerate(scores, 1):
            rows.append(record("SG_CPA_MIGRS", iso3, "2019", float(score), (("COMPOSITE_BREAKDOWN", f"PD_{domain}"),)))
    for iso3, stock in (("KEN", 800_000), ("MEX", 1_100_000)):
        for year in (2000, 2010, 2020):
            rows.append(
                record("SM.POP.TOTL", iso3, str(year), float(stock + (year - 2000) * 1000),
                       series_name="International migrant stock", unit="NUMBER")
            )
    return [replace(row, line=line) for line, row in enumerate(rows, 2)]


@pytest.fixture
def web_data(db):
    from gcmhub.indicators.loader import load

    result = load(sample_records(), format="tidy", file_name="sample.csv", sha256="0" * 64,
                  source="Test Statistics Office")
    return result


@pytest.fixture
def kenya(db):
    return Area.objects.get(iso3="KEN")


@pytest.fixture
def users(kenya):
    organization = Organization.objects.create(name="Test ministry", kind=Organization.Kind.GOVERNMENT, area=kenya)
    return SimpleNamespace(
        admin=User.objects.create_user("web-admin", password=PASSWORD, role=User.Role.ADMIN),
        focal=User.objects.create_user("web-focal", password=PASSWORD, role=User.Role.FOCAL_POINT, area=kenya),
        contributor=User.objects.create_user(
            "web-contributor", password=PASSWORD, role=User.Role.CONTRIBUTOR, organization=organization
        ),
    )
