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

from gcmhub.actors.models import ApiToken, Organization, User
from gcmhub.actors.rules import is_admin, is_focal_point, is_member, is_reviewer
from gcmhub.concurrency import save_if_unchanged
from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.geo.models import Area

# The fields a user may set on an organisation; anything else is refused.
ORGANIZATION_FIELDS = ("name", "acronym", "kind", "area", "parent", "website", "description", "is_demo")
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


def _existing_organization(organization_id, field: str) -> Organization:
    try:
        return Organization.objects.get(pk=int(organization_id))
    except (TypeError, ValueError, Organization.DoesNotExist):
        raise InvalidInput(
            _("There is no organisation with the id “%(id)s”.") % {"id": organization_id}, field=field
        ) from None


# --- organisations -----------------------------------------------------------


def visible_organizations(user) -> QuerySet:
    """The organisations ``user`` may read: the queryset form of the
    ``actors.view_organization`` rule (tests check that the two agree)."""
    organizations = Organization.objects.select_related("area", "parent")
    if is_admin(user) or is_reviewer(user):
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
    _apply_organization_data(organization, data)
    # Checked again with the record: a focal point creates only in their country.
    require_permission(actor, "actors.add_organization", organization)
    organization._history_user = actor
    organization.save()
    return organization


def update_organization(actor, organization: Organization, data: dict, expected_version: int) -> Organization:
    """Apply ``data`` (only the keys given) if nobody saved the record since
    ``expected_version`` was read; raises EditConflict otherwise."""
    require_permission(actor, "actors.change_organization", organization)
    _apply_organization_data(organization, data)
    # The edited record must still be the actor's: no moving it to another country.
    require_permission(actor, "actors.change_organization", organization)
    organization._history_user = actor
    save_if_unchanged(organization, expected_version)
    return organization


def publish_organization(actor, organization: Organization, published: bool, expected_version: int) -> Organization:
    """A reviewer approves the version they read, not a later one."""
    require_permission(actor, "actors.publish_organization", organization)
    organization.is_published = published
    organization.published_at = timezone.now() if published else None
    organization._history_user = actor
    save_if_unchanged(organization, expected_version)
    return organization


def _apply_organization_data(organization: Organization, data: dict) -> None:
    unknown = sorted(set(data) - set(ORGANIZATION_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    for field, value in data.items():
        if field == "area":
            organization.area = find_country(value) if value else None
        elif field == "parent":
            organization.parent = _parent_for(organization, value) if value else None
        elif field == "is_demo":
            organization.is_demo = bool(value)
        else:
            setattr(organization, field, (value or "").strip())
    try:
        organization.full_clean()
    except ValidationError as error:
        raise invalid_input_from(error) from None


def _parent_for(organization: Organization, parent_id) -> Organization:
    parent = _existing_organization(parent_id, field="parent")
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
        organization=_existing_organization(organization_id, "organization") if organization_id else None,
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
            user.organization = _existing_organization(value, "organization") if value else None
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


def get_token(token_id) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None:
        raise NotFound(_("No such token."))
    return token


def revoke_token(actor, token: ApiToken) -> ApiToken:
    require_permission(actor, "actors.revoke_token", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
