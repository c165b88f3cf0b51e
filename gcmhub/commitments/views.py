"""Web pages of commitments: the list (with filters, search and downloads),
the commitment page, the create/edit forms, the workflow buttons, follow-up
updates with their evidence.

Each view asks ``has_perm`` only to decide what to offer; it collects input
with a form and hands it to ``services``, which check again and are the only
code that writes. A refused save keeps what was typed (422), a stale version
says who changed the record (409).
"""

import io
from dataclasses import dataclass, fields

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gcmhub import publishing
from gcmhub.actors.history import proposed_changes
from gcmhub.actors.models import Organization
from gcmhub.actors.views import forbidden
from gcmhub.commitments import flags, outcomes, services, tabular, verifiability
from gcmhub.commitments.forms import (
    ApproveForm,
    CommitmentEditor,
    RejectForm,
    UpdateForm,
    VerifyForm,
    VersionForm,
    add_service_error,
)
from gcmhub.commitments.models import Commitment, CommitmentUpdate, Evidence
from gcmhub.errors import EditConflict, Forbidden, InvalidInput
from gcmhub.framework.models import Action, Objective
from gcmhub.geo.models import Area
from gcmhub.protection.models import Situation
from gcmhub.protection.taxonomy import STAGES, load_taxonomy

COMMITMENTS_PER_PAGE = 50
DOWNLOAD_FORMATS = ("csv", "xlsx")
# Free text is cut: nobody types more to find a commitment.
MAX_QUERY_LENGTH = 200


@dataclass
class ListFilters:
    """The list's filters as typed in the query string (the same names as the API)."""

    area: str = ""
    objective: str = ""
    action: str = ""
    situation: str = ""
    stage: str = ""
    kind: str = ""
    status: str = ""
    review_state: str = ""
    organization: str = ""
    flag: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "ListFilters":
        values = {field.name: (params.get(field.name) or "").strip() for field in fields(cls)}
        values["area"] = values["area"].upper()
        values["q"] = values["q"][:MAX_QUERY_LENGTH]
        return cls(**values)

    def as_query(self) -> dict:
        return {name: value for name, value in vars(self).items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_query())

    def apply(self, commitments):
        """Narrowed by ``services.filter_commitments`` (the API's rule); InvalidInput names a bad filter."""
        given = self.as_query()
        for name in ("objective", "organization"):
            if name in given:
                given[name] = _number(name, given[name])
        return services.filter_commitments(commitments, **given)


