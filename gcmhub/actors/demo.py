"""Demo accounts, one per role, with fixed passwords that are published.

For demonstration sites only (GCMHUB_DEMO=1): the login page lists these
credentials, so never run this against a real database. The organisations
created for the contributor and the stakeholder are invented, say so in
their names and carry ``is_demo`` so every page labels them.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from gcmhub.actors import services
from gcmhub.actors.models import Organization, User


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    area: str | None = None  # ISO3, focal points only
    organization: str | None = None  # key in DEMO_ORGANIZATIONS


DEMO_ORGANIZATIONS = {
    "ministry": {
        "name": "Example Ministry of Labour and Migration (invented demo organisation)",
        "acronym": "EMLM",
        "kind": Organization.Kind.GOVERNMENT,
        "area": "KEN",
        "description": "An invented ministry for trying GCM Hub out. It does not exist.",
        "is_demo": True,
    },
    "network": {
        "name": "Example Migrant Support Network (invented demo organisation)",
        "acronym": "EMSN",
        "kind": Organization.Kind.MIGRANT_DIASPORA,
        "area": "MEX",
        "description": "An invented migrant organisation for trying GCM Hub out. It does not exist.",
        "is_demo": True,
    },
}

DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", "marrakech-admin-2018", User.Role.ADMIN),
    DemoAccount("demo-focal-ken", "marrakech-kenya-2018", User.Role.FOCAL_POINT, area="KEN"),
    DemoAccount("demo-focal-mex", "marrakech-mexico-2018", User.Role.FOCAL_POINT, area="MEX"),
    DemoAccount("demo-contributor", "marrakech-ministry-2018", User.Role.CONTRIBUTOR, organization="ministry"),
    DemoAccount("demo-stakeholder", "marrakech-network-2018", User.Role.STAKEHOLDER, organization="network"),
    DemoAccount("demo-reviewer", "marrakech-review-2018", User.Role.REVIEWER),
)


def demo_credentials() -> list[dict]:
    """What the login page shows on a demo site; reads no database.

    Each dict has username, password, role, role_label, area (ISO3 or None),
    organization (name or None) and scope (either of those, or "everything").
    """
    return [
        {
            "username": account.username,
            "password": account.password,
            "role": account.role,
            "role_label": User.Role(account.role).label,
            "area": account.area,
            "organization": DEMO_ORGANIZATIONS[account.organization]["name"] if account.organization else None,
            "scope": _scope_label(account),
        }
        for account in DEMO_ACCOUNTS
    ]


def _scope_label(account: DemoAccount) -> str:
    if account.area:
        return account.area
    if account.organization:
        return DEMO_ORGANIZATIONS[account.organization]["name"]
    return _("everything")


@transaction.atomic
def create_demo_accounts() -> list[dict]:
    """Create (or reset) the demo organisations and accounts; safe to rerun.

    Needs the areas loaded (``gcmhub init``) for Kenya and Mexico.
    """
    organizations = {key: _demo_organization(spec) for key, spec in DEMO_ORGANIZATIONS.items()}
    for account in DEMO_ACCOUNTS:
        _demo_user(account, organizations)
    return demo_credentials()


def _demo_organization(spec: dict) -> Organization:
    organization = Organization.objects.filter(name=spec["name"], is_demo=True).first()
    if organization is None:
        organization = services.create_organization(None, spec)
    if not organization.is_published:
        services.publish_organization(None, organization, True, organization.version)
    return organization


def _demo_user(account: DemoAccount, organizations: dict[str, Organization]) -> User:
    organization = organizations[account.organization] if account.organization else None
    user = User.objects.filter(username=account.username).first()
    if user is None:
        return services.create_user(
            None,
            account.username,
            account.role,
            area_iso3=account.area,
            organization_id=organization.pk if organization else None,
            password=account.password,
        )
    # Someone may have changed the account while trying the site: put it back.
    user.role = account.role
    user.area = services.find_country(account.area) if account.area else None
    user.organization = organization
    user.is_active = True
    user.set_password(account.password)
    user.save()
    return user
