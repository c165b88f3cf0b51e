"""The gap matrix of a country read from the database, on planted records:
a gap (harm data, no measure), weak spots (an unfunded commitment, a stale
service), a covered cell, the API and the pages (matrix, drill-down)."""

import datetime

import pytest

from gcmhub.commitments import services as commitment_services
from gcmhub.commitments.models import Commitment
from gcmhub.indicators.models import Observation, Series
from gcmhub.progress.defaults import DEFAULT_METHOD
from gcmhub.progress.models import Assessment
from gcmhub.protection import gaps
from gcmhub.protection.gaps_service import country_matrix, harm_links
from tests.commitments.conftest import commitment_input
from tests.protection.conftest import age, situation

pytestmark = pytest.mark.django_db


def observe(code, area, year, value, key=""):
    series, _ = Series.objects.get_or_create(code=code, defaults={"description": code})
    Observation.objects.create(series=series, area=area, period=str(year), year=year, value=value, dimension_key=key)
    return series


def assess(series, area, status="deterioration"):
    Assessment.objects.create(
        series=series, area=area, method=DEFAULT_METHOD, status=status, method_status="x",
        requested_base_year=2015, direction="negative", method_version="1", fingerprint="f",
    )  # fmt: skip


def commitment(area, owner, situations, stages, published=True, **overrides):
    record = commitment_services.create_commitment(None, commitment_input(area, owner, **overrides))
    record.situations.set([situation(code) for code in situations])
    Commitment.objects.filter(pk=record.pk).update(stages=list(stages))
    record.refresh_from_db()
    if published:
        commitment_services.submit_commitment(None, record, record.version)
        record.refresh_from_db()
        commitment_services.approve_commitment(None, record, record.version, exception_reason="test record")
    return record


@pytest.fixture
def planted(kenya, orgs, make_service):
    trafficking = observe("VC_HTF_DETV", kenya, 2018, 143.0)
    observe("VC_HTF_DETV", kenya, 2016, 187.0)
    assess(trafficking, kenya)
    observe("SM_DTH_MIGR", kenya, 2019, 3.0)
    # A published, unfunded commitment for exploited workers at destination: a weak spot.
    unfunded = commitment(kenya, orgs.gov, ["exploited_worker"], ["destination"], funding_state="unfunded",
                          title="Labour inspection of recruitment agencies")  # fmt: skip
    # A draft commitment for trafficking victims: not published, never counted.
    commitment(kenya, orgs.gov, ["trafficking_victim"], [], published=False, title="Draft plan")
    # A stale service for stranded migrants: a weak spot in transit and destination.
    stale = age(make_service(situations=[situation("stranded_migrant")], name="Transit desk"), 400)
    # A fresh service for unaccompanied children: covered.
    fresh = make_service(situations=[situation("unaccompanied_child")], name="Child helpline",
                         verified_on=datetime.date.today())  # fmt: skip
    return {"unfunded": unfunded, "stale": stale, "fresh": fresh}


def test_planted_gaps_weak_spots_and_coverage(kenya, planted):
    matrix = country_matrix(kenya)
    cell = matrix.cell("trafficking_victim", "transit")
    assert (cell.status, cell.rule) == (gaps.GAP, gaps.RULE_GAP)
    assert [(e.series, e.latest_year, e.latest_value, e.progress_status) for e in cell.harm] == [
        ("VC_HTF_DETV", 2018, 143.0, "deterioration")
    ]
    assert cell.measures == ()  # the draft commitment is not read

    weak = matrix.cell("exploited_worker", "destination")
    assert weak.status == gaps.WEAK
    assert [(m.title, m.problems) for m in weak.measures_with(gaps.WEAK_MEASURE)] == [
        ("Labour inspection of recruitment agencies", ("unfunded",))
    ]
    assert matrix.cell("exploited_worker", "pre_departure").status == gaps.NO_EVIDENCE

    stranded = matrix.cell("stranded_migrant", "transit")
    assert stranded.status == gaps.WEAK
    assert stranded.measures_with(gaps.WEAK_MEASURE)[0].problems == ("stale",)
    assert {e.series for e in stranded.harm} == {"SM_DTH_MIGR"}

    assert matrix.cell("unaccompanied_child", "destination").status == gaps.COVERED
    # 10.7.3 is linked to unaccompanied children in transit; the fresh service covers it.
    assert matrix.cell("unaccompanied_child", "transit").status == gaps.COVERED
    # The taxonomy does not place unaccompanied children before departure.
    assert matrix.cell("unaccompanied_child", "pre_departure").status == gaps.NOT_APPLICABLE
    assert matrix.cell("international_protection_need", "transit").status == gaps.GAP


