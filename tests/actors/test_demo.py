"""Demo accounts: one per role, invented organisations labelled as such."""

from django.contrib.auth import authenticate

from gcmhub.actors.demo import DEMO_ACCOUNTS, create_demo_accounts
from gcmhub.actors.models import Organization, User


def test_one_account_per_role_and_rerunning_changes_nothing(kenya, mexico):
    first = create_demo_accounts()
    second = create_demo_accounts()
    assert first == second
    assert User.objects.count() == len(DEMO_ACCOUNTS) == 6
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert Organization.objects.count() == 2


def test_demo_organisations_are_invented_published_and_say_so(kenya, mexico):
    accounts = {a["username"]: a for a in create_demo_accounts()}
    assert accounts["demo-focal-mex"]["area"] == "MEX"
    assert "invented" in accounts["demo-stakeholder"]["organization"]
    for organization in Organization.objects.all():
        assert organization.is_demo and organization.is_published
        assert "invented" in organization.name
    assert User.objects.get(username="demo-contributor").organization.area == kenya
    assert User.objects.get(username="demo-focal-mex").area == mexico


def test_documented_passwords_work_even_after_someone_changed_them(kenya, mexico, rf):
    create_demo_accounts()
    reviewer = User.objects.get(username="demo-reviewer")
    reviewer.set_password("changed by a visitor")
    reviewer.role = User.Role.ADMIN
    reviewer.save()
    accounts = {a["username"]: a for a in create_demo_accounts()}
    request = rf.post("/en/login/")
    user = authenticate(request, username="demo-reviewer", password=accounts["demo-reviewer"]["password"])
    assert user is not None and user.role == User.Role.REVIEWER
