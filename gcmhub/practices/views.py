"""Web pages: the practices list and page, the contribution and review
forms, the document library and the curation of a document's candidates.

Views ask ``has_perm`` to decide what to offer and hand input to the
services, which check again and are the only code that writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gcmhub import references
from gcmhub.actors.views import _form_status, _save_versioned_edit, forbidden
from gcmhub.errors import EditConflict, Forbidden, GcmHubError, InvalidInput, NotFound
from gcmhub.framework.models import Objective
from gcmhub.practices import curation, library, services, taxonomy
from gcmhub.practices.forms import (
    CandidateForm,
    DocumentUploadForm,
    PracticeForm,
    country_choices,
    objective_choices,
    situation_choices,
)
from gcmhub.practices.models import Candidate, Stage
from gcmhub.practices.search import similar_practices

PER_PAGE = 30


def _or_404(get, *args):
    try:
        return get(*args)
    except NotFound as error:
        raise Http404(error.message) from None


# --- practices -------------------------------------------------------------------


def practice_list(request):
    practices = services.visible_practices(request.user)
    filters = {
        key: request.GET.get(key, "").strip() for key in ("q", "objective", "area", "stage", "situation", "review_state")
    }
    filter_error = None
    try:
        objective = int(filters["objective"]) if filters["objective"] else None
        practices = services.filter_practices(
            practices,
            user=request.user,
            q=filters["q"][:200],
            objective=objective,
            area=filters["area"],
            stage=filters["stage"],
            situation=filters["situation"],
            review_state=filters["review_state"],
        )
    except ValueError:
        filter_error = _("The objective is a number from 1 to 23.")
        practices = practices.none()
    except InvalidInput as error:
        filter_error = error.message
        practices = practices.none()
    page = Paginator(practices.prefetch_related("areas", "objective_links__objective"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "filter_error": filter_error,
        "area_choices": country_choices(),
        "objective_choices": objective_choices(),
        "stage_choices": Stage.choices,
        "situation_choices": situation_choices(),
        "can_add": request.user.has_perm("practices.add_practice"),
        "can_upload": request.user.has_perm("practices.add_document"),
    }
    return render(request, "practices/practice_list.html", context)


def practice_detail(request, pk: int):
    practice = _or_404(services.get_practice, request.user, pk)
    user = request.user
    context = {
        "practice": practice,
        "objectives": [link.objective for link in practice.objective_links.select_related("objective")],
        "organizations": [
            link for link in practice.organization_links.select_related("organization")
            if references.shown(user, link.organization)
        ],
        "commitments": [commitment for commitment in practice.commitments.all() if references.shown(user, commitment)],
        "sources": practice.sources.select_related("document"),
        "readable_documents": set(library.visible_documents(user).filter(practice_sources__practice=practice).values_list("pk", flat=True)),
        "situations": practice.situations.all(),
        "population_groups": taxonomy.labels(practice.population_groups, taxonomy.POPULATION_GROUPS),
        "vulnerability_factors": taxonomy.labels(practice.vulnerability_factors, taxonomy.VULNERABILITY_FACTORS),
        "history": services.practice_history(user, practice),
        "can_change": user.has_perm("practices.change_practice", practice),
        "can_submit": user.has_perm("practices.submit_practice", practice) and practice.review_state == "draft",
        "can_review": user.has_perm("practices.publish_practice", practice),
        "may_see_review": services.may_see_review_details(user, practice),
        "review_problems": services.review_problems(practice) if practice.review_state != "published" else [],
        "similar": similar_practices(user, practice),
    }
    return render(request, "practices/practice_detail.html", context)


@login_required
def practice_create(request):
    if not request.user.has_perm("practices.add_practice"):
        return forbidden(request)
    form = PracticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.create_practice(request.user, form.service_data())
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Practice saved as a draft. Submit it for review when it is complete."))
            return redirect("practices:practice", pk=practice.pk)
    return render(request, "practices/practice_form.html", {"form": form}, status=_form_status(form))


@login_required
def practice_edit(request, pk: int):
    practice = _or_404(services.get_practice, request.user, pk)
    if not request.user.has_perm("practices.change_practice", practice):
        return forbidden(request)
    held = services.edits_need_review(request.user, practice)
    context = {"practice": practice, "held_for_review": held}
    if request.method != "POST":
        from gcmhub import publishing

        shown = publishing.proposed_version(practice) if held else practice
        form = PracticeForm(initial=PracticeForm.initial_from(shown), with_source=False, user=request.user)
        return render(request, "practices/practice_form.html", {**context, "form": form})
    form = PracticeForm(request.POST, with_source=False, user=request.user)
    return _save_versioned_edit(
        request,
        form,
        practice,
        save=lambda data, version: services.update_practice(request.user, practice, _held_data(data, held), version),
        success=redirect("practices:practice", pk=practice.pk),
        template="practices/practice_form.html",
        context=context,
        saved_message=_("Your change is waiting for review.") if held else None,
    )


def _held_data(data: dict, held: bool) -> dict:
    """A held edit cannot change related lists; the form sends them all, so
    those left as they are must not count as changes."""
    if not held:
        return data
    return {key: value for key, value in data.items() if key not in services.RELATED_FIELDS}


@login_required
@require_POST
def practice_submit(request, pk: int):
    practice = _or_404(services.get_practice, request.user, pk)
    return _workflow_step(
        request, practice, lambda version: services.submit_practice(request.user, practice, version),
        _("Submitted for review. A reviewer will check it serves an objective, is concrete and sourced."),
    )  # fmt: skip


@login_required
@require_POST
def practice_review(request, pk: int):
    practice = _or_404(services.get_practice, request.user, pk)
    action = request.POST.get("action")
    steps = {
        "publish": (lambda v: services.publish_practice(request.user, practice, v), _("Published.")),
        "reject": (
            lambda v: services.reject_practice(request.user, practice, v, request.POST.get("reason", "")),
            _("Returned to its contributor with your reason."),
        ),
        "withdraw": (lambda v: services.withdraw_practice(request.user, practice, v), _("Withdrawn from publication.")),
        "discard": (lambda v: services.discard_proposed_change(request.user, practice, v), _("The proposed change was discarded.")),
    }  # fmt: skip
    if action not in steps:
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("practices:practice", pk=pk)
    step, done = steps[action]
    return _workflow_step(request, practice, step, done)


def _workflow_step(request, practice, step, done_message):
    try:
        step(int(request.POST.get("version", "")))
    except ValueError:
        messages.error(request, _("The form was incomplete; please try again."))
    except Forbidden as error:
        return forbidden(request, error.message)
    except (EditConflict, InvalidInput, NotFound) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("practices:practice", pk=practice.pk)


# --- documents -------------------------------------------------------------------


def document_list(request):
    documents = library.visible_documents(request.user)
    page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "can_upload": request.user.has_perm("practices.add_document")}
    return render(request, "practices/document_list.html", context)


@login_required
def document_upload(request):
    if not request.user.has_perm("practices.add_document"):
        return forbidden(request)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = library.upload_document(request.user, form.cleaned_data["file"], form.service_data())
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Uploaded. The report is being read; its candidate practices will appear here."))
            return redirect("practices:document", pk=document.pk)
    return render(request, "practices/document_upload.html", {"form": form}, status=_form_status(form))


def document_detail(request, pk: int):
    document = _or_404(library.get_document, request.user, pk)
    may_curate = request.user.has_perm("practices.curate_document", document)
    context = {
        "document": document,
        "practices": library.practices_from(request.user, document).prefetch_related("areas"),
        "may_curate": may_curate,
        "can_publish": request.user.has_perm("practices.publish_document", document),
        "progress": curation.progress_of(document) if may_curate else None,
    }
    return render(request, "practices/document_detail.html", context)


def document_progress(request, pk: int):
    """The extraction's progress, polled by the document page (HTMX)."""
    document = _or_404(library.get_document, request.user, pk)
    may_curate = request.user.has_perm("practices.curate_document", document)
    context = {"document": document, "progress": curation.progress_of(document) if may_curate else None, "may_curate": may_curate}
    return render(request, "practices/includes/extraction_progress.html", context)


