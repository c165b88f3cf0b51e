"""Web pages of review reports: the reports page of a review (generate,
follow, download, publish), the preview with narrative editing, published
snapshots (permanent URL) and their comparison.

The interface language is the report's language: the preview and the
language offered by default follow the page's language.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gcmhub.errors import EditConflict, GcmHubError
from gcmhub.i18n import current_language, localized
from gcmhub.pagecache import public_page_cache

from . import builders, services
from .models import NARRATIVE_MAX, Format, Kind, Language, ReportRun, ReportSnapshot

logger = logging.getLogger(__name__)


def _review(request, review_id: int):
    from gcmhub.reviews.services import visible_reviews

    review = visible_reviews(request.user).filter(pk=review_id).first()
    if review is None:
        raise Http404(_("No such review."))
    return review


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404(_("No such report."))
    return kind


def _review_url(review) -> str:
    try:
        return reverse("reviews:review", args=[review.pk])
    except Exception:  # noqa: BLE001 - the review pages are another app's
        return ""


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=Kind.choices)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=Format.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=Kind.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Narrative"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        max_length=NARRATIVE_MAX,
        help_text=gettext_lazy("Plain text; a blank line starts a new paragraph."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def reports_page(request, review_id: int):
    """A review's reports: generation and publication for its focal point,
    published snapshots for everybody who may read the review."""
    review = _review(request, review_id)
    may_generate = request.user.has_perm("reports.generate_report", review)
    may_publish = request.user.has_perm("reports.publish_report", review)
    language = current_language()
    context = {
        "review": review,
        "review_url": _review_url(review),
        "area_name": localized(review.area, "name"),
        "may_generate": may_generate,
        "may_publish": may_publish,
        "kinds": Kind.choices,
        "snapshots": ReportSnapshot.objects.filter(review=review).order_by("kind", "language", "-number"),
        "runs": services.visible_runs(request.user, review)[:10] if request.user.is_authenticated else [],
        "generate_form": GenerateForm(initial={"language": language, "format": "pdf"}),
        "publish_form": PublishForm(initial={"language": language}),
    }
    return render(request, "reports/reports.html", context)


@login_required
@require_POST
def generate(request, review_id: int):
    review = _review(request, review_id)
    publishing = request.POST.get("purpose") == "publish"
    form = (PublishForm if publishing else GenerateForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report, a format and a language."))
        return redirect("reports:reports", review.pk)
    data = form.cleaned_data
    try:
        run = services.request_report(
            request.user,
            review,
            data["kind"],
            data.get("format", "pdf"),
            data["language"],
            purpose=ReportRun.Purpose.PUBLISH if publishing else ReportRun.Purpose.GENERATE,
        )
    except GcmHubError as error:
        if error.status_code == 403:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return redirect("reports:reports", review.pk)
    return redirect("reports:run", review.pk, run.pk)


def _run(request, review_id: int, run_id: int) -> ReportRun:
    review = _review(request, review_id)
    run = ReportRun.objects.select_related("review__area", "snapshot").filter(pk=run_id, review=review).first()
    if run is None or not request.user.has_perm("reports.view_report_run", run):
        raise Http404(_("No such report run."))
    return run


@login_required
@require_GET
def run_page(request, review_id: int, run_id: int):
    run = _run(request, review_id, run_id)
    return render(
        request,
        "reports/run.html",
        {"run": run, "review": run.review, "status_url": reverse("reports:run_status", args=[run.review_id, run.pk])},
    )


@login_required
@require_GET
def run_status(request, review_id: int, run_id: int):
    """The run's state as JSON, polled by reports/run.js."""
    run = _run(request, review_id, run_id)
    body = {
        "state": run.state,
        "state_label": run.get_state_display(),
        "progress": run.progress,
        "message": run.message,
        "download": reverse("reports:run_download", args=[run.review_id, run.pk])
        if run.state == ReportRun.State.DONE and run.file_path
        else None,
        "snapshot": run.snapshot.get_absolute_url() if run.snapshot_id else None,
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def run_download(request, review_id: int, run_id: int):
    run = _run(request, review_id, run_id)
    try:
        path, content_type, name = services.run_file(request.user, run)
    except GcmHubError as error:
        raise Http404(error.message) from error
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)


