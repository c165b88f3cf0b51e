"""What a user can do with commitments and their follow-up.

The web pages, the API and the ``commitments`` command all call these
functions, so every check lives here once (permissions in ``rules.py``).
``actor`` is the user acting; ``None`` is the system operator at the command
line (full rights, same validation).

Errors: ``InvalidCommitment`` (a Django ``ValidationError`` keyed by field,
and a ``gcmhub.errors.InvalidInput`` naming the first field),
``CommitmentForbidden`` (``PermissionDenied`` and ``Forbidden``),
``CommitmentNotFound`` (``Http404`` and ``NotFound``) and ``EditConflict``
(a stale ``expected_version``). Each interface turns them into a form
error, a JSON status or an exit code.

Workflow (docs/commitments.md): a commitment is created as a ``draft``;
those who may change it ``submit`` it; a reviewer ``approve``s it (it is
published; if it fails the verifiability checklist only with a written
reason, shown publicly) or ``reject``s it with a reason (back to draft).
An edit of a published commitment by someone who may not publish it is held
as a proposal (``gcmhub.publishing``) — relations included — until a
reviewer approves or rejects it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub import publishing
from gcmhub.actors import history
from gcmhub.actors.rules import is_admin, is_focal_point, is_member, is_reviewer
from gcmhub.commitments import evidence as evidence_files
from gcmhub.commitments import verifiability
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import (
    Commitment,
    CommitmentAmount,
    CommitmentIndicator,
    CommitmentObjective,
    CommitmentPartner,
    CommitmentUpdate,
    Evidence,
)
from gcmhub.concurrency import save_if_unchanged, stored_if_unchanged
from gcmhub.errors import EditConflict, Forbidden, NotFound
from gcmhub.protection.models import Situation
from gcmhub.protection.taxonomy import STAGES
from gcmhub.records import InvalidRecord

VIEW = "commitments.view_commitment"
ADD = "commitments.add_commitment"
CHANGE = "commitments.change_commitment"
DELETE = "commitments.delete_commitment"
PUBLISH = "commitments.publish_commitment"
VERIFY = "commitments.verify_commitment"
REPORT = "commitments.report_commitment"

# Scalar fields a CommitmentInput sets on the record (relations are handled apart).
SCALAR_FIELDS = (
    "kind", "title", "description", "description_format", "area", "owner", "matches", "metric", "metric_unit",
    "metric_baseline", "metric_target", "metric_target_year", "start_date", "due_date", "horizon_years",
    "form_of_support", "funding_state", "iati_identifier", "status", "completion", "is_demo", "stages",
)  # fmt: skip
RELATIONS = "_relations"  # key of the held relation changes inside pending_changes

__all__ = [
    "CommitmentForbidden", "CommitmentNotFound", "EditConflict", "InvalidCommitment",
    "approve_commitment", "create_commitment", "delete_commitment", "evidence_file_for", "get_visible_commitment",
    "post_update", "publish_update", "reject_commitment", "submit_commitment", "update_commitment",
    "verify_update", "visible_commitments", "visible_updates",
]  # fmt: skip


# --- errors understood by Django (forms, views) and by the API ---------------------------


class InvalidCommitment(InvalidRecord):
    """Invalid input to a commitment: see ``gcmhub.records.InvalidRecord``."""


class CommitmentForbidden(Forbidden, PermissionDenied):
    pass


class CommitmentNotFound(NotFound, Http404):
    pass


def require(actor, permission: str, obj=None) -> None:
    """Raise CommitmentForbidden unless ``actor`` (None: the system operator) may do it."""
    if actor is not None and not actor.has_perm(permission, obj):
        raise CommitmentForbidden(_("You do not have permission to do this."))


def _invalid(field: str, message: str) -> InvalidCommitment:
    return InvalidCommitment(message, field=field)


# --- reading ---------------------------------------------------------------------------


def _scope(user) -> Q | None:
    """The ``view_commitment`` rule as a filter; None: everything."""
    if user is None or is_admin(user) or is_reviewer(user):
        return None
    visible = Q(is_published=True)
    if is_focal_point(user) and user.area_id:
        visible |= Q(area_id=user.area_id) | Q(owner__area_id=user.area_id)
    if is_member(user) and user.organization_id:
        partnered = CommitmentPartner.objects.filter(organization_id=user.organization_id).values("commitment_id")
        visible |= Q(owner_id=user.organization_id) | Q(pk__in=partnered)
    return visible


def visible_commitments(user) -> QuerySet:
    """The commitments ``user`` may read: the queryset form of ``commitments.view_commitment``."""
    commitments = Commitment.objects.select_related("area", "owner")
    scope = _scope(user)
    return commitments if scope is None else commitments.filter(scope)


def filter_commitments(
    commitments: QuerySet,
    *,
    area: str | None = None,
    objective: int | None = None,
    action: str | None = None,
    situation: str | None = None,
    stage: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    review_state: str | None = None,
    organization: int | None = None,
    flag: str | None = None,
    q: str | None = None,
    today=None,
) -> QuerySet:
    """Narrow a list (web, API, export alike); unknown values are errors, not empty lists."""
    from gcmhub.commitments import flags, inputs

    if area:
        commitments = commitments.filter(area=inputs.resolve_area(area))
    if objective is not None:
        commitments = commitments.filter(
            objective_links__objective=inputs.resolve_objectives([objective], "objective")[0]
        )
    if action:
        commitments = commitments.filter(actions=inputs.resolve_actions([action], "action")[0])
    if situation:
        commitments = commitments.filter(situations=inputs.resolve_situations([situation], "situation")[0])
    if stage:
        # Tagged with the stage (the JSON list holds the quoted code; both
        # databases search its text, as JSON "contains" is not on SQLite).
        commitments = commitments.filter(stages__icontains=f'"{inputs.resolve_stage(stage)}"')
    choices = {"kind": (kind, Commitment.Kind), "status": (status, Commitment.Status),
               "review_state": (review_state, Commitment.ReviewState)}  # fmt: skip
    for name, (value, enum) in choices.items():
        if value:
            if value not in enum.values:
                raise _invalid(name, _("Unknown value “%(value)s”. Choose one of: %(values)s.")
                               % {"value": value, "values": ", ".join(enum.values)})  # fmt: skip
            commitments = commitments.filter(**{name: value})
    if organization is not None:
        partnered = CommitmentPartner.objects.filter(organization_id=organization).values("commitment_id")
        commitments = commitments.filter(Q(owner_id=organization) | Q(pk__in=partnered))
    if flag:
        if flag not in flags.FLAGS:
            raise _invalid("flag", _("Unknown flag “%(value)s”. Flags: %(values)s.")
                           % {"value": flag, "values": ", ".join(flags.FLAGS)})  # fmt: skip
        commitments = flags.filter_by_flag(commitments, flag, today)
    if q:
        for word in q.split():
            commitments = commitments.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return commitments.distinct() if objective is not None or action or situation else commitments


def get_visible_commitment(user, pk) -> Commitment:
    """One commitment ``user`` may read; drafts of others are "not found", so they do not leak."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    commitment = visible_commitments(user).filter(pk=pk).first() if pk is not None else None
    if commitment is None:
        raise CommitmentNotFound(_("No such commitment."))
    return commitment


