"""What a user can do with organisations, accounts and API tokens.

Views, the API and the ``users`` command all call these functions, so every
check lives here once. ``actor`` is the user acting; ``None`` means the
system operator at the command line, who has full rights but goes through
the same validation. Problems are raised as ``gcmhub.errors`` exceptions,
which each interface turns into a form error, a JSON status or an exit code.
"""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub import publishing, references
from gcmhub.actors import history
from gcmhub.actors.models import ApiToken, Organization, User
from gcmhub.actors.rules import is_admin, is_focal_point, is_member, is_reviewer
from gcmhub.concurrency import save_if_unchanged
from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.geo.models import Area

# The fields a user may set on an organisation; anything else is refused.
ORGANIZATION_FIELDS = ("name", "acronym", "kind", "area", "parent", "website", "description", "is_demo")
PUBLISH_ORGANIZATION = "actors.publish_organization"
TOKEN_PREFIX = "gcm_"


# --- checks shared by every operation ---------------------------------------


def require_permission(actor, permission: str, obj=None) -> None:
    """Raise Forbidden unless ``actor`` (None: the system operator) may do it."""
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise Forbidden(_("You do not have permission to do this."))


def invalid_input_from(error: ValidationError) -> InvalidInput:
    """The first problem of a model validation error, naming its field."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        field = None if field == "__all__" else field
        return InvalidInput(" ".join(ValidationError(errors).messages), field=field)
    return InvalidInput(" ".join(error.messages))


def find_country(iso3: str, field: str = "area") -> Area:
    code = (iso3 or "").strip().upper()
    area = Area.objects.filter(kind=Area.Kind.COUNTRY, iso3=code).first() if code else None
    if area is None:
        raise InvalidInput(
            _("There is no country with the ISO 3166 alpha-3 code “%(code)s”.") % {"code": iso3}, field=field
        )
    return area


def resolve_organization(actor, organization_id, field: str) -> Organization:
    """An organisation referred to by ``actor`` (a parent, an account's
    organisation): through the actor's read rule, so an unknown id and one
    the actor may not see get the same answer (``gcmhub.references``)."""
    return references.resolve(
        actor,
        Organization,
        organization_id,
        field=field,
        message=_("There is no organisation with the id “%(id)s”."),
    )


def visible_parent(reader, organization: Organization) -> Organization | None:
    """The organisation ``organization`` is part of, if ``reader`` may see it:
    a published unit of an unpublished body does not name that body."""
    return references.shown_or_none(reader, organization.parent)


# --- organisations -----------------------------------------------------------


def visible_organizations(user) -> QuerySet:
    """The organisations ``user`` may read: the queryset form of the
    ``actors.view_organization`` rule (tests check that the two agree).
    None is the system operator, who reads everything."""
    organizations = Organization.objects.select_related("area", "parent")
    if user is None or is_admin(user) or is_reviewer(user):
        return organizations
    visible = Q(is_published=True)
    if is_focal_point(user):
        visible |= Q(area_id=user.area_id)
    if is_member(user) and user.organization_id:
        visible |= Q(pk=user.organization_id)
    return organizations.filter(visible)


def filter_organizations(organizations: QuerySet, area: str | None = None, kind: str | None = None) -> QuerySet:
    """Narrow a list by country (ISO3) and type; unknown values are errors, not empty lists."""
    if area:
        organizations = organizations.filter(area=find_country(area))
    if kind:
        if kind not in Organization.Kind.values:
            raise InvalidInput(_("Unknown organisation type “%(kind)s”.") % {"kind": kind}, field="kind")
        organizations = organizations.filter(kind=kind)
    return organizations


def get_organization(user, organization_id) -> Organization:
    """One organisation ``user`` may read. Unpublished ones are reported as
    missing to those who may not see them, so their existence does not leak."""
    organization = visible_organizations(user).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(_("No such organisation."))
    return organization


def create_organization(actor, data: dict) -> Organization:
    require_permission(actor, "actors.add_organization")
    organization = Organization()
    _apply_organization_data(actor, organization, data)
    # Checked again with the record: a focal point creates only in their country.
    require_permission(actor, "actors.add_organization", organization)
    organization._history_user = actor
    organization.save()
    return organization


def update_organization(actor, organization: Organization, data: dict, expected_version: int) -> Organization:
    """Apply ``data`` (only the keys given) if nobody saved the record since
    ``expected_version`` was read; raises EditConflict otherwise.

    Editing a published organisation without the right to publish it holds
    the edit for review (``gcmhub.publishing``): the returned organisation
    still has its published values, with the proposal beside them. An
    editor's edit starts from the proposed version, so successive edits
    refine one proposal.
    """
    require_permission(actor, "actors.change_organization", organization)
    held = edits_need_review(actor, organization)
    if held:
        organization = publishing.proposed_version(organization)
    _apply_organization_data(actor, organization, data)
    # The edited record must still be the actor's: no moving it to another country.
    require_permission(actor, "actors.change_organization", organization)
    publishing.save_edit(actor, organization, expected_version, publish_permission=PUBLISH_ORGANIZATION)
    return organization


def edits_need_review(actor, organization: Organization) -> bool:
    """Would ``actor``'s edit of ``organization`` wait for a reviewer?"""
    return publishing.needs_review(actor, organization, PUBLISH_ORGANIZATION)


