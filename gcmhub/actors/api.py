"""API: the caller's account, the organisation registry with its history, and
the accounts a caller manages."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from gcmhub.actors import services
from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.actors.models import Organization, User
from gcmhub.apischema import Code, Flag, Id, InputSchema, Page, Ref, Text, Version, VersionParam, choices
from gcmhub.errors import Forbidden
from gcmhub.text import max_length

OrganizationKind = choices(Organization.Kind, "OrganizationKind")
Role = choices(User.Role, "Role")


def _text(model, field: str):
    """A body text field limited as the model field it is stored in."""
    return Text(max_length(model, field))

router = Router(tags=["actors"])


class OrganizationRef(Schema):
    id: int
    name: str


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    area: str | None = Field(None, description="ISO3 code of a focal point's country")
    organization: OrganizationRef | None = None
    can_add_organization: bool
    can_manage_users: bool


class OrganizationOut(Schema):
    id: int
    name: str
    acronym: str
    kind: OrganizationKind
    kind_label: str
    area: str | None = Field(None, description="ISO3 code")
    area_name: str | None = None
    parent: OrganizationRef | None = None
    website: str
    description: str
    is_demo: bool = Field(description="An invented record, for demonstrations only")
    is_published: bool
    version: int = Field(description="Send it back with PATCH: a stale version gets 409")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(organization) -> str:
        return str(organization.get_kind_display())

    @staticmethod
    def resolve_area(organization) -> str | None:
        return organization.area.iso3 if organization.area else None

    @staticmethod
    def resolve_area_name(organization) -> str | None:
        return organization.area.tr("name") if organization.area else None

    @staticmethod
    def resolve_parent(organization, context):
        # A parent the caller may not read is not named (gcmhub.references).
        return services.visible_parent(context["request"].auth, organization)


class OrganizationIn(InputSchema):
    name: _text(Organization, "name")
    acronym: _text(Organization, "acronym") = ""
    kind: OrganizationKind
    area: Code | None = Field(None, description="ISO3 code of the country; none for international organisations")
    parent: Ref | None = Field(None, description="Id of the organisation this one is part of")
    website: _text(Organization, "website") = ""
    description: _text(Organization, "description") = ""
    is_demo: Flag = False


class OrganizationPatch(InputSchema):
    version: Version
    name: _text(Organization, "name") | None = None
    acronym: _text(Organization, "acronym") | None = None
    kind: OrganizationKind | None = None
    area: Code | None = None
    parent: Ref | None = None
    website: _text(Organization, "website") | None = None
    description: _text(Organization, "description") | None = None
    is_demo: Flag | None = None


class PublicationIn(InputSchema):
    version: Version
    published: Flag = True


class OrganizationFilters(Schema):
    area: Code | None = Field(None, description="ISO3 code")
    kind: OrganizationKind | None = None


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    when: datetime
    who: str | None = Field(
        None,
        description="Username for staff in scope; for others the editor's organisation or role; "
        "null for the system operator",
    )
    action: str
    changes: list[ChangeOut]


@router.get("/me", response=MeOut, auth=read_auth, summary="The calling user")
def me(request):
    user = request.auth
    if not user.is_authenticated:
        raise AuthenticationError()
    return {
        "username": user.get_username(),
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "area": user.area.iso3 if user.area else None,
        "organization": user.organization,
        "can_add_organization": user.has_perm("actors.add_organization"),
        "can_manage_users": user.has_perm("actors.manage_user"),
    }


@router.get("/organizations", response=list[OrganizationOut], auth=read_auth, summary="Organisations")
@paginate(Page)
def list_organizations(request, filters: Query[OrganizationFilters]):
    """Published organisations, plus those the caller may see unpublished."""
    organizations = services.visible_organizations(request.auth)
    return services.filter_organizations(organizations, area=filters.area, kind=filters.kind)


@router.get("/organizations/{organization_id}", response=OrganizationOut, auth=read_auth)
def get_organization(request, organization_id: Id):
    return services.get_organization(request.auth, organization_id)


@router.post("/organizations", response={201: OrganizationOut}, auth=bearer_auth)
def create_organization(request, payload: OrganizationIn):
    return Status(201, services.create_organization(request.auth, payload.model_dump()))


@router.patch(
    "/organizations/{organization_id}", response={200: OrganizationOut, 202: OrganizationOut}, auth=bearer_auth
)
def update_organization(request, organization_id: Id, payload: OrganizationPatch):
    """200: the change is live. 202: the organisation is published and the
    caller may not publish it, so the change waits for a reviewer
    (``/pending-change``); the response shows the published version."""
    organization = services.get_organization(request.auth, organization_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    held = services.edits_need_review(request.auth, organization)
    organization = services.update_organization(request.auth, organization, changes, version)
    return Status(202 if held else 200, organization)


class PendingChangeOut(Schema):
    proposed_by: str | None
    proposed_at: datetime | None
    version: int = Field(description="Send it back to publish (approve) or discard this change")
    changes: list[ChangeOut] = Field(description="Each field: published value (old) and proposed value (new)")


@router.get("/organizations/{organization_id}/pending-change", response=PendingChangeOut, auth=read_auth)
def pending_change(request, organization_id: Id):
    """The change waiting for review; for reviewers and the organisation's
    editors (404 for everyone else, and when there is none). A reviewer
    approves it with ``POST .../publication``."""
    organization = services.get_organization(request.auth, organization_id)
    changes = services.proposed_change(request.auth, organization)
    proposer = organization.pending_by
    return {
        "proposed_by": proposer.get_username() if proposer else None,
        "proposed_at": organization.pending_since,
        "version": organization.version,
        "changes": changes,
    }


@router.delete("/organizations/{organization_id}/pending-change", response=OrganizationOut, auth=bearer_auth)
def discard_pending_change(request, organization_id: Id, version: VersionParam):
    """Discard the change waiting for review (``version``: the one you read)."""
    organization = services.get_organization(request.auth, organization_id)
    return services.discard_proposed_change(request.auth, organization, version)


@router.post("/organizations/{organization_id}/publication", response=OrganizationOut, auth=bearer_auth)
def publish_organization(request, organization_id: Id, payload: PublicationIn):
    """Publish (or withdraw) the version you reviewed, with its change waiting
    for review if there is one (withdrawing makes that change part of the
    draft). Reviewers and administrators."""
    organization = services.get_organization(request.auth, organization_id)
    return services.publish_organization(request.auth, organization, payload.published, payload.version)


@router.get("/organizations/{organization_id}/history", response=list[HistoryEntryOut], auth=read_auth)
def organization_history(request, organization_id: Id):
    """Every change, newest first: who, when, and each field's old and new value."""
    organization = services.get_organization(request.auth, organization_id)
    return services.organization_history(request.auth, organization)