def may_see_staff_view(user, commitment: Commitment) -> bool:
    """Those who work on the commitment see its unpublished updates, proposals and usernames."""
    if user is None:
        return True
    return any(user.has_perm(perm, commitment) for perm in (CHANGE, REPORT, PUBLISH))


# --- validation --------------------------------------------------------------------------


def _check_relations(data: CommitmentInput) -> None:
    if not data.objectives:
        raise _invalid("objectives", _("Name at least one objective; the first is the primary one."))
    if len({o.pk for o in data.objectives}) != len(data.objectives):
        raise _invalid("objectives", _("An objective is listed twice."))
    if len({a.pk for a in data.actions}) != len(data.actions):
        raise _invalid("actions", _("An action is listed twice."))
    if len({p.pk for p in data.principles}) != len(data.principles):
        raise _invalid("principles", _("A principle is listed twice."))
    if len({s.pk for s in data.situations}) != len(data.situations):
        raise _invalid("situations", _("A situation of vulnerability is listed twice."))
    organizations = [organization.pk for organization, _role in data.partners]
    if len(set(organizations)) != len(organizations):
        raise _invalid("partners", _("An organisation is listed twice as a partner."))
    for _organization, role in data.partners:
        if role not in CommitmentPartner.Role.values:
            raise _invalid(
                "partners",
                _("Unknown partner role “%(role)s”. Roles: %(roles)s.")
                % {"role": role, "roles": ", ".join(CommitmentPartner.Role.values)},
            )
    if data.kind == Commitment.Kind.JOINT_PLEDGE and not data.partners:
        raise _invalid("partners", _("A joint pledge names the partners who make it together."))
    series = [row.get("series") for row in data.indicators]
    if any(s is None for s in series):
        raise _invalid("indicators", _("Each linked indicator names its series."))
    if len({s.pk for s in series}) != len(series):
        raise _invalid("indicators", _("An indicator series is linked twice."))
    for row in data.indicators:
        for year_field in ("baseline_year", "target_year"):
            year = row.get(year_field)
            if year is not None and not 1900 <= int(year) <= 2100:
                raise _invalid("indicators", _("A year must be between 1900 and 2100."))
    _check_amounts(data)


