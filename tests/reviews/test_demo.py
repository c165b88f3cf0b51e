"""The demo review: invented, labelled, partly completed, one step late."""

import pytest

from gcmhub.actors.demo import create_demo_accounts
from gcmhub.reviews import services
from gcmhub.reviews.demo import load_demo_reviews

pytestmark = pytest.mark.django_db


def test_demo_review_is_invented_partly_completed_and_rerunnable(client):
    create_demo_accounts()
    loaded = load_demo_reviews()
    review = loaded["review"]
    assert review.is_demo and review.area.iso3 == "KEN"
    assert 0 < loaded["answered"] < loaded["total"] == 23
    assert len(services.late_milestones(review)) == 2  # one late, one done late
    answers = services.official_answers(review)
    assert answers["objective-7"].rating == "developing" and answers["objective-7"].narrative.startswith("Invented")
    assert answers["objective-1"].assigned_to.username == "demo-contributor"
    sdg = services.score_of(services.official_set(review, "sdg-10.7.2"))
    assert sdg.domains["PD_3"].level.code == "fully_meets" and sdg.domains["PD_4"].value is None
    assert load_demo_reviews()["skipped"] == "already loaded"
    from gcmhub.actors.models import User

    client.force_login(User.objects.get(username="demo-focal-ken"))
    page = client.get(f"/en/reviews/{review.pk}/").content.decode()
    assert "Invented demo data" in page and "2 steps are late." in page