def publish_organization(actor, organization: Organization, published: bool, expected_version: int) -> Organization:
    """A reviewer approves the version they read, not a later one: with its
    proposed change, if there is one. Withdrawing makes the proposal part
    of the draft."""
    require_permission(actor, PUBLISH_ORGANIZATION, organization)
    publishing.publish(actor, organization, published, expected_version, validate=_validate)
    return organization


def discard_proposed_change(actor, organization: Organization, expected_version: int) -> Organization:
    """Drop the change waiting for review: reviewers, and the organisation's editors."""
    # Whether a change waits is staff business: others are told there is none.
    if not organization.has_pending_changes or not may_see_proposed_change(actor, organization):
        raise NotFound(_("This organisation has no change waiting for review."))
    publishing.discard(actor, organization, expected_version)
    return organization


def may_see_proposed_change(actor, organization: Organization) -> bool:
    """Staff in scope: those who may edit or publish the organisation."""
    if actor is None:
        return True
    return actor.has_perm("actors.change_organization", organization) or actor.has_perm(
        PUBLISH_ORGANIZATION, organization
    )


def proposed_change(actor, organization: Organization) -> list:
    """The fields of the change waiting for review, published → proposed,
    as ``actor`` may see them; NotFound if there is none (or it is not theirs to see)."""
    if not organization.has_pending_changes or not may_see_proposed_change(actor, organization):
        raise NotFound(_("This organisation has no change waiting for review."))
    return history.proposed_changes(organization, reader=actor)


def organization_history(reader, organization: Organization) -> list:
    """The organisation's history as ``reader`` may see it: staff in scope
    see usernames and proposals, everyone else the editors' organisation or role."""
    return history.history_of(
        organization, reader=reader, show_usernames=may_see_proposed_change(reader, organization)
    )


def _validate(organization: Organization) -> None:
    try:
        organization.full_clean()
    except ValidationError as error:
        raise invalid_input_from(error) from None


