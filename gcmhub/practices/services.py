"""What a user can do with good practices: contribute, edit, submit, review.

Views, the API and the ``practices`` command call these functions, so each
check lives here once (``rules.py`` holds the permissions). ``actor`` is the
user acting; ``None`` is the system operator at the command line (the demo
loader), who has full rights but goes through the same validation.

The workflow is the UN Network repository's: ``draft`` → ``submitted`` →
a reviewer checks that the practice serves at least one objective, is
concrete and sourced → ``published``; or rejects it with a reason, which
returns it to its contributor as a draft. Every step is in the history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gcmhub import publishing, references
from gcmhub.actors.history import history_of
from gcmhub.actors.models import Organization
from gcmhub.actors.rules import is_admin, is_focal_point, is_reviewer
from gcmhub.actors.services import find_country, invalid_input_from, require_permission, resolve_organization
from gcmhub.concurrency import save_if_unchanged, stored_if_unchanged
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.framework.models import Objective, Principle
from gcmhub.practices import taxonomy
from gcmhub.practices.models import (
    Candidate,
    Practice,
    PracticeObjective,
    PracticeOrganization,
    PracticeSource,
    ReviewState,
    Stage,
)

PUBLISH_PRACTICE = "practices.publish_practice"

# Columns a contributor sets directly; the lists below are related rows.
SCALAR_FIELDS = (
    "title", "summary", "level", "stage", "state", "period_start", "period_end",
    "results", "evidence", "replicability", "is_demo",
)  # fmt: skip
LIST_FIELDS = (
    "areas", "objectives", "principles", "organizations", "population_groups", "vulnerability_factors", "sources",
    "commitments", "situations",
)  # fmt: skip
PRACTICE_FIELDS = (*SCALAR_FIELDS, *LIST_FIELDS)
# Words in a list filter go through the search index; its best matches only.
SEARCH_LIMIT = 100
RELATED_FIELDS = ("areas", "objectives", "principles", "organizations", "sources", "commitments", "situations")


# --- reading -------------------------------------------------------------------


def visible_practices(user) -> QuerySet:
    """The practices ``user`` may read: the queryset form of
    ``practices.view_practice`` (tests check that the two agree)."""
    practices = Practice.objects.all()
    if user is None or is_admin(user) or is_reviewer(user):
        return practices
    visible = Q(is_published=True)
    if user.is_authenticated and user.is_active:
        visible |= Q(created_by_id=user.pk)
        if is_focal_point(user) and user.area_id:
            visible |= Q(areas=user.area_id)
    return practices.filter(visible).distinct()


def get_practice(user, practice_id) -> Practice:
    """One practice ``user`` may read; an unpublished one is reported missing
    to those who may not see it, so its existence does not leak."""
    practice = visible_practices(user).filter(pk=practice_id).first()
    if practice is None:
        raise NotFound(_("No such practice."))
    return practice


def filter_practices(
    practices: QuerySet,
    *,
    user=None,
    q: str = "",
    objective: int | None = None,
    area: str = "",
    stage: str = "",
    situation: str = "",
    review_state: str = "",
) -> QuerySet:
    """Narrow a list; unknown values are errors, not empty lists."""
    if objective is not None:
        if not Objective.objects.filter(number=objective).exists():
            raise InvalidInput(_("There is no objective %(number)s.") % {"number": objective}, field="objective")
        practices = practices.filter(objective_links__objective__number=objective)
    if area:
        practices = practices.filter(areas=find_country(area))
    if stage:
        if stage not in Stage.values:
            raise InvalidInput(_("Unknown migration stage “%(stage)s”.") % {"stage": stage}, field="stage")
        practices = practices.filter(stage=stage)
    if situation:
        practices = practices.filter(situations=_situations([situation], "situation")[0])
    if review_state:
        if review_state not in ReviewState.values:
            raise InvalidInput(_("Unknown review state “%(state)s”.") % {"state": review_state}, field="review_state")
        practices = practices.filter(review_state=review_state)
    if q.strip():
        practices = practices.filter(pk__in=matching_ids(user, q))
    return practices.distinct()


def matching_ids(user, q: str) -> list[int]:
    """The practices matching the words ``q`` through the search index
    (accents and capitals ignored, en/fr/es): the best SEARCH_LIMIT of them."""
    from gcmhub.practices.search import search_practices

    result = search_practices(user, q, {}, "relevance", 1, per_page=SEARCH_LIMIT, with_facets=False)
    return [hit.practice.pk for hit in result.hits]


def primary_objective(practice: Practice) -> Objective | None:
    link = practice.objective_links.select_related("objective").first()
    return link.objective if link else None


def practice_history(reader, practice: Practice) -> list:
    staff_in_scope = reader is None or reader.has_perm("practices.change_practice", practice)
    return history_of(practice, reader=reader, show_usernames=staff_in_scope)


def may_see_review_details(user, practice: Practice) -> bool:
    """A rejection reason and a proposed change are for the practice's editors and reviewers."""
    return user is None or user.has_perm("practices.change_practice", practice) or user.has_perm(
        PUBLISH_PRACTICE, practice
    )