def _check_amounts(data: CommitmentInput) -> None:
    if data.amounts and data.form_of_support != Commitment.FormOfSupport.FINANCIAL:
        raise _invalid("amounts", _("Amounts of money belong to financial support only."))
    for row in data.amounts:
        amount = CommitmentAmount(
            stage=row.get("stage") or "",
            amount=row.get("amount"),
            currency=(row.get("currency") or "").strip().upper(),
            date=row.get("date"),
        )
        try:
            amount.full_clean(exclude=["commitment"])
        except ValidationError as error:
            field, problems = next(iter(error.error_dict.items()))
            raise _invalid("amounts", f"{field}: {' '.join(ValidationError(problems).messages)}") from None


def _check_scalars(data: CommitmentInput, commitment: Commitment) -> None:
    if data.horizon_years is not None and data.horizon_years not in Commitment.Horizon.values:
        raise _invalid("horizon_years", _("The horizon is 2, 5 or 15 years."))
    if data.due_date and data.horizon_years:
        raise _invalid("horizon_years", _("Give a due date or a horizon, not both."))
    if data.matches is not None:
        if data.matches.kind not in (Commitment.Kind.PLEDGE, Commitment.Kind.JOINT_PLEDGE, Commitment.Kind.REQUEST):
            raise _invalid("matches", _("A matching pledge matches a pledge or a request."))


def _apply(commitment: Commitment, data: CommitmentInput) -> None:
    """Set the scalar fields and validate the whole record (relations included)."""
    _check_scalars(data, commitment)
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()
        elif name == "stages":
            value = _in_stage_order(value)
        setattr(commitment, name, value)
    if commitment.iati_identifier is None:
        commitment.iati_identifier = ""
    # The partners the permission check must see: those about to be saved.
    commitment._partner_organization_ids = [organization.pk for organization, _role in data.partners]
    try:
        commitment.full_clean(exclude=["objectives", "actions", "principles"])
    except ValidationError as error:
        raise InvalidCommitment.from_validation_error(error) from None
    _check_relations(data)


def _in_stage_order(stages) -> list:
    """Known stages in the taxonomy's order (so that the order typed is no
    change); anything else is left as given for validation to refuse."""
    stages = list(stages or [])
    if all(code in STAGES for code in stages) and len(set(stages)) == len(stages):
        return [code for code in STAGES if code in stages]
    return stages


def _relations_of(data: CommitmentInput) -> dict:
    """The relations of an input as JSON (held in a proposal, compared with the stored ones)."""
    return {
        "partners": [[organization.pk, role] for organization, role in data.partners],
        "objectives": [objective.pk for objective in data.objectives],
        "actions": sorted(action.pk for action in data.actions),
        "principles": sorted(principle.pk for principle in data.principles),
        "situations": sorted(situation.code for situation in data.situations),
        "indicators": [
            {
                "series": row["series"].pk,
                **{k: row.get(k) for k in ("baseline_value", "baseline_year", "target_value", "target_year")},
            }
            for row in data.indicators
        ],
        "amounts": [
            {
                "stage": row["stage"],
                "amount": str(row["amount"]),
                "currency": row["currency"].strip().upper(),
                "date": str(row["date"]),
            }
            for row in data.amounts
        ],
    }


