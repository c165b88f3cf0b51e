"""Fixtures for the scorecard tests (imported with ``from … import *`` by
each test module, so they do not collide with the core reviews conftest):
a Kenyan national review coordinated by a ministry, stakeholder
organisations of every kind, one account per role, and helpers that build
records through the services."""

import datetime
from types import SimpleNamespace

import pytest
from ninja.testing import TestClient

from gcmhub.actors.models import Organization, User
from gcmhub.reviews import instruments, scorecards
from gcmhub.reviews import services as review_services
from tests.actors.conftest import country, make_organization, make_user

GCM = instruments.GCM_OBJECTIVES
SDG = instruments.SDG_10_7_2

__all__ = [
    "GCM", "SDG", "kenya", "mexico", "sc_orgs", "sc_people", "review", "mex_review", "fill_official",
    "publish_official", "make_scorecard", "sc_api", "AnonymousByDefault",
]  # fmt: skip


@pytest.fixture
def kenya(db):
    return country("KEN")


@pytest.fixture
def mexico(db):
    return country("MEX")


@pytest.fixture
def sc_orgs(kenya, mexico):
    K = Organization.Kind
    return SimpleNamespace(
        ken_gov=make_organization("Kenya Ministry of Labour", kenya, kind=K.GOVERNMENT),
        ken_ngo=make_organization("Nairobi Migrant Collective", kenya, kind=K.CIVIL_SOCIETY),
        ken_union=make_organization("Kenya Workers Union", kenya, kind=K.TRADE_UNION),
        ken_uni=make_organization("Mombasa Migration Institute", kenya, kind=K.ACADEMIA),
        ken_diaspora=make_organization("Kenyan Diaspora Network", kenya, kind=K.MIGRANT_DIASPORA),
        ken_business=make_organization("Kenya Employers Forum", kenya, kind=K.PRIVATE_SECTOR),
        ken_local=make_organization("Nairobi County", kenya, kind=K.LOCAL_GOVERNMENT),
        mex_ngo=make_organization("Tijuana Shelter Network", mexico, kind=K.CIVIL_SOCIETY),
    )


@pytest.fixture
def sc_people(sc_orgs, kenya, mexico):
    R = User.Role
    return SimpleNamespace(
        admin=make_user("admin", R.ADMIN),
        focal_ken=make_user("focal-ken", R.FOCAL_POINT, area=kenya),
        focal_mex=make_user("focal-mex", R.FOCAL_POINT, area=mexico),
        contributor_ken=make_user("contributor-ken", R.CONTRIBUTOR, organization=sc_orgs.ken_gov),
        ngo=make_user("ngo-author", R.STAKEHOLDER, organization=sc_orgs.ken_ngo),
        ngo_contributor=make_user("ngo-contributor", R.CONTRIBUTOR, organization=sc_orgs.ken_ngo),
        union=make_user("union-author", R.STAKEHOLDER, organization=sc_orgs.ken_union),
        local=make_user("county-stakeholder", R.STAKEHOLDER, organization=sc_orgs.ken_local),
        mex_ngo=make_user("mex-ngo", R.STAKEHOLDER, organization=sc_orgs.mex_ngo),
        reviewer=make_user("reviewer", R.REVIEWER),
        public=make_user("someone", ""),
    )


@pytest.fixture
def review(kenya, sc_orgs):
    return review_services.create_review(
        None,
        {
            "area": kenya,
            "kind": "national",
            "title": "Kenya voluntary GCM review",
            "forum": "IMRF 2026",
            "status": "drafting",
            "coordinating_organization": sc_orgs.ken_gov,
            "comments_open_from": datetime.date.today() - datetime.timedelta(days=1),
            "comments_open_until": datetime.date.today() + datetime.timedelta(days=1),
        },
    )


@pytest.fixture
def mex_review(mexico):
    return review_services.create_review(
        None, {"area": mexico, "kind": "national", "title": "Mexico review", "status": "published"}
    )


OFFICIAL_RATINGS = {f"objective-{n}": "well_developed" if n % 2 else "developing" for n in range(1, 24)}


def fill_official(review, ratings=None, instrument_code=GCM, share=None):
    """Rate every question of the official set (as the system operator)."""
    official = review_services.start_self_assessment(None, review, instrument_code)
    ratings = ratings or (OFFICIAL_RATINGS if instrument_code == GCM else {})
    for answer in official.answers.all():
        rating = ratings.get(answer.question_key, "")
        if rating:
            review_services.save_answer(
                None, answer, {"rating": rating, "narrative": f"Official on {answer.question_key}"}, answer.version
            )
    if share is not None:
        official.refresh_from_db()
        review_services.set_sharing(None, official, share, official.version)
    official.refresh_from_db()
    return official


def publish_official(review, ratings=None, instrument_code=GCM):
    official = fill_official(review, ratings, instrument_code)
    review_services.validate_self_assessment(None, official, official.version)
    official.refresh_from_db()
    review_services.publish_self_assessment(None, official, official.version)
    official.refresh_from_db()
    return official


def make_scorecard(review, author, ratings=None, *, publish=False, share=False, instrument_code=GCM):
    scorecard = scorecards.create_scorecard(
        author, review, instrument_code=instrument_code, share_before_publication=share
    )
    for key, rating in (ratings or {}).items():
        answer = scorecard.answers.get(question_key=key)
        scorecards.save_scorecard_answer(
            author, scorecard, key, rating=rating, justification=f"Because {key}", expected_version=answer.version
        )
    scorecard.refresh_from_db()
    if publish:
        scorecards.publish_scorecard(author, scorecard, scorecard.version)
        scorecard.refresh_from_db()
    return scorecard


class AnonymousByDefault(TestClient):
    """Anonymous unless ``user=`` is given; a signed-in user sends a bearer
    token of their own (as writes require)."""

    tokens: dict = {}

    def request(self, method, path, data=None, json=None, **request_params):
        from django.contrib.auth.models import AnonymousUser

        from gcmhub.actors.services import issue_token

        user = request_params.get("user")
        if user is not None and user.is_authenticated:
            if user.pk not in self.tokens:
                self.tokens[user.pk] = issue_token(None, user, "tests")[1]
            headers = dict(request_params.pop("headers", None) or {})
            headers["Authorization"] = f"Bearer {self.tokens[user.pk]}"
            request_params["headers"] = headers
        request_params.setdefault("user", AnonymousUser())
        return super().request(method, path, data or {}, json, **request_params)


@pytest.fixture
def sc_api():
    from gcmhub.api import api as ninja_api

    client = AnonymousByDefault(ninja_api)
    client.tokens = {}
    return client