def test_harm_needs_a_value_above_zero_in_this_country(kenya, mexico, orgs):
    observe("VC_HTF_DETV", mexico, 2019, 50.0)
    observe("SM_DTH_MIGR", kenya, 2019, 0.0)
    matrix = country_matrix(kenya)
    assert matrix.cell("trafficking_victim", "transit").status == gaps.NO_EVIDENCE
    assert matrix.cell("stranded_migrant", "transit").status == gaps.NO_EVIDENCE
    assert matrix.totals[gaps.GAP] == 0


def test_the_migrant_disaggregation_is_read_first():
    links = {link.series: link for link in harm_links()}
    assert links["SL_EMP_FTLINJUR"].dimension_key == "COMPOSITE_BREAKDOWN=MS_MIGRANT"
    assert {"SM_DTH_MIGR", "VC_HTF_DETV", "SL_EMP_INJUR"} <= set(links)


def test_injuries_of_migrant_workers(kenya):
    observe("SL_EMP_INJUR", kenya, 2020, 0.0, key="")
    observe("SL_EMP_INJUR", kenya, 2020, 812.0, key="COMPOSITE_BREAKDOWN=MS_MIGRANT")
    cell = country_matrix(kenya).cell("exploited_worker", "destination")
    injuries = next(e for e in cell.evidence if e.series == "SL_EMP_INJUR")
    assert (injuries.latest_value, injuries.dimension_key) == (812.0, "COMPOSITE_BREAKDOWN=MS_MIGRANT")
    assert cell.status == gaps.GAP


def test_gap_api(api, kenya, planted):
    response = api.get("/protection/gaps/KEN")
    assert response.status_code == 200
    data = response.json()
    assert data["area"] == "KEN" and data["method_version"] == gaps.METHOD_VERSION
    cell = next(c for c in data["cells"] if (c["situation"], c["stage"]) == ("exploited_worker", "destination"))
    assert cell["status"] == "weak" and cell["rule"] == gaps.RULE_WEAK
    assert cell["measures"][0]["problems"] == ["unfunded"] and cell["measures"][0]["standing"] == "weak"
    assert any("unfunded" in line for line in cell["explanation"])
    assert api.get("/protection/gaps/XXX").status_code == 404


def test_gap_pages(client, kenya, planted):
    page = client.get("/en/protection/gaps/KEN/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Gap" in text and "Weak spot" in text and "Covered" in text
    assert "/en/protection/gaps/KEN/trafficking_victim/transit/" in text
    cell = client.get("/en/protection/gaps/KEN/trafficking_victim/transit/")
    assert cell.status_code == 200
    body = cell.content.decode()
    assert "VC_HTF_DETV" in body and "143 in 2018" in body and "Evidence of harm and no measure" in body
    assert client.get("/en/protection/gaps/KEN/nothing/transit/").status_code == 404
    assert client.get("/fr/protection/gaps/KEN/").status_code == 200


def test_country_page_section_links_the_matrix(client, kenya, planted):
    page = client.get("/en/countries/KEN/")
    assert "/en/protection/gaps/KEN/" in page.content.decode()


def test_coordination_page_lists_protection_gaps(client, kenya, planted):
    page = client.get("/en/countries/KEN/coordination/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Protection gaps and weak spots" in text
    assert "/en/protection/gaps/KEN/trafficking_victim/transit/" in text  # a gap
    assert "/en/protection/gaps/KEN/exploited_worker/destination/" in text  # a weak spot
    assert "/en/protection/gaps/KEN/unaccompanied_child/destination/" not in text  # covered
