"""The demo coordination mechanism: invented, labelled, and with the planted
gaps, overlaps, matches and stale items the coordination page should find."""

import pytest
from django.db.models import Q

from gcmhub.actors.demo import create_demo_accounts
from gcmhub.commitments import flags
from gcmhub.commitments.demo import DEMO_AREA, GAP_OBJECTIVES, load_demo_commitments
from gcmhub.commitments.inbox import inbox_items
from gcmhub.commitments.models import Commitment, CommitmentUpdate, Evidence, SupportMatch
from gcmhub.commitments.services import visible_commitments
from gcmhub.framework.models import Objective


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"
    create_demo_accounts()
    return load_demo_commitments()


def test_loads_once_and_everything_is_labelled_invented(demo):
    assert demo["commitments"] == 30 and demo["organizations"] == 13
    assert load_demo_commitments() == {"skipped": True}
    commitments = Commitment.objects.filter(area__iso3=DEMO_AREA)
    assert commitments.count() == 30
    assert not commitments.filter(is_demo=False).exists()
    assert not CommitmentUpdate.objects.filter(is_demo=False).exists()
    owners = {c.owner for c in commitments.select_related("owner")}
    assert all(o.is_demo and "invented" in o.name for o in owners)


def test_planted_gaps_are_objectives_nobody_addresses_publicly(demo, django_user_model):
    public = visible_commitments(None).filter(area__iso3=DEMO_AREA, is_published=True)
    covered = set(public.values_list("objectives__number", flat=True))
    assert covered.isdisjoint(GAP_OBJECTIVES)
    assert len(covered) >= 15  # "across objectives"
    assert Objective.objects.filter(number__in=GAP_OBJECTIVES).count() == len(GAP_OBJECTIVES)


def test_planted_flags(demo):
    demo_commitments = Commitment.objects.filter(area__iso3=DEMO_AREA, is_published=True)
    for flag, expected in ((flags.STALE, 2), (flags.INACTIVE, 2), (flags.OVERDUE, 3)):
        found = flags.filter_by_flag(demo_commitments, flag)
        assert found.count() >= expected, flag
    assert demo_commitments.filter(funding_state="unfunded").count() >= 3
    no_lead = [c for c in demo_commitments if c.partners.exists() and not c.partners.filter(role="lead").exists()]
    assert no_lead


def test_planted_overlaps_share_objective_and_text(demo):
    from rapidfuzz import fuzz

    training = Commitment.objects.filter(title__startswith="Pre-departure orientation training")
    clinics = Commitment.objects.filter(Q(title__icontains="mobile clinics") | Q(title__icontains="mobile health"))
    for pair in (training, clinics):
        first, second = list(pair)
        assert first.owner_id != second.owner_id
        assert set(first.objectives.all()) & set(second.objectives.all())
        assert fuzz.token_set_ratio(first.title, second.title) >= 75


def test_matches_joint_pledge_and_red_line(demo):
    match = SupportMatch.objects.get()
    assert match.state == SupportMatch.State.CONFIRMED
    assert match.offer.matches_id == match.request_id and match.request.kind == "request"
    # A second request with a fitting but unlinked offer, for the matcher to propose.
    data_request = Commitment.objects.get(kind="request", objectives__number=1)
    assert Commitment.objects.filter(kind="pledge", objectives__number=1, form_of_support="financial").exists()
    assert not SupportMatch.objects.filter(request=data_request).exists()

    joint = Commitment.objects.get(kind="joint_pledge")
    reporters = set(joint.updates.values_list("organization_id", flat=True))
    assert len(reporters) == 2 and joint.owner_id in reporters
    assert Commitment.objects.filter(kind="red_line", is_published=True).exists()
    assert Evidence.objects.exclude(stored_path="").exists() and Evidence.objects.exclude(url="").exists()


def test_demo_inboxes_are_not_empty(demo, django_user_model):
    reviewer = django_user_model.objects.get(username="demo-reviewer")
    kinds = {item.kind for item in inbox_items(reviewer)}
    assert {"approval", "update_review"} <= kinds
    focal = django_user_model.objects.get(username="demo-focal-ken")
    kinds = {item.kind for item in inbox_items(focal)}
    assert {"stale", "inactive", "overdue", "returned"} <= kinds


def test_the_shipped_example_imports_into_the_demo_and_the_template_matches_the_spec(demo, tmp_path):
    from pathlib import Path

    from gcmhub.commitments import tabular
    from gcmhub.commitments.importer import import_commitments
    from gcmhub.indicators.models import Series

    data = Path(tabular.__file__).parent / "data"
    template = (data / "commitments-import-template.csv").read_text().strip().split(",")
    assert template == [column.name for column in tabular.IMPORT_COLUMNS]
    Series.objects.get_or_create(code="SI_RMT_COST")
    report = import_commitments(None, data / "commitments-import-example.csv")
    assert len(report.created) == 3
    grant = Commitment.objects.get(pk=report.created[2])
    assert grant.is_demo and grant.indicator_links.get().target_value == 3


def test_the_protecting_commitments_are_tagged_so_the_filters_find_them(demo, client):
    from gcmhub.commitments.demo import PROTECTION_TAGS

    tagged = Commitment.objects.filter(area__iso3=DEMO_AREA, situations__isnull=False).distinct()
    assert tagged.count() == len(PROTECTION_TAGS)
    shelters = Commitment.objects.get(title="Shelters for migrant women in situations of vulnerability")
    assert list(shelters.situations.values_list("code", flat=True)) == ["survivor_of_violence"]
    assert shelters.stages == ["destination"] and "situations: survivor_of_violence" in shelters.relations_summary
    page = client.get("/en/commitments/?situation=unaccompanied_child&area=KEN").content.decode()
    assert "No detention of children for migration reasons" in page
    assert "Screening and referral procedures at border posts" not in page  # a draft: not public
    assert "Human rights training for border officers" in client.get("/en/commitments/?stage=transit").content.decode()