def relations_summary(data: CommitmentInput) -> str:
    """The relations of an input in words, one line each, for the history."""
    lines = [
        ("objectives", ", ".join(str(o.number) for o in data.objectives)),
        ("actions", ", ".join(sorted(a.code for a in data.actions))),
        ("principles", ", ".join(sorted(p.slug for p in data.principles))),
        ("situations", ", ".join(sorted(s.code for s in data.situations))),
        ("partners", ", ".join(f"#{o.pk} ({role})" for o, role in data.partners)),
        ("indicators", "; ".join(
            f"{row['series'].code} baseline {row.get('baseline_value')} ({row.get('baseline_year')}) "
            f"target {row.get('target_value')} ({row.get('target_year')})"
            for row in data.indicators
        )),
        ("amounts", "; ".join(
            f"{row['stage']} {row['amount']} {str(row['currency']).upper()} {row['date']}" for row in data.amounts
        )),
    ]  # fmt: skip
    return "\n".join(f"{name}: {value}" for name, value in lines if value)


def _stored_relations(commitment: Commitment) -> dict:
    return _relations_of(CommitmentInput.from_commitment(commitment))


def _save_relations(commitment: Commitment, relations: dict) -> None:
    """Replace every relation of ``commitment`` with ``relations`` (JSON form)."""
    commitment.partners.all().delete()
    CommitmentPartner.objects.bulk_create(
        [CommitmentPartner(commitment=commitment, organization_id=o, role=r) for o, r in relations["partners"]]
    )
    commitment.objective_links.all().delete()
    CommitmentObjective.objects.bulk_create(
        [
            CommitmentObjective(commitment=commitment, objective_id=o, position=i)
            for i, o in enumerate(relations["objectives"])
        ]
    )
    commitment.actions.set(relations["actions"])
    commitment.principles.set(relations["principles"])
    # Absent from a change held before situations were part of the relations: unchanged.
    if "situations" in relations:
        commitment.situations.set(Situation.objects.filter(code__in=relations["situations"]))
    commitment.indicator_links.all().delete()
    CommitmentIndicator.objects.bulk_create(
        [
            CommitmentIndicator(
                commitment=commitment,
                series_id=row["series"],
                baseline_value=row.get("baseline_value"),
                baseline_year=row.get("baseline_year"),
                target_value=row.get("target_value"),
                target_year=row.get("target_year"),
            )
            for row in relations["indicators"]
        ]
    )
    commitment.amounts.all().delete()
    CommitmentAmount.objects.bulk_create(
        [
            CommitmentAmount(
                commitment=commitment,
                stage=row["stage"],
                amount=row["amount"],
                currency=row["currency"],
                date=row["date"],
            )
            for row in relations["amounts"]
        ]
    )


# --- writing -------------------------------------------------------------------------------


def create_commitment(actor, data: CommitmentInput) -> Commitment:
    """A new draft, owned by ``data.owner``; the actor must be in scope for it."""
    require(actor, ADD)
    commitment = Commitment(created_by=actor if actor is not None and actor.pk else None)
    _apply(commitment, data)
    # Checked with the record: a focal point creates in their country, a member for their organisation.
    require(actor, ADD, commitment)
    commitment.review_state = Commitment.ReviewState.DRAFT
    commitment.last_reported_at = timezone.now()
    commitment.relations_summary = relations_summary(data)
    commitment._history_user = actor
    with transaction.atomic():
        commitment.save()
        _save_relations(commitment, _relations_of(data))
    return commitment