# --- writing -------------------------------------------------------------------


def create_practice(actor, data: dict) -> Practice:
    """A new draft, private to its contributor until a reviewer publishes it."""
    require_permission(actor, "practices.add_practice")
    practice = Practice(created_by=actor if actor is not None and actor.is_authenticated else None)
    related = _apply_practice_data(actor, practice, data)
    with transaction.atomic():
        practice._history_user = actor
        practice.save()
        _save_related(actor, practice, related)
        require_permission(actor, "practices.change_practice", practice)
    return practice


def update_practice(actor, practice: Practice, data: dict, expected_version: int) -> bool:
    """Apply ``data`` (only the keys given). True if the change is live;
    False if the practice is published and ``actor`` may not publish it, in
    which case the change waits for review (``gcmhub.publishing``). A held
    change can only be to the practice's own texts and choices: countries,
    objectives, organisations and sources of a published practice are
    changed by a reviewer (or after withdrawing it); so are its situations."""
    require_permission(actor, "practices.change_practice", practice)
    held = edits_need_review(actor, practice)
    if held:
        practice = publishing.proposed_version(practice)
    related = _apply_practice_data(actor, practice, data)
    if held and related:
        field = next(iter(related))
        raise InvalidInput(
            _(
                "This practice is published: a reviewer changes its countries, objectives, organisations, sources "
                "and situations of vulnerability."
            ),
            field=field,
        )
    with transaction.atomic():
        live = publishing.save_edit(actor, practice, expected_version, publish_permission=PUBLISH_PRACTICE)
        if live:
            _save_related(actor, practice, related)
    return live


def edits_need_review(actor, practice: Practice) -> bool:
    return publishing.needs_review(actor, practice, PUBLISH_PRACTICE)


def delete_practice(actor, practice: Practice, expected_version: int) -> None:
    require_permission(actor, "practices.delete_practice", practice)
    if practice.is_published and not (actor is None or actor.has_perm(PUBLISH_PRACTICE, practice)):
        raise InvalidInput(_("A published practice is withdrawn by a reviewer before it is deleted."))
    with transaction.atomic():
        stored_if_unchanged(practice, expected_version)
        # Candidates accepted into it go back to the curators' queue.
        practice.candidates.update(practice=None, decision=Candidate.Decision.PENDING)
        practice._history_user = actor
        practice.delete()


def submit_practice(actor, practice: Practice, expected_version: int) -> Practice:
    """Send a draft to the reviewers. It must already say which objective it
    serves and where it is described: the two things a reviewer checks."""
    require_permission(actor, "practices.submit_practice", practice)
    if practice.review_state != ReviewState.DRAFT:
        raise InvalidInput(_("Only a draft can be submitted for review."), field="review_state")
    missing = review_problems(practice)
    if missing:
        field, message = missing[0]
        raise InvalidInput(message, field=field)
    publishing.mark_submitted(practice)
    practice._history_user = actor
    save_if_unchanged(practice, expected_version)
    return practice


def review_problems(practice: Practice) -> list[tuple[str, str]]:
    """What keeps a practice from review: (field, reason) pairs."""
    problems = []
    if not practice.objective_links.exists():
        problems.append(("objectives", _("Name at least one objective of the Compact the practice serves.")))
    if not practice.areas.exists():
        problems.append(("areas", _("Name at least one country or area where the practice was carried out.")))
    if not practice.summary.strip():
        problems.append(("summary", _("Describe the practice: what was done, by whom, with what result.")))
    if not practice.sources.exists():
        problems.append(("sources", _("Give at least one source: a document page or a link.")))
    return problems


