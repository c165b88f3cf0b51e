"""Who may do what with good practices and documents (docs/roles.md).

The review step of the UN Network's repository on the product's own roles:

* anyone reads a **published** practice; a draft or a submitted practice is
  read by whoever contributed it (contributors see their own drafts only),
  the focal point of one of its countries, reviewers and administrators;
* every signed-in role may contribute a practice; its contributor (and the
  focal point of its countries) edits it; an edit of a published practice by
  someone who may not publish it waits for review (``gcmhub.publishing``);
* a **reviewer** (or an administrator) publishes or rejects a submitted
  practice, with a reason;
* documents are uploaded by the same roles; whoever uploaded one, reviewers
  and administrators curate its candidates; a published document is public
  (its file too), an unpublished one is read by its curators only.
"""

import rules

from gcmhub.actors.rules import (
    has_role,
    is_admin,
    is_published,
    is_reviewer,
)
from gcmhub.actors.models import User

may_contribute = has_role(
    User.Role.ADMIN, User.Role.FOCAL_POINT, User.Role.CONTRIBUTOR, User.Role.STAKEHOLDER, User.Role.REVIEWER
) | is_admin


def _created_by_user(field: str) -> rules.Predicate:
    def check(user, obj) -> bool:
        if obj is None:
            return bool(user.is_authenticated)
        return user.pk is not None and getattr(obj, field) == user.pk

    return rules.predicate(check, name=f"created_by_user({field!r})")


@rules.predicate
def focal_point_of_a_practice_area(user, practice) -> bool:
    if not (user.is_authenticated and user.is_active and user.role == User.Role.FOCAL_POINT and user.area_id):
        return False
    if practice is None:
        return True
    if practice.pk is None:
        return False
    return practice.areas.filter(pk=user.area_id).exists()


contributed_it = _created_by_user("created_by_id") & may_contribute
uploaded_it = _created_by_user("uploaded_by_id") & may_contribute
staff = is_admin | is_reviewer
practice_editor = staff | contributed_it | focal_point_of_a_practice_area

rules.add_perm("practices.view_practice", is_published | practice_editor)
rules.add_perm("practices.add_practice", may_contribute)
rules.add_perm("practices.change_practice", practice_editor)
rules.add_perm("practices.delete_practice", staff | contributed_it)
# Submit for review: those who edit it. Publish, reject, withdraw: reviewers.
rules.add_perm("practices.submit_practice", practice_editor)
rules.add_perm("practices.publish_practice", staff)

rules.add_perm("practices.view_document", is_published | staff | uploaded_it)
rules.add_perm("practices.add_document", may_contribute)
rules.add_perm("practices.curate_document", staff | uploaded_it)
rules.add_perm("practices.publish_document", staff)