def update_commitment(actor, commitment: Commitment, data: CommitmentInput, expected_version: int) -> bool:
    """Replace the commitment's content with ``data`` if nobody saved it since
    ``expected_version``. Returns True if the change is live, False if it is
    held for review (a published commitment edited by someone who may not
    publish it): ``commitment`` then keeps its published values."""
    require(actor, CHANGE, commitment)
    held = publishing.needs_review(actor, commitment, PUBLISH)
    if actor is not None and is_member(actor) and data.owner is not None and data.owner.pk != commitment.owner_id:
        # A partner may edit a joint commitment, not take it over.
        raise _invalid("owner", _("Only the country's focal point or an administrator changes the owner."))
    _apply(commitment, data)
    # The changed record must still be the actor's: no moving it out of their scope.
    require(actor, CHANGE, commitment)
    relations = _relations_of(data)
    commitment.relations_summary = relations_summary(data)
    with transaction.atomic():
        if held:
            _hold(actor, commitment, relations, expected_version)
            return False
        commitment._history_user = actor
        save_if_unchanged(commitment, expected_version)
        if relations != _stored_relations(commitment):
            _save_relations(commitment, relations)
    return True


def _hold(actor, commitment: Commitment, relations: dict, expected_version: int) -> None:
    """Hold the edit as the record's proposal, relations included."""
    stored_relations = _stored_relations(Commitment.objects.get(pk=commitment.pk))
    publishing.save_edit(actor, commitment, expected_version, publish_permission=PUBLISH)
    # save_edit reloaded the published values; add the relation changes beside the field changes.
    if relations != stored_relations:
        proposal = dict(commitment.pending_changes or {})
        proposal[RELATIONS] = relations
        commitment.pending_changes = proposal
        commitment.pending_by = actor
        commitment.pending_since = timezone.now()
        commitment._history_user = actor
        commitment.save(update_fields=list(publishing.PENDING_FIELDS))


def proposed_commitment(commitment: Commitment) -> tuple[Commitment, dict | None]:
    """The commitment with its held change applied, and the held relations (None: unchanged)."""
    proposal = commitment.pending_changes or {}
    return publishing.proposed_version(commitment), proposal.get(RELATIONS)


def editable_input(actor, commitment: Commitment) -> CommitmentInput:
    """What an edit by ``actor`` starts from: the stored commitment, or, for
    an editor whose edits are held, the change already waiting for review,
    so successive edits refine one proposal."""
    if not (publishing.needs_review(actor, commitment, PUBLISH) and commitment.has_pending_changes):
        return CommitmentInput.from_commitment(commitment)
    proposed, relations = proposed_commitment(commitment)
    data = CommitmentInput.from_commitment(proposed)
    if relations is not None:
        _use_relations(data, relations)
    return data


def _use_relations(data: CommitmentInput, relations: dict) -> None:
    """Put held relations (JSON ids) into ``data`` as records."""
    from gcmhub.actors.models import Organization
    from gcmhub.framework.models import Action, Objective, Principle
    from gcmhub.indicators.models import Series

    organizations = Organization.objects.in_bulk([o for o, _r in relations["partners"]])
    objectives = Objective.objects.in_bulk(relations["objectives"])
    series = Series.objects.in_bulk([row["series"] for row in relations["indicators"]])
    data.partners = [(organizations[o], r) for o, r in relations["partners"] if o in organizations]
    data.objectives = [objectives[o] for o in relations["objectives"] if o in objectives]
    data.actions = list(Action.objects.filter(pk__in=relations["actions"]).select_related("objective"))
    data.principles = list(Principle.objects.filter(pk__in=relations["principles"]))
    if "situations" in relations:
        data.situations = list(Situation.objects.filter(code__in=relations["situations"]))
    data.indicators = [
        {**row, "series": series[row["series"]]} for row in relations["indicators"] if row["series"] in series
    ]
    data.amounts = [dict(row) for row in relations["amounts"]]


def delete_commitment(actor, commitment: Commitment, expected_version: int) -> None:
    """Delete a commitment never published (administrators: any). Its history stays."""
    require(actor, DELETE, commitment)
    stored_paths = list(
        Evidence.objects.filter(update__commitment=commitment)
        .exclude(stored_path="")
        .values_list("stored_path", flat=True)
    )
    try:
        with transaction.atomic():
            stored_if_unchanged(commitment, expected_version)
            commitment._history_user = actor
            commitment.delete()
    except ProtectedError:
        raise InvalidCommitment(
            _("Another commitment matches this one: delete or change that one first."), field="matches"
        ) from None
    transaction.on_commit(lambda: evidence_files.remove_unreferenced(stored_paths))