def publish_practice(actor, practice: Practice, expected_version: int) -> Practice:
    """A reviewer publishes the submitted practice they read (or the change
    proposed to a published one)."""
    require_permission(actor, PUBLISH_PRACTICE, practice)
    if practice.review_state == ReviewState.DRAFT:
        raise InvalidInput(_("A draft is submitted by its contributor before it is published."), field="review_state")
    if practice.review_state == ReviewState.PUBLISHED and not practice.has_pending_changes:
        raise InvalidInput(_("This practice is already published."), field="review_state")
    problems = review_problems(practice)
    if problems:
        raise InvalidInput(problems[0][1], field=problems[0][0])
    publishing.mark_published(practice)
    publishing.publish(actor, practice, True, expected_version, validate=_validate)
    return practice


def reject_practice(actor, practice: Practice, expected_version: int, reason: str) -> Practice:
    """Send a submitted practice back to its contributor as a draft, saying why."""
    require_permission(actor, PUBLISH_PRACTICE, practice)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the practice is not published, so its contributor can improve it."), field="reason")
    if practice.review_state != ReviewState.SUBMITTED:
        raise InvalidInput(_("Only a submitted practice can be rejected."), field="review_state")
    publishing.mark_rejected(practice, reason)
    _validate(practice)
    practice._history_user = actor
    save_if_unchanged(practice, expected_version)
    return practice


def withdraw_practice(actor, practice: Practice, expected_version: int) -> Practice:
    """A reviewer takes a published practice off the public site; it becomes a draft."""
    require_permission(actor, PUBLISH_PRACTICE, practice)
    if not practice.is_published:
        raise InvalidInput(_("This practice is not published."), field="review_state")
    practice.review_state = ReviewState.DRAFT
    publishing.publish(actor, practice, False, expected_version, validate=_validate)
    return practice


def discard_proposed_change(actor, practice: Practice, expected_version: int) -> Practice:
    if not practice.has_pending_changes or not may_see_review_details(actor, practice):
        raise NotFound(_("This practice has no change waiting for review."))
    publishing.discard(actor, practice, expected_version)
    return practice


# --- input ---------------------------------------------------------------------


def _validate(practice: Practice) -> None:
    try:
        practice.full_clean(exclude=["areas", "organizations", "objectives", "principles", "commitments"])
    except ValidationError as error:
        raise invalid_input_from(error) from None
    if practice.period_start and practice.period_end and practice.period_end < practice.period_start:
        raise InvalidInput(_("The practice cannot end before it starts."), field="period_end")