def document_file(request, pk: int):
    document = _or_404(library.get_document, request.user, pk)
    try:
        path, content_type, name = library.document_file(request.user, document)
    except (Forbidden, NotFound) as error:
        raise Http404(error.message) from None
    response = FileResponse(open(path, "rb"), content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_publish(request, pk: int):
    document = _or_404(library.get_document, request.user, pk)
    try:
        library.publish_document(request.user, document, request.POST.get("published") == "1", int(request.POST.get("version", "")))
    except ValueError:
        messages.error(request, _("The form was incomplete; please try again."))
    except Forbidden as error:
        return forbidden(request, error.message)
    except GcmHubError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("practices:document", pk=pk)


@login_required
@require_POST
def document_reread(request, pk: int):
    document = _or_404(library.get_document, request.user, pk)
    try:
        library.restart_extraction(request.user, document)
    except Forbidden as error:
        return forbidden(request, error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report is being read again."))
    return redirect("practices:document", pk=pk)


# --- curation --------------------------------------------------------------------


@login_required
def curate(request, pk: int):
    document = _or_404(library.get_document, request.user, pk)
    if not request.user.has_perm("practices.curate_document", document):
        return forbidden(request)
    candidates = list(curation.candidates_of(request.user, document))
    candidate = None
    wanted = request.GET.get("candidate")
    if wanted and wanted.isdigit():
        candidate = next((c for c in candidates if c.pk == int(wanted)), None)
        if candidate is None:
            raise Http404(_("No such candidate."))
    candidate = candidate or curation.next_pending(document)
    return _render_curation(request, document, candidates, candidate)


def _render_curation(request, document, candidates, candidate, form=None, status=200):
    context = {"document": document, "candidates": candidates, "candidate": candidate, "progress": curation.progress_of(document)}
    if candidate is not None:
        index = candidates.index(candidate)
        before, passage, after, page_number = curation.highlighted_page(candidate)
        context.update(
            {
                "position": index + 1,
                "previous": candidates[index - 1] if index > 0 else None,
                "next": candidates[index + 1] if index + 1 < len(candidates) else None,
                "before": before,
                "passage": passage,
                "after": after,
                "page_number": page_number,
                "form": form or CandidateForm(initial=CandidateForm.initial_from(candidate)),
                "title_suggestion": curation.default_title(candidate),
                "merge_targets": curation.merge_targets(request.user, document),
                "objective_titles": dict(Objective.objects.values_list("number", "short_title_en")),
            }
        )
    return render(request, "practices/curate.html", context, status=status)


@login_required
@require_POST
def decide(request, pk: int, candidate_id: int):
    document = _or_404(library.get_document, request.user, pk)
    if not request.user.has_perm("practices.curate_document", document):
        return forbidden(request)
    candidate = _or_404(curation.get_candidate, request.user, document, candidate_id)
    form = CandidateForm(request.POST)
    action = request.POST.get("action")
    try:
        if action == "reject":
            curation.reject_candidate(request.user, candidate)
            messages.success(request, _("Candidate rejected."))
        elif action == "reopen":
            curation.reopen_candidate(request.user, candidate)
            messages.success(request, _("Candidate back in the queue."))
        elif action == "merge":
            target = services.get_practice(request.user, int(request.POST.get("practice") or 0))
            curation.merge_candidate(request.user, candidate, target)
            messages.success(request, _("Added as a source of “%(title)s”.") % {"title": target.title})
        elif action in ("accept", "save"):
            if not form.is_valid():
                raise InvalidInput(_("Please correct the fields marked."))
            edits = _candidate_edits(candidate, form.cleaned_data)
            if action == "save":
                curation.edit_candidate(request.user, candidate, edits)
                messages.success(request, _("Corrections saved."))
                return redirect(f"{_curate_url(document)}?candidate={candidate.pk}")
            practice = curation.accept_candidate(request.user, candidate, {**edits, "title": form.cleaned_data["title"]})
            messages.success(request, _("Draft practice “%(title)s” created.") % {"title": practice.title})
        else:
            raise InvalidInput(_("The form was incomplete; please try again."))
    except Forbidden as error:
        return forbidden(request, error.message)
    except NotFound as error:
        messages.error(request, error.message)
    except InvalidInput as error:
        if form.is_bound and error.field:
            form.add_service_error(error)
        else:
            messages.error(request, error.message)
        candidates = list(curation.candidates_of(request.user, document))
        return _render_curation(request, document, candidates, candidate, form=form, status=422)
    following = curation.next_pending(document, after=candidate)
    suffix = f"?candidate={following.pk}" if following else ""
    return redirect(_curate_url(document) + suffix)


def _curate_url(document) -> str:
    return reverse("practices:curate", args=[document.pk])


def _candidate_edits(candidate: Candidate, cleaned: dict) -> dict:
    chosen = cleaned["objectives"]
    # The extractor's order (main objective first) is kept for those still chosen.
    ordered = [n for n in candidate.objectives if n in chosen] + [n for n in chosen if n not in candidate.objectives]
    return {"summary": cleaned["summary"], "area": cleaned["area"], "objectives": ordered, "stage": cleaned["stage"]}