# --- workflow --------------------------------------------------------------------------------


def submit_commitment(actor, commitment: Commitment, expected_version: int) -> Commitment:
    """Send a draft to the reviewers."""
    require(actor, CHANGE, commitment)
    if commitment.review_state != Commitment.ReviewState.DRAFT:
        raise _invalid("review_state", _("Only a draft can be submitted for review."))
    publishing.mark_submitted(commitment)
    commitment._history_user = actor
    save_if_unchanged(commitment, expected_version)
    return commitment


def awaits_review(commitment: Commitment) -> bool:
    return commitment.review_state == Commitment.ReviewState.SUBMITTED or (
        commitment.is_published and commitment.has_pending_changes
    )


def approve_commitment(actor, commitment: Commitment, expected_version: int, exception_reason: str = "") -> Commitment:
    """Publish the version the reviewer read (a submission, or a published
    commitment's held change). One that fails the verifiability checklist
    is published only with ``exception_reason``, which is shown publicly."""
    require(actor, PUBLISH, commitment)
    if not awaits_review(commitment):
        raise _invalid("review_state", _("This commitment is not waiting for review."))
    exception_reason = (exception_reason or "").strip()
    with transaction.atomic():
        stored_if_unchanged(commitment, expected_version)
        held_relations = (commitment.pending_changes or {}).get(RELATIONS)
        if held_relations is not None:
            _save_relations(commitment, held_relations)
        # The checklist of what is about to be published: held fields and relations applied.
        candidate = publishing.proposed_version(commitment)
        if verifiability.is_verifiable(candidate):
            exception_reason = ""
        elif not exception_reason:
            raise _invalid(
                "exception_reason",
                _(
                    "This commitment fails the verifiability checklist (%(missing)s): "
                    "give the reason to publish it anyway."
                )
                % {"missing": ", ".join(verifiability.missing(candidate))},
            )
        publishing.mark_published(commitment)
        commitment.verifiability_exception = exception_reason
        publishing.publish(actor, commitment, True, expected_version, validate=_validate)
    return commitment


def _validate(commitment: Commitment) -> None:
    try:
        commitment.full_clean(exclude=["objectives", "actions", "principles"])
    except ValidationError as error:
        raise InvalidCommitment.from_validation_error(error) from None


def reject_commitment(actor, commitment: Commitment, expected_version: int, reason: str) -> Commitment:
    """Send a submission back to draft, or drop a published commitment's held
    change, with the reason for its author."""
    require(actor, PUBLISH, commitment)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Give the reason for the rejection: it goes back to the author."))
    if not awaits_review(commitment):
        raise _invalid("review_state", _("This commitment is not waiting for review."))
    commitment.rejection_reason = reason
    commitment._history_user = actor
    if commitment.is_published:
        with transaction.atomic():
            publishing.discard(actor, commitment, expected_version)
            commitment.save(update_fields=["rejection_reason"])
        return commitment
    publishing.mark_rejected(commitment, reason)
    _validate(commitment)
    save_if_unchanged(commitment, expected_version)
    return commitment


# --- follow-up -------------------------------------------------------------------------------


def _reporting_organization(actor, commitment: Commitment, organization):
    """The organisation an update is reported for: the owner or a partner.
    A member reports for their own organisation."""
    allowed = {commitment.owner_id, *commitment.partners.values_list("organization_id", flat=True)}
    if organization is None:
        if actor is not None and is_member(actor) and actor.organization_id in allowed:
            return actor.organization
        return commitment.owner
    if organization.pk not in allowed:
        raise _invalid("organization", _("Updates are reported by the owner or a partner of the commitment."))
    if actor is not None and is_member(actor) and organization.pk != actor.organization_id:
        raise _invalid("organization", _("You report for your own organisation."))
    return organization