def _apply_practice_data(actor, practice: Practice, data: dict) -> dict:
    """Set the scalar fields on ``practice`` (validated) and return the
    related lists, resolved, to save once the practice has an id."""
    unknown = sorted(set(data) - set(PRACTICE_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": unknown[0]}, field=unknown[0])
    for field in SCALAR_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "is_demo":
            practice.is_demo = bool(value)
        elif field in ("period_start", "period_end"):
            setattr(practice, field, value or None)
        else:
            setattr(practice, field, (value or "").strip())
    for field, codes in (("population_groups", taxonomy.POPULATION_GROUPS), ("vulnerability_factors", taxonomy.VULNERABILITY_FACTORS)):
        if field in data:
            setattr(practice, field, _codes(data[field] or [], codes, field))
    _validate(practice)
    related = {}
    if "areas" in data:
        related["areas"] = _areas(data["areas"] or [])
    if "objectives" in data:
        related["objectives"] = objectives_by_number(data["objectives"] or [])
    if "principles" in data:
        related["principles"] = _principles(data["principles"] or [])
    if "organizations" in data:
        related["organizations"] = _organizations(actor, data["organizations"] or [])
    if "sources" in data:
        related["sources"] = _sources(actor, data["sources"] or [])
    if "commitments" in data:
        related["commitments"] = _commitments(actor, data["commitments"] or [])
    if "situations" in data:
        related["situations"] = _situations(data["situations"] or [])
    return related


def _codes(values, known: dict, field: str) -> list[str]:
    result = []
    for value in values:
        if value not in known:
            raise InvalidInput(_("Unknown code “%(code)s”.") % {"code": value}, field=field)
        if value not in result:
            result.append(value)
    return result


def _situations(codes, field: str = "situations") -> list:
    """Situations of vulnerability by code: the protection app's rule (current codes, each once)."""
    from gcmhub.protection import inputs as protection_inputs

    try:
        return protection_inputs.resolve_situations(codes, field)
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field) from None


def _areas(codes) -> list:
    areas = []
    for code in codes:
        area = find_country(code, field="areas")
        if area not in areas:
            areas.append(area)
    return areas


def objectives_by_number(numbers) -> list[Objective]:
    """Objectives by number, primary first, each once."""
    found = {objective.number: objective for objective in Objective.objects.filter(number__in=list(numbers))}
    result = []
    for number in numbers:
        if number not in found:
            raise InvalidInput(_("There is no objective %(number)s.") % {"number": number}, field="objectives")
        if found[number] not in result:
            result.append(found[number])
    return result


def _principles(letters) -> list[Principle]:
    found = {principle.letter: principle for principle in Principle.objects.filter(letter__in=list(letters))}
    missing = [letter for letter in letters if letter not in found]
    if missing:
        raise InvalidInput(_("There is no guiding principle “%(letter)s”.") % {"letter": missing[0]}, field="principles")
    return [found[letter] for letter in dict.fromkeys(letters)]


def _organizations(actor, entries) -> list[tuple[Organization, str]]:
    """(organisation, role) pairs; organisations the actor may not read are unknown to them."""
    result, seen = [], set()
    for entry in entries:
        organization_id, role = entry["id"], entry.get("role") or PracticeOrganization.Role.IMPLEMENTING
        if role not in PracticeOrganization.Role.values:
            raise InvalidInput(_("Unknown role “%(role)s”.") % {"role": role}, field="organizations")
        organization = resolve_organization(actor, organization_id, field="organizations")
        if organization.pk not in seen:
            seen.add(organization.pk)
            result.append((organization, role))
    return result


def _commitments(actor, ids) -> list:
    """Commitments by id, through the actor's read rule (``gcmhub.references``):
    an unknown id and a commitment the actor may not read get the same answer."""
    from gcmhub.commitments.models import Commitment

    result = []
    for commitment_id in ids:
        commitment = references.resolve(
            actor, Commitment, commitment_id, field="commitments",
            message=_("There is no commitment with the id “%(id)s”."),
        )  # fmt: skip
        if commitment not in result:
            result.append(commitment)
    return result


def _sources(actor, entries) -> list[PracticeSource]:
    from gcmhub.practices.library import get_document

    sources = []
    for entry in entries:
        source = PracticeSource(
            url=(entry.get("url") or "").strip(),
            page=entry.get("page") or None,
            passage=(entry.get("passage") or "").strip(),
            span_start=entry.get("span_start"),
            span_end=entry.get("span_end"),
        )
        if entry.get("document"):
            try:
                source.document = get_document(actor, entry["document"])
            except NotFound:
                raise InvalidInput(
                    _("There is no document with the id “%(id)s”.") % {"id": entry["document"]}, field="sources"
                ) from None
            if source.page and source.page > max(source.document.page_count, 1):
                raise InvalidInput(
                    _("The document has %(count)s pages; there is no page %(page)s.")
                    % {"count": source.document.page_count, "page": source.page},
                    field="sources",
                )
        if not source.document and not source.url:
            raise InvalidInput(_("A source is a document (with its page) or a link."), field="sources")
        try:
            source.full_clean(exclude=["practice"])
        except ValidationError as error:
            problem = invalid_input_from(error)
            raise InvalidInput(problem.message, field="sources") from None
        sources.append(source)
    return sources


def _save_related(actor, practice: Practice, related: dict) -> None:
    if "areas" in related:
        practice.areas.set(related["areas"])
    if "principles" in related:
        practice.principles.set(related["principles"])
    if "situations" in related:
        practice.situations.set(related["situations"])
    if "commitments" in related:
        # Links to commitments the actor may not read are kept: the actor never saw them.
        hidden = [c for c in practice.commitments.all() if not references.shown(actor, c)]
        practice.commitments.set([*related["commitments"], *hidden])
    if "objectives" in related:
        practice.objective_links.all().delete()
        # One by one, so that each link is in the history.
        for position, objective in enumerate(related["objectives"]):
            PracticeObjective.objects.create(practice=practice, objective=objective, position=position)
    if "organizations" in related:
        # Links to organisations the actor may not read stay: the actor never saw them.
        links = practice.organization_links.select_related("organization")
        hidden = [(link.organization, link.role) for link in links if not references.shown(actor, link.organization)]
        practice.organization_links.all().delete()
        for organization, role in [*related["organizations"], *hidden]:
            PracticeOrganization.objects.create(practice=practice, organization=organization, role=role)
    if "sources" in related:
        practice.sources.all().delete()
        for source in related["sources"]:
            source.practice = practice
            source.save()