# --- accounts ----------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    role_label: str
    area: str | None = Field(None, description="ISO3 code of a focal point's country")
    organization: OrganizationRef | None = None
    is_active: bool
    version: int = Field(description="Send it back with PATCH: a stale version gets 409")
    date_joined: datetime

    @staticmethod
    def resolve_role_label(user) -> str:
        return str(user.get_role_display())

    @staticmethod
    def resolve_area(user) -> str | None:
        return user.area.iso3 if user.area else None


class UserPatch(InputSchema):
    version: Version
    email: _text(User, "email") | None = None
    first_name: _text(User, "first_name") | None = None
    last_name: _text(User, "last_name") | None = None
    role: Role | None = None
    area: Code | None = Field(None, description="ISO3 code of a focal point's country; null to clear")
    organization: Ref | None = Field(None, description="Id of a contributor's or stakeholder's organisation")


class ActiveIn(InputSchema):
    active: Flag


def _manager(request):
    """The caller, if they may manage some accounts: 401 for nobody, 403 otherwise."""
    user = request.auth
    if not user.is_authenticated:
        raise AuthenticationError()
    if not user.has_perm("actors.manage_user"):
        raise Forbidden(_("You do not have permission to do this."))
    return user


@router.get("/users", response=list[UserOut], auth=read_auth, summary="Accounts the caller manages")
@paginate(Page)
def list_users(request):
    """Every account for an administrator; for a focal point, those of their country."""
    return services.manageable_users(_manager(request))


@router.get("/users/{user_id}", response=UserOut, auth=read_auth)
def get_user(request, user_id: Id):
    return services.get_manageable_user(_manager(request), user_id)


@router.patch("/users/{user_id}", response=UserOut, auth=bearer_auth)
def update_user(request, user_id: Id, payload: UserPatch):
    """Change email, names, role and scope (only the fields sent), within the caller's scope."""
    user = services.get_manageable_user(_manager(request), user_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return services.update_user(request.auth, user, changes, version)


@router.post("/users/{user_id}/active", response=UserOut, auth=bearer_auth)
def set_user_active(request, user_id: Id, payload: ActiveIn):
    """Deactivate (revoking the account's API tokens) or reactivate an account.
    Nobody deactivates their own account."""
    user = services.get_manageable_user(_manager(request), user_id)
    return services.set_user_active(request.auth, user, payload.active)