def post_update(
    actor,
    commitment: Commitment,
    *,
    reported_on,
    status: str,
    completion: str,
    narrative: str = "",
    metric_value=None,
    organization=None,
    links=(),
    files=(),
    is_demo: bool = False,
) -> CommitmentUpdate:
    """A follow-up report with its evidence. ``links``: URLs, or dicts with
    ``url`` and ``title``; ``files``: uploaded files (Django UploadedFile,
    binary file objects with a ``name``), or ``(name, bytes or file)`` pairs.
    The update is unpublished until a reviewer publishes it; on an
    unpublished commitment its status and completion apply at once, on a
    published one when it is published."""
    require(actor, REPORT, commitment)
    update = CommitmentUpdate(
        commitment=commitment,
        reported_on=reported_on,
        status=status,
        completion=completion,
        narrative=(narrative or "").strip(),
        metric_value=metric_value,
        organization=_reporting_organization(actor, commitment, organization),
        author=actor if actor is not None and actor.pk else None,
        is_demo=is_demo,
    )
    if reported_on and reported_on > timezone.localdate():
        raise _invalid("reported_on", _("An update reports what happened: its date cannot be in the future."))
    try:
        update.full_clean()
    except ValidationError as error:
        raise InvalidCommitment.from_validation_error(error) from None
    link_rows = [_link_evidence(link) for link in links]
    stored = [_store_file(item) for item in files]
    with transaction.atomic():
        update._history_user = actor
        update.save()
        _save_evidence(update, link_rows, stored)
        _note_report(actor, commitment, update, apply_state=not commitment.is_published)
    return update


def _save_evidence(update: CommitmentUpdate, link_rows: list[dict], stored: list, uploader=None) -> list[Evidence]:
    uploader = uploader or update.author
    saved = [Evidence.objects.create(update=update, uploaded_by=uploader, **row) for row in link_rows]
    for item in stored:
        saved.append(
            Evidence.objects.create(
                update=update,
                title=item.original_name,
                stored_path=item.stored_path,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=uploader,
            )
        )
    return saved


def add_evidence(actor, update: CommitmentUpdate, *, links=(), files=()) -> list[Evidence]:
    """More evidence for an update not yet published (links and files as in ``post_update``)."""
    require(actor, REPORT, update.commitment)
    if update.is_published:
        raise _invalid("update", _("This update is published: post a new update with the new evidence."))
    link_rows = [_link_evidence(link) for link in links]
    stored = [_store_file(item) for item in files]
    with transaction.atomic():
        return _save_evidence(update, link_rows, stored, actor if actor is not None and actor.pk else None)


def _link_evidence(link) -> dict:
    row = (
        {"url": link, "title": ""}
        if isinstance(link, str)
        else {"url": link.get("url", ""), "title": link.get("title", "")}
    )
    row = {"url": (row["url"] or "").strip(), "title": (row["title"] or "").strip()}
    probe = Evidence(**row)
    try:
        probe.full_clean(exclude=["update"])
    except ValidationError as error:
        raise _invalid("links", " ".join(error.messages)) from None
    if not row["url"]:
        raise _invalid("links", _("A link needs its address."))
    return row


def _store_file(item):
    if isinstance(item, tuple):
        name, content = item
    else:
        name, content = getattr(item, "name", "") or "", item
    return evidence_files.store(content, name, field="files")


def _note_report(actor, commitment: Commitment, update: CommitmentUpdate, *, apply_state: bool) -> None:
    """A report was made: the stale clock restarts; the latest update's state becomes the commitment's."""
    stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
    stored.last_reported_at = timezone.now()
    fields = ["last_reported_at"]
    latest = commitment.updates.order_by("-reported_on", "-id").first()
    if apply_state and latest is not None and latest.pk == update.pk:
        stored.status, stored.completion = update.status, update.completion
        stored.version += 1
        fields += ["status", "completion", "version"]
    stored._history_user = actor
    stored.save(update_fields=fields)
    for field in fields:
        setattr(commitment, field, getattr(stored, field))


