"""The demo directory: invented and labelled, with its planted stale
services and gaps (on the real Kenya indicator rows of the indicators demo
for 10.7.3 and 16.2.2, planted here as observations)."""

import pytest

from gcmhub.indicators.models import Observation, Series
from gcmhub.protection import gaps
from gcmhub.protection.demo import load_demo_directory
from gcmhub.protection.gaps_service import country_matrix
from gcmhub.protection.models import ReferralPathway, Service
from gcmhub.protection.services import is_stale

pytestmark = pytest.mark.django_db


def observe(code, area, year, value):
    series, _ = Series.objects.get_or_create(code=code, defaults={"description": code})
    Observation.objects.create(series=series, area=area, period=str(year), year=year, value=value)


def test_demo_directory_is_labelled_and_planted(client, kenya):
    from gcmhub.commitments.demo import load_demo_commitments

    # The real values the indicators demo loads for Kenya (unsd-sdg-global.csv).
    observe("SM_DTH_MIGR", kenya, 2019, 3.0)
    observe("VC_HTF_DETV", kenya, 2016, 187.0)
    load_demo_commitments()
    loaded = load_demo_directory()
    assert loaded["services"] == 11 and loaded["pathways"] == 3 and loaded["commitments_tagged"] >= 4
    assert load_demo_directory() == {"skipped": True}
    services = Service.objects.filter(area=kenya)
    assert all(s.is_demo and "(invented demo organisation)" in s.provider.name for s in services)
    assert sorted(s.name for s in services if is_stale(s)) == [
        "Assistance desk for stranded migrants (demo)", "Community interpreters on call (demo)"
    ]
    assert ReferralPathway.objects.filter(area=kenya, is_demo=True).count() == 3

    matrix = country_matrix(kenya)
    assert matrix.cell("international_protection_need", "transit").status == gaps.GAP
    assert matrix.cell("trafficking_victim", "destination").status == gaps.GAP
    assert matrix.cell("trafficking_victim", "return").status == gaps.GAP
    assert matrix.cell("stranded_migrant", "transit").status == gaps.WEAK
    assert matrix.cell("unaccompanied_child", "destination").status == gaps.COVERED
    assert all(m.title != "Night shelter, closed for repairs (demo)" for c in matrix.cells for m, _ in c.measures)

    directory = client.get("/en/protection/services/?area=KEN").content.decode()
    assert "Demo data" in directory and "Stale: not verified for 6 months" in directory
    assert "Night shelter" not in directory
    pathway = ReferralPathway.objects.get(situation__code="unaccompanied_child")
    card = client.get(f"/en/protection/pathways/{pathway.pk}/card/").content.decode()
    assert "Demo data" in card and "Child protection helpline (demo)" in card
    assert "Demo data" in client.get("/en/protection/gaps/KEN/").content.decode()
