"""The progress API: /progress, /scorecards/{iso3}, /objectives/{n}/scorecard, timelines."""

import pytest

from gcmhub.indicators.models import Target
from gcmhub.progress.services import recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(world):
    recompute()
    return world


def test_progress_filtered_by_area_and_objective(api, assessed):
    response = api.get("/progress?area=KEN&objective=20&method=opensdg")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["series"], item["indicator"], item["area"]["iso3"]) == ("SI_RMT_COST", "10.c.1", "KEN")
    assert item["status"] == "limited_progress" and item["method"] == "opensdg"
    assert item["target"] == {"value": 3.0, "year": 2030, "source": "global"}
    assert item["inputs"]["years"] == [2015, 2023] and item["inputs"]["values"] == [7.5, 6.0]
    assert item["inputs"]["direction"] == "negative"
    assert item["method_version"].startswith("1.1") and item["parameters"]["thresholds_target"] == [0.95, 0.6, 0.0]


def test_progress_filters(api, assessed):
    everything = api.get("/progress").json()
    assert everything["count"] == 7  # opensdg: 6 headline results... plus the two migratory statuses
    assert api.get("/progress?dimension=headline").json()["count"] == 5
    assert api.get("/progress?dimension=COMPOSITE_BREAKDOWN=MS_MIGRANT").json()["count"] == 1
    assert api.get("/progress?status=deterioration").json()["count"] == 1
    assert (
        api.get("/progress?method=escap&area=KEN&indicator=10.c.1").json()["items"][0]["method_status"]
        == "accelerate_progress"
    )
    page = api.get("/progress?limit=2&offset=2").json()
    assert page["count"] == 7 and len(page["items"]) == 2
    assert api.get("/progress?method=magic").status_code == 422
    assert api.get("/progress?area=XXX").status_code == 422
    assert api.get("/progress?objective=99").status_code == 422
    assert api.get("/progress?status=great").status_code == 422


def test_country_scorecard(api, assessed):
    response = api.get("/scorecards/KEN")
    assert response.status_code == 200
    card = response.json()
    assert card["area"]["iso3"] == "KEN" and card["method"] == "opensdg"
    assert len(card["objectives"]) == 23
    twenty = next(o for o in card["objectives"] if o["number"] == 20)
    assert twenty["rollup"]["status"] == "limited_progress"
    assert (twenty["rollup"]["assessed"], twenty["rollup"]["total"]) == (1, 4)
    assert twenty["title"]["fr"] and twenty["indicators"][0]["indicator"] == "10.c.1"
    assert twenty["indicators"][0]["series"][0]["current_value"] == 6.0
    assert card["rollup"]["parts_total"] == 23
    assert api.get("/scorecards/XXX").status_code == 404
    assert api.get("/scorecards/KEN?method=magic").status_code == 422


def test_objective_scorecard_does_not_clash_with_the_framework(api, assessed):
    assert api.get("/objectives/20").json()["number"] == 20  # the framework's route still answers
    response = api.get("/objectives/20/scorecard?region=002")
    assert response.status_code == 200
    card = response.json()
    assert card["region"]["m49"] == "002" and card["objective"] == 20
    countries = {row["area"]["iso3"]: row for row in card["countries"]}
    assert "MEX" not in countries and countries["KEN"]["rollup"]["status"] == "limited_progress"
    assert card["rollup"]["parts_assessed"] == 1
    world = api.get("/objectives/20/scorecard").json()
    regions = {row["area"]["m49"]: row["rollup"]["status"] for row in world["regions"]}
    assert regions["019"] == "target_achieved" and regions["002"] == "limited_progress"
    assert api.get("/objectives/20/scorecard?region=999").status_code == 422
    assert api.get("/objectives/99/scorecard").status_code == 404


def test_not_doing_well(api, assessed):
    body = api.get("/scorecards/KEN/not-doing-well").json()
    assert [c["status"] for c in body["concerns"]][:1] == ["deterioration"]
    assert body["concerns"][0]["assessment"]["series"] == "SM_DTH_MIGR"
    assert 1 in body["objectives_without_data"]


def test_timelines_read_and_update(api, assessed, people, token_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        target = Target.objects.create(
            series=assessed.remittances, area=assessed.kenya, target_value=4.8, target_year=2030, baseline_year=2015
        )
    timelines = api.get("/progress/timelines?area=KEN").json()
    assert len(timelines) == 1
    assert timelines[0]["status"] == "off_track" and timelines[0]["trajectory"] == "cagr"
    assert api.put(f"/progress/timelines/{target.pk}", json={"trajectory": "linear"}).status_code == 401
    forbidden = api.put(
        f"/progress/timelines/{target.pk}", json={"trajectory": "linear"}, headers=token_for(people.focal_mex)
    )
    assert forbidden.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(
            f"/progress/timelines/{target.pk}", json={"trajectory": "linear"}, headers=token_for(people.focal_ken)
        )
    assert response.status_code == 200 and response.json()["trajectory"] == "linear"
    # Constant growth 7.5 → 4.8 gives 5.91 in 2023 (6.0 is behind); the straight line gives 6.06.
    assert api.get("/progress/timelines?area=KEN").json()[0]["status"] == "on_track"


def test_recompute_is_for_administrators_and_only_enqueued(
    api, assessed, people, token_for, django_capture_on_commit_callbacks
):
    assert api.post("/progress/recompute", json={}, headers=token_for(people.focal_ken)).status_code == 403
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post("/progress/recompute", json={"area": "KEN"}, headers=token_for(people.admin))
    assert response.status_code == 202 and response.json()["enqueued"] is True
    assert len(callbacks) == 1


def test_routes_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/progress",
        "/api/v1/scorecards/{iso3}",
        "/api/v1/objectives/{number}/scorecard",
        "/api/v1/objectives/{number}",
        "/api/v1/progress/timelines",
    ):
        assert path in paths