def verify_update(
    actor, update: CommitmentUpdate, verification: str, note: str, expected_version: int
) -> CommitmentUpdate:
    """A reviewer's verification, kept beside (never merged with) what was reported."""
    require(actor, VERIFY, update.commitment)
    if verification not in CommitmentUpdate.Verification.values:
        raise _invalid(
            "verification",
            _("Unknown verification “%(value)s”. Choose one of: %(values)s.")
            % {"value": verification, "values": ", ".join(CommitmentUpdate.Verification.values)},
        )
    update.verification = verification
    update.verification_note = (note or "").strip()
    update.verified_by = actor if actor is not None and actor.pk else None
    update.verified_at = timezone.now()
    try:
        update.full_clean()
    except ValidationError as error:
        raise InvalidCommitment.from_validation_error(error) from None
    update._history_user = actor
    save_if_unchanged(update, expected_version)
    return update


def publish_update(actor, update: CommitmentUpdate, expected_version: int) -> CommitmentUpdate:
    """A reviewer publishes an update: the public reads it (once the commitment
    is published) and, if it is the latest, its status and completion become
    the commitment's."""
    commitment = update.commitment
    require(actor, PUBLISH, commitment)
    if update.is_published:
        raise _invalid("is_published", _("This update is already published."))
    with transaction.atomic():
        update.is_published = True
        update.published_at = timezone.now()
        update._history_user = actor
        save_if_unchanged(update, expected_version)
        latest = commitment.updates.filter(is_published=True).order_by("-reported_on", "-id").first()
        if latest is not None and latest.pk == update.pk:
            stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
            stored.status, stored.completion = update.status, update.completion
            stored.version += 1
            stored._history_user = actor
            stored.save(update_fields=["status", "completion", "version"])
            commitment.status, commitment.completion, commitment.version = (
                stored.status,
                stored.completion,
                stored.version,
            )
    return update


def visible_updates(user, commitment: Commitment) -> QuerySet:
    """The updates of a commitment ``user`` may read: all of them for those
    who work on it; published ones for everyone else who may read it."""
    if user is not None and not user.has_perm(VIEW, commitment):
        return CommitmentUpdate.objects.none()
    updates = commitment.updates.select_related("organization").prefetch_related("evidence")
    if may_see_staff_view(user, commitment):
        return updates
    return updates.filter(is_published=True)


def get_visible_update(user, update_id) -> CommitmentUpdate:
    update = CommitmentUpdate.objects.select_related("commitment").filter(pk=update_id).first()
    if update is None or not visible_updates(user, update.commitment).filter(pk=update.pk).exists():
        raise CommitmentNotFound(_("No such update."))
    return update


def evidence_file_for(user, evidence: Evidence):
    """``(path, content_type, name)`` of an evidence file for someone who may
    read its update; CommitmentForbidden for anyone else."""
    update = evidence.update
    if not evidence.is_file or not visible_updates(user, update.commitment).filter(pk=update.pk).exists():
        raise CommitmentForbidden(_("You may not read this file."))
    return evidence_files.path_of(evidence.stored_path), evidence.content_type, evidence.original_name


# --- history -----------------------------------------------------------------------------------


def commitment_history(reader, commitment: Commitment) -> list:
    """The commitment's history as ``reader`` may see it: staff in scope see
    usernames and held proposals, everyone else the editors' organisation or role."""
    staff = may_see_staff_view(reader, commitment)
    # Reports waiting for review and reasons given to the author are staff business.
    hidden = () if staff else ("last_reported_at", "rejection_reason", "submitted_at")
    return history.history_of(commitment, reader=reader, show_usernames=staff, exclude=hidden)


def proposed_change(reader, commitment: Commitment) -> list:
    """The held edit, published → proposed, field by field; CommitmentNotFound
    if there is none or ``reader`` does not work on the commitment."""
    if not commitment.has_pending_changes or not may_see_staff_view(reader, commitment):
        raise CommitmentNotFound(_("This commitment has no change waiting for review."))
    return history.proposed_changes(commitment, reader=reader)


def review_queue(user) -> QuerySet:
    """What waits for ``user``'s review: submissions and held changes (reviewers)."""
    if user is not None and not user.has_perm(PUBLISH):
        return Commitment.objects.none()
    return visible_commitments(user).filter(
        Q(review_state=Commitment.ReviewState.SUBMITTED) | Q(is_published=True, pending_changes__isnull=False)
    )


__all__ += [
    "proposed_change",
    "editable_input",
    "add_evidence",
    "commitment_history",
    "review_queue",
    "get_visible_update",
    "proposed_commitment",
]