def _number(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(_("“%(value)s” is not a number.") % {"value": value}, field=name) from None


# --- list ------------------------------------------------------------------------------------


def commitment_list(request):
    filters = ListFilters.from_query(request.GET)
    commitments = services.visible_commitments(request.user)
    filter_error = None
    try:
        commitments = filters.apply(commitments)
    except InvalidInput as error:
        filter_error = error.message
        commitments = commitments.none()
    download = request.GET.get("format", "")
    if download:
        if download not in DOWNLOAD_FORMATS:
            raise Http404(_("Downloads are offered as CSV or XLSX."))
        return _download(commitments, download)
    page = Paginator(commitments.order_by("-created_at", "id"), COMMITMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "query": filters.as_query(),
        "filter_error": filter_error,
        "choices": _filter_choices(request.user),
        "can_add": request.user.has_perm(services.ADD),
        "coordination_url": _coordination_url(request.user, Area.objects.filter(iso3=filters.area).first()),
    }
    return render(request, "commitments/commitment_list.html", context)


def _coordination_url(user, area: Area | None) -> str | None:
    """The country's coordination page, for those who may see it (and once that page is installed)."""
    if area is None or not user.has_perm("commitments.coordinate_area", area):
        return None
    try:
        return reverse("coordination:country", kwargs={"key": area.iso3})
    except NoReverseMatch:
        return None


def _filter_choices(user) -> dict:
    areas = Area.objects.filter(commitments__in=services.visible_commitments(user)).distinct().order_by("iso3")
    owners = Organization.objects.filter(owned_commitments__in=services.visible_commitments(user)).distinct()
    return {
        "areas": sorted(((a.iso3, a.tr("name")) for a in areas), key=lambda choice: choice[1]),
        "objectives": [(str(o.number), f"{o.number}. {o.tr('short_title')}") for o in Objective.objects.order_by("number")],
        "actions": [
            (a.code, f"{a.label} {a.tr('title')}")
            for a in Action.objects.select_related("objective").order_by("objective__number", "letter")
        ],
        "situations": [(s.code, s.title()) for s in Situation.objects.filter(is_current=True)],
        "stages": _stage_labels(STAGES),
        "kinds": Commitment.Kind.choices,
        "statuses": Commitment.Status.choices,
        "review_states": Commitment.ReviewState.choices,
        "organizations": [(str(o.pk), str(o)) for o in owners.order_by("name")],
        "flags": [(flag, flags.FLAG_LABELS[flag]) for flag in flags.FLAGS],
    }


def _download(commitments, fmt: str) -> HttpResponse:
    """The filtered list as a file, in the columns of the import template (``tabular``)."""
    stream = io.BytesIO()
    tabular.write_commitments(tabular.prefetch(commitments.order_by("id")), fmt, stream)
    response = HttpResponse(stream.getvalue(), content_type=tabular.content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="commitments{tabular.suffix(fmt)}"'
    return response


# --- the commitment page ---------------------------------------------------------------------


def commitment_detail(request, pk: int):
    return _render_detail(request, services.get_visible_commitment(request.user, pk))


def _render_detail(request, commitment: Commitment, *, bound: dict | None = None, status: int = 200):
    """The page, with ``bound`` forms (sent back with their errors) in place of blank ones."""
    user = request.user
    bound = bound or {}
    commitment_flags = flags.commitment_flags(commitment)
    checklist = verifiability.checklist(commitment)
    updates = list(services.visible_updates(user, commitment).select_related("author"))
    staff = services.may_see_staff_view(user, commitment)
    can = {
        "change": user.has_perm(services.CHANGE, commitment),
        "delete": user.has_perm(services.DELETE, commitment),
        "publish": user.has_perm(services.PUBLISH, commitment),
        "verify": user.has_perm(services.VERIFY, commitment),
        "report": user.has_perm(services.REPORT, commitment),
    }
    awaits_review = services.awaits_review(commitment)
    context = {
        "commitment": commitment,
        "objectives": [link.objective for link in commitment.objective_links.select_related("objective")],
        "actions": commitment.actions.select_related("objective").order_by("objective__number", "letter"),
        "principles": commitment.principles.order_by("letter"),
        "situations": commitment.situations.all(),
        "stages": _stage_labels(commitment.stages),
        "partners": commitment.partners.select_related("organization"),
        "amounts": commitment.amounts.all(),
        "indicator_links": commitment.indicator_links.select_related("series__indicator"),
        "assessments": {a.series_id: a for a in outcomes.linked_assessments(commitment)},
        "flags": [flags.FLAG_LABELS[flag] for flag in commitment_flags],
        "light": flags.commitment_light(commitment),
        "checklist": checklist,
        "verifiable": all(item.ok for item in checklist),
        "updates": updates,
        "latest_reported": next(iter(updates), None),
        "latest_verified": next((u for u in updates if u.verification), None),
        "matched_by": services.visible_commitments(user).filter(matches=commitment),
        "matches": _visible_match(user, commitment),
        "history": services.commitment_history(user, commitment),
        "coordination_url": _coordination_url(user, commitment.area),
        "can": can,
        "staff": staff,
        "awaits_review": awaits_review,
        "may_submit": can["change"] and commitment.review_state == Commitment.ReviewState.DRAFT,
        "submit_form": bound.get("submit"),
        "approve_form": bound.get("approve") or ApproveForm(initial={"version": commitment.version}),
        "reject_form": bound.get("reject") or RejectForm(initial={"version": commitment.version}),
        "verify_forms": {
            update.pk: (bound.get("verify") if bound.get("verify_update") == update.pk else None)
            or VerifyForm(
                initial={"version": update.version, "verification": update.verification, "note": update.verification_note},
                prefix=f"verify-{update.pk}",
            )
            for update in updates
        }
        if can["verify"]
        else {},
    }
    if staff and commitment.has_pending_changes:
        context["proposed_change"] = proposed_changes(commitment, reader=user)
        context["proposed_relations"] = (commitment.pending_changes or {}).get(services.RELATIONS) is not None
    return render(request, "commitments/commitment_detail.html", context, status=status)


def _stage_labels(codes) -> list[tuple[str, str]]:
    """``(code, label)`` of stage codes, in the reader's language."""
    taxonomy = load_taxonomy()
    return [(code, taxonomy.stage_label(code)) for code in codes or []]


def _visible_match(user, commitment: Commitment):
    """The pledge or request this one matches, if the reader may read it."""
    if commitment.matches_id is None:
        return None
    return services.visible_commitments(user).filter(pk=commitment.matches_id).first()


# --- create and edit -------------------------------------------------------------------------


@login_required
def commitment_create(request):
    if not request.user.has_perm(services.ADD):
        return forbidden(request)
    editor = CommitmentEditor(request.POST or None, user=request.user)
    if request.method == "POST" and editor.is_valid():
        try:
            commitment = services.create_commitment(request.user, editor.service_data())
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            editor.add_service_error(error)
        else:
            messages.success(request, _("Commitment saved as a draft. Submit it for review when it is ready."))
            return redirect("commitments:detail", pk=commitment.pk)
    status = 422 if editor.has_errors else 200
    return render(request, "commitments/commitment_form.html", {"editor": editor}, status=status)


@login_required
def commitment_edit(request, pk: int):
    commitment = services.get_visible_commitment(request.user, pk)
    if not request.user.has_perm(services.CHANGE, commitment):
        return forbidden(request)
    held = publishing.needs_review(request.user, commitment, services.PUBLISH)
    context = {"commitment": commitment, "held_for_review": held}
    if request.method != "POST":
        # An edit that will be reviewed continues the change already proposed.
        editor = CommitmentEditor(
            user=request.user, initial=services.editable_input(request.user, commitment), version=commitment.version
        )
        return render(request, "commitments/commitment_form.html", {**context, "editor": editor})
    editor = CommitmentEditor(request.POST, user=request.user)
    conflict = False
    if editor.is_valid():
        try:
            live = services.update_commitment(
                request.user, commitment, editor.service_data(is_demo=commitment.is_demo), editor.version
            )
        except Forbidden as error:
            return forbidden(request, error.message)
        except EditConflict as error:
            conflict = True
            editor.main.add_error(None, error.message)
        except InvalidInput as error:
            editor.add_service_error(error)
        else:
            if live:
                messages.success(request, _("Changes saved."))
            else:
                messages.success(
                    request,
                    _("Your change is waiting for review: the public sees the published version until a reviewer approves it."),
                )
            return redirect("commitments:detail", pk=commitment.pk)
    context.update(editor=editor, conflict=conflict)
    if conflict:
        context["changed_by"] = _last_editor(commitment)
    return render(request, "commitments/commitment_form.html", context, status=409 if conflict else 422)


def _last_editor(record) -> str | None:
    latest = record.history.select_related("history_user").first()
    return latest.history_user.get_username() if latest and latest.history_user else None


@login_required
@require_POST
def commitment_delete(request, pk: int):
    commitment = services.get_visible_commitment(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("commitments:detail", pk=pk)
    try:
        services.delete_commitment(request.user, commitment, form.cleaned_data["version"])
    except Forbidden as error:
        return forbidden(request, error.message)
    except (EditConflict, InvalidInput) as error:
        messages.error(request, error.message)
        return redirect("commitments:detail", pk=pk)
    messages.success(request, _("Commitment “%(title)s” deleted.") % {"title": commitment.title})
    return redirect("commitments:list")


# --- workflow --------------------------------------------------------------------------------


def _workflow_step(request, pk: int, form_class, step, done_message: str, form_key: str):
    """Run one workflow step with the version the page showed; a refusal is
    shown on the commitment page with what was typed kept."""
    commitment = services.get_visible_commitment(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            step(commitment, form.cleaned_data)
        except Forbidden as error:
            return forbidden(request, error.message)
        except EditConflict as error:
            messages.error(request, error.message)
            return redirect("commitments:detail", pk=pk)
        except InvalidInput as error:
            add_service_error(form, error)
        else:
            messages.success(request, done_message)
            return redirect("commitments:detail", pk=pk)
    commitment.refresh_from_db()
    return _render_detail(request, commitment, bound={form_key: form}, status=422)


@login_required
@require_POST
def commitment_submit(request, pk: int):
    return _workflow_step(
        request,
        pk,
        VersionForm,
        lambda c, data: services.submit_commitment(request.user, c, data["version"]),
        _("Submitted for review. A reviewer will publish it or send it back with a reason."),
        "submit",
    )


@login_required
@require_POST
def commitment_approve(request, pk: int):
    return _workflow_step(
        request,
        pk,
        ApproveForm,
        lambda c, data: services.approve_commitment(request.user, c, data["version"], data["exception_reason"]),
        _("Approved and published."),
        "approve",
    )


@login_required
@require_POST
def commitment_reject(request, pk: int):
    return _workflow_step(
        request,
        pk,
        RejectForm,
        lambda c, data: services.reject_commitment(request.user, c, data["version"], data["reason"]),
        _("Sent back to the author with your reason."),
        "reject",
    )


# --- follow-up -------------------------------------------------------------------------------


@login_required
def update_create(request, pk: int):
    commitment = services.get_visible_commitment(request.user, pk)
    if not request.user.has_perm(services.REPORT, commitment):
        return forbidden(request)
    form = UpdateForm(request.POST or None, request.FILES or None, commitment=commitment)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(request.user, commitment, **form.service_kwargs())
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Update saved. A reviewer will verify and publish it."))
            return redirect("commitments:detail", pk=commitment.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "commitments/update_form.html", {"commitment": commitment, "form": form}, status=status)


def _visible_update(request, pk: int, update_pk: int) -> CommitmentUpdate:
    update = services.get_visible_update(request.user, update_pk)
    if update.commitment_id != pk:
        raise Http404(_("No such update."))
    return update


@login_required
@require_POST
def update_verify(request, pk: int, update_pk: int):
    update = _visible_update(request, pk, update_pk)
    form = VerifyForm(request.POST, prefix=f"verify-{update.pk}")
    if form.is_valid():
        try:
            services.verify_update(
                request.user, update, form.cleaned_data["verification"], form.cleaned_data["note"], form.cleaned_data["version"]
            )
        except Forbidden as error:
            return forbidden(request, error.message)
        except EditConflict as error:
            messages.error(request, error.message)
            return redirect("commitments:detail", pk=pk)
        except InvalidInput as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Verification saved."))
            return redirect("commitments:detail", pk=pk)
    commitment = services.get_visible_commitment(request.user, pk)
    return _render_detail(request, commitment, bound={"verify": form, "verify_update": update.pk}, status=422)


@login_required
@require_POST
def update_publish(request, pk: int, update_pk: int):
    update = _visible_update(request, pk, update_pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("commitments:detail", pk=pk)
    try:
        services.publish_update(request.user, update, form.cleaned_data["version"])
    except Forbidden as error:
        return forbidden(request, error.message)
    except (EditConflict, InvalidInput) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Update published."))
    return redirect("commitments:detail", pk=pk)


def evidence_download(request, pk: int):
    """An evidence file, only for those who may read its update (never a public URL)."""
    evidence = Evidence.objects.select_related("update__commitment").filter(pk=pk).first()
    if evidence is None:
        raise Http404(_("No such file."))
    try:
        path, content_type, name = services.evidence_file_for(request.user, evidence)
    except Forbidden:
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        return forbidden(request, _("You may not read this file."))
    try:
        stream = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    response = FileResponse(stream, content_type=content_type, as_attachment=True, filename=name or path.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _login_url() -> str:
    return reverse("actors:login")