def _apply_organization_data(actor, organization: Organization, data: dict) -> None:
    unknown = sorted(set(data) - set(ORGANIZATION_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    for field, value in data.items():
        if field == "area":
            organization.area = find_country(value) if value else None
        elif field == "parent":
            organization.parent = _parent_for(actor, organization, value) if value else None
        elif field == "is_demo":
            organization.is_demo = bool(value)
        else:
            setattr(organization, field, (value or "").strip())
    _validate(organization)


def _parent_for(actor, organization: Organization, parent_id) -> Organization:
    parent = resolve_organization(actor, parent_id, field="parent")
    ancestor = parent
    while ancestor is not None:
        if organization.pk is not None and ancestor.pk == organization.pk:
            raise InvalidInput(_("An organisation cannot be part of itself."), field="parent")
        ancestor = ancestor.parent
    return parent


# --- users -------------------------------------------------------------------


def manageable_users(actor) -> QuerySet:
    """The accounts ``actor`` may manage: the queryset form of ``actors.manage_user``."""
    users = User.objects.select_related("area", "organization__area").order_by("username")
    if actor is None or is_admin(actor):
        return users
    if is_focal_point(actor):
        in_area = Q(role=User.Role.FOCAL_POINT, area_id=actor.area_id) | Q(
            role__in=[User.Role.CONTRIBUTOR, User.Role.STAKEHOLDER], organization__area_id=actor.area_id
        )
        return users.filter(in_area).exclude(is_superuser=True)
    return users.none()


def parse_role(role: str) -> str:
    if role not in User.Role.values:
        raise InvalidInput(
            _("Unknown role “%(role)s”. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(User.Role.values)},
            field="role",
        )
    return role


def create_user(
    actor,
    username: str,
    role: str,
    area_iso3: str | None = None,
    organization_id: int | None = None,
    email: str = "",
    password: str | None = None,
) -> User:
    require_permission(actor, "actors.manage_user")
    user = User(
        username=(username or "").strip(),
        email=(email or "").strip(),
        role=parse_role(role),
        area=find_country(area_iso3) if area_iso3 else None,
        organization=resolve_organization(actor, organization_id, "organization") if organization_id else None,
    )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise invalid_input_from(error) from None
    # Checked with the account itself: its role and country decide.
    require_permission(actor, "actors.manage_user", user)
    check_password(password, user)
    user.set_password(password)
    user._history_user = actor
    user.save()
    return user


# The fields update_user accepts; username, password and is_active change elsewhere.
USER_FIELDS = ("email", "first_name", "last_name", "role", "area", "organization")
# Changing these changes what the account may do.
USER_SCOPE_FIELDS = ("role", "area_id", "organization_id")


def get_manageable_user(actor, user_id) -> User:
    """An account ``actor`` may manage: NotFound if there is no such account,
    Forbidden if it exists but is outside the actor's scope."""
    user = User.objects.select_related("area", "organization__area").filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such account."))
    require_permission(actor, "actors.manage_user", user)
    return user


def update_user(actor, user: User, data: dict, expected_version: int | None = None) -> User:
    """Apply ``data`` (only the keys given, from USER_FIELDS) to an account.

    The scope rules are those of ``create_user``, checked before and after
    the change, so a focal point can neither reach another country's account
    nor move one there, nor make anyone an administrator. Nobody changes
    their own role or scope. ``expected_version`` is the version the change
    was based on (EditConflict if it moved on); None means the version of
    ``user`` as loaded.
    """
    require_permission(actor, "actors.manage_user", user)
    unknown = sorted(set(data) - set(USER_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    before = {field: getattr(user, field) for field in USER_SCOPE_FIELDS}
    for field, value in data.items():
        if field == "role":
            user.role = parse_role(value) if value else ""
        elif field == "area":
            user.area = find_country(value) if value else None
        elif field == "organization":
            user.organization = resolve_organization(actor, value, "organization") if value else None
        else:
            setattr(user, field, (value or "").strip())
    if actor is not None and actor.pk == user.pk:
        changed = [field for field in USER_SCOPE_FIELDS if getattr(user, field) != before[field]]
        if changed:
            raise Forbidden(_("You cannot change your own role or scope."))
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise invalid_input_from(error) from None
    # Checked with the changed account: its new role and country decide.
    require_permission(actor, "actors.manage_user", user)
    user._history_user = actor
    save_if_unchanged(user, user.version if expected_version is None else expected_version)
    return user


def set_user_active(actor, user: User, active: bool) -> User:
    """Deactivate or reactivate an account; accounts are never deleted, so
    their history stays. Deactivating revokes every API token of the account
    (reactivating does not bring them back) and ends its sign-ins: Django
    refuses inactive users, sessions included."""
    require_permission(actor, "actors.manage_user", user)
    if not active and actor is not None and actor.pk == user.pk:
        raise InvalidInput(_("You cannot deactivate your own account."), field="active")
    with transaction.atomic():
        # Only this one field changes: the rest is taken as stored, not as loaded.
        stored = User.objects.select_for_update().get(pk=user.pk)
        if stored.is_active != active:
            stored.is_active = active
            stored.version += 1
            stored._history_user = actor
            stored.save()
        user.is_active, user.version = stored.is_active, stored.version
        if not active:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


def check_password(password: str | None, user: User) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS)."""
    if not password:
        raise InvalidInput(_("A password is required."), field="password")
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None


def generate_password() -> str:
    """A random password that passes the validators, for the operator to hand over."""
    return secrets.token_urlsafe(15)


# --- API tokens --------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    require_permission(actor, "actors.issue_token", user)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the token a name, such as the script that will use it."), field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise InvalidInput(_("The token name is too long."), field="name")
    if not user.is_active:
        raise InvalidInput(_("This account is deactivated."), field="user")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), prefix=key[:12])
    return token, key


def authenticate_token(key: str) -> User | None:
    """The active user a valid, unrevoked key belongs to, or None."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    _record_use(token)
    return token.user


def _record_use(token: ApiToken) -> None:
    # At most once a minute, after the response, never waiting: see token_use.py.
    from gcmhub.actors import token_use

    token_use.note(token)


def tokens_of(user: User) -> QuerySet:
    return ApiToken.objects.filter(user=user)


def get_token(actor, token_id) -> ApiToken:
    """A token ``actor`` may act on (their own; any, for an administrator).
    Someone else's token is "not found", like a missing one: token ids do not
    tell who has tokens."""
    token = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None or (actor is not None and not actor.has_perm("actors.revoke_token", token)):
        raise NotFound(_("No such token."))
    return token


def revoke_token(actor, token: ApiToken) -> ApiToken:
    require_permission(actor, "actors.revoke_token", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
