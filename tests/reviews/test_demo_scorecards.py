"""The demo scorecards: two invented, labelled, published scorecards that
disagree with the demo self-assessment on some objectives."""

import pytest

from gcmhub.actors.demo import create_demo_accounts
from gcmhub.actors.models import Organization, User
from gcmhub.geo.models import Area
from gcmhub.reviews import scorecards
from gcmhub.reviews.demo import load_demo_reviews
from gcmhub.reviews.demo_scorecards import SCORECARDS, load_demo_scorecards

pytestmark = pytest.mark.django_db


def test_demo_scorecards_disagree_on_some_objectives_and_are_labelled(client):
    create_demo_accounts()
    kenya = Area.objects.get(iso3="KEN")
    kinds = ["civil-society", "trade-union"]
    for name, kind in zip(SCORECARDS, kinds, strict=True):
        Organization.objects.create(name=name, kind=kind, area=kenya, is_demo=True, is_published=True)
    review = load_demo_reviews()["review"]
    loaded = load_demo_scorecards()
    assert loaded["scorecards"] == 2
    assert loaded["disagreements"] == 2  # objectives 10 and 20
    assert load_demo_scorecards()["skipped"] == "already loaded"
    focal = User.objects.get(username="demo-focal-ken")
    result = scorecards.build_comparison(focal, review)["comparison"]
    flagged = [row.key for row in result.questions if row.disagreement]
    assert flagged == ["objective-10", "objective-20"]
    assert all(s.organization.is_demo and s.state == "published" for s in scorecards.scorecards_of(review))
    client.force_login(focal)
    page = client.get(f"/en/reviews/{review.pk}/comparison/").content.decode()
    assert "Invented demo data" in page and "2 of 23 questions with a disagreement." in page
