"""Who may do what: the predicates every app builds its permissions from.

``rules`` imports this module at start-up (AutodiscoverRulesConfig). Views,
API and CLI all ask ``user.has_perm("app.action_model", obj)`` and services
check the same permission before acting, so each rule is written once, here
or in the ``rules.py`` of the app that owns the model. A later app composes
its rules from these predicates, for example::

    from gcmhub.actors.rules import is_admin, manages_area_of, member_of_organization_of

    rules.add_perm(
        "commitments.change_commitment",
        is_admin | manages_area_of("area_id") | member_of_organization_of("owner_id"),
    )

Convention for checks without an object: ``user.has_perm(perm)`` answers
"may this user do this to *some* record?" (should the page offer the
button?). The scoped predicates therefore hold when ``obj`` is None for a
user who has that kind of scope at all. Operations on a record always pass
the record, and services check again with the record they are about to save.

docs/roles.md has the resulting permission matrix.
"""

from collections.abc import Callable

import rules

from gcmhub.actors.models import User

Getter = str | Callable[[object], object]


def _getter(get: Getter) -> Callable[[object], object]:
    """Accept a dotted attribute path ("organization.area_id") or a callable."""
    if callable(get):
        return get
    attributes = get.split(".")

    def follow(obj):
        for attribute in attributes:
            if obj is None:
                return None
            obj = getattr(obj, attribute)
        return obj

    return follow


def _pk(value) -> object:
    """A getter may return a model instance or its primary key."""
    return getattr(value, "pk", value)


def _acts(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def has_role(*roles: str) -> rules.Predicate:
    """True for an active, signed-in user holding one of ``roles``."""

    def check(user) -> bool:
        return _acts(user) and user.role in roles

    return rules.predicate(check, name=f"has_role({', '.join(roles)})")


@rules.predicate
def is_admin(user) -> bool:
    # Django superusers (created with `createsuperuser`) count as administrators.
    return _acts(user) and (user.is_superuser or user.role == User.Role.ADMIN)


is_focal_point = has_role(User.Role.FOCAL_POINT)
is_contributor = has_role(User.Role.CONTRIBUTOR)
is_stakeholder = has_role(User.Role.STAKEHOLDER)
is_reviewer = has_role(User.Role.REVIEWER)
is_member = has_role(User.Role.CONTRIBUTOR, User.Role.STAKEHOLDER)


def manages_area_of(get_area: Getter) -> rules.Predicate:
    """A focal point whose country is the object's area.

    ``get_area`` maps the object to its Area or the Area's id, e.g. "area_id"
    or "organization.area_id". Objects without an area belong to no focal point.
    """
    area_of = _getter(get_area)

    def check(user, obj) -> bool:
        if not is_focal_point(user) or user.area_id is None:
            return False
        if obj is None:
            return True
        return _pk(area_of(obj)) == user.area_id

    return rules.predicate(check, name=f"manages_area_of({get_area!r})")


def member_of_organization_of(get_org: Getter) -> rules.Predicate:
    """A contributor or stakeholder of the object's organisation.

    Combine with ``is_stakeholder`` or ``is_contributor`` where only one of
    the two roles should qualify.
    """
    organization_of = _getter(get_org)

    def check(user, obj) -> bool:
        if not is_member(user) or user.organization_id is None:
            return False
        if obj is None:
            return True
        return _pk(organization_of(obj)) == user.organization_id

    return rules.predicate(check, name=f"member_of_organization_of({get_org!r})")


@rules.predicate
def is_published(user, obj) -> bool:
    """The object is published (an ``is_published`` attribute or property)."""
    return bool(getattr(obj, "is_published", False))


@rules.predicate
def is_self(user, target) -> bool:
    return target is not None and user.pk is not None and target.pk == user.pk


@rules.predicate
def is_admin_account(user, target) -> bool:
    """The target user is an administrator: only administrators manage those."""
    return target is not None and (target.is_superuser or target.role == User.Role.ADMIN)


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and user.pk is not None and token.user_id == user.pk


def _itself(obj):
    return obj


# Organisations: anyone reads published ones; the focal point of the
# organisation's country keeps its entry; a reviewer approves publication.
manages_organization = is_admin | manages_area_of("area_id")

rules.add_perm(
    "actors.view_organization",
    is_published | is_admin | is_reviewer | manages_area_of("area_id") | member_of_organization_of(_itself),
)
rules.add_perm("actors.add_organization", manages_organization)
rules.add_perm("actors.change_organization", manages_organization)
rules.add_perm("actors.delete_organization", manages_organization)
rules.add_perm("actors.publish_organization", is_admin | is_reviewer)

# Users: a focal point manages the accounts of their own country (focal points,
# and contributors and stakeholders of its organisations), never an
# administrator and never a global role such as reviewer (which has no area).
rules.add_perm(
    "actors.manage_user",
    is_admin | (manages_area_of(lambda target: target.scope_area) & ~is_admin_account),
)

# A token acts as its owner, so only the owner issues one (the system operator
# can too, from the command line); an administrator may cut a token off.
rules.add_perm("actors.issue_token", is_self)
rules.add_perm("actors.revoke_token", owns_token | is_admin)