@login_required
@require_GET
def preview(request, review_id: int, kind: str):
    """The report built now, in the page's language, with a link to edit each section's narrative."""
    review = _review(request, review_id)
    kind = _kind(kind)
    if not request.user.has_perm("reports.generate_report", review):
        raise PermissionDenied(_("Only the review's focal point previews its reports."))
    document = builders.build_report(review, kind, current_language())
    return render(
        request,
        "reports/preview.html",
        {
            "review": review,
            "document": document,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "editable": request.user.has_perm("reports.edit_report", review),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_narrative(request, review_id: int, kind: str, section_key: str):
    review = _review(request, review_id)
    kind = _kind(kind)
    if not request.user.has_perm("reports.edit_report", review):
        raise PermissionDenied(_("Only the review's focal point edits its reports."))
    language = current_language()
    document = builders.build_report(review, kind, language)
    section = next((s for s, _depth in document.walk() if s.key == section_key), None)
    if section is None:
        raise Http404(_("No such section."))
    existing = services.narratives_for(review, kind, language).get(section_key)
    if request.method == "POST":
        form = NarrativeForm(request.POST)
        if form.is_valid():
            try:
                services.save_narrative(
                    request.user, review, kind, language, section_key,
                    form.cleaned_data["text"], form.cleaned_data["version"] or None,
                )  # fmt: skip
            except EditConflict as error:
                form.add_error(None, error.message)
            except GcmHubError as error:
                form.add_error("text" if error.field == "text" else None, error.message)
            else:
                messages.success(request, _("The narrative is saved."))
                return redirect(reverse("reports:preview", args=[review.pk, kind]) + f"#section-{section_key}")
    else:
        form = NarrativeForm(initial={"text": existing.text if existing else "", "version": existing.version if existing else 0})
    return render(
        request,
        "reports/narrative_form.html",
        {"review": review, "kind": kind, "kind_label": Kind(kind).label, "section": section, "form": form},
    )


# --- published snapshots (public) ----------------------------------------------------------------


def _snapshot(uid) -> ReportSnapshot:
    return get_object_or_404(ReportSnapshot.objects.select_related("review__area"), uid=uid)


@public_page_cache
@require_GET
def snapshot_page(request, uid):
    snapshot = _snapshot(uid)
    others = ReportSnapshot.objects.filter(review=snapshot.review).exclude(pk=snapshot.pk).order_by("-published_at")
    return render(
        request,
        "reports/snapshot.html",
        {
            "snapshot": snapshot,
            "document": services.snapshot_document(snapshot),
            "formats": [fmt for fmt in ("pdf", "docx", "html") if fmt in snapshot.files],
            "others": others,
            "editable": False,
        },
    )


@require_GET
def snapshot_download(request, uid, fmt: str):
    snapshot = _snapshot(uid)
    try:
        path, content_type, name = services.snapshot_file(snapshot, fmt)
    except GcmHubError as error:
        raise Http404(error.message) from error
    # HTML too: the standalone file carries its own <style>, which the site's CSP
    # refuses inline; the snapshot page itself shows the report within the site.
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)


@public_page_cache
@require_GET
def snapshot_compare(request, uid, other):
    old, new = _snapshot(uid), _snapshot(other)
    if old.published_at > new.published_at:
        old, new = new, old
    changes = services.compare_snapshots(old, new)
    changed = [c for c in changes if c.change != "unchanged"]
    return render(
        request,
        "reports/compare.html",
        {"old": old, "new": new, "changes": changes, "changed": changed},
    )
