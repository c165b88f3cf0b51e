"""Web pages: the reviews of a country, a review's dashboard (timeline with
what is late, consultations, the self-assessment's completion) and the
self-assessment form.

The form is one page with every question of the instrument, each question
its own small form. Without JavaScript each one posts and comes back to its
anchor; with ``static/reviews/self_assessment.js`` the answer is saved as
you type (autosave), with the version it was read at, and a stale save gets
a clear message instead of overwriting someone else's answer (409).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gcmhub.actors.models import Organization, User
from gcmhub.actors.views import forbidden
from gcmhub.errors import EditConflict, Forbidden, GcmHubError, InvalidInput, NotFound
from gcmhub.pagecache import public_page_cache
from gcmhub.reviews import exports, instruments, services
from gcmhub.reviews.forms import ConsultationForm, MilestoneForm, ReviewForm
from gcmhub.reviews.models import AnswerSet, Review

PER_PAGE = 30


def _review_or_404(user, pk) -> Review:
    try:
        return services.get_review(user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


def _instrument_code(request) -> str:
    code = request.GET.get("instrument") or request.POST.get("instrument") or instruments.GCM_OBJECTIVES
    if code not in instruments.available():
        raise Http404(_("No such instrument."))
    return code


# --- reviews -----------------------------------------------------------------------------


@public_page_cache
def review_list(request):
    reviews = services.visible_reviews(request.user)
    area_code = request.GET.get("area", "").strip()[:3]
    area = None
    if area_code:
        try:
            area = services.find_area(area_code)
            reviews = reviews.filter(area=area)
        except InvalidInput:
            reviews = reviews.none()
    page = Paginator(reviews.prefetch_related("milestones"), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {"review": review, "late": sum(1 for m in review.milestones.all() if m.is_late(today))}
        for review in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "area": area,
        "area_code": area_code,
        "can_add": request.user.has_perm("reviews.add_review"),
    }
    return render(request, "reviews/review_list.html", context)


def _timeline(review: Review, today: datetime.date) -> list[dict]:
    return [
        {"milestone": m, "late": m.is_late(today), "overdue": m.done_on is None and m.due < today}
        for m in review.milestones.all()
    ]


@public_page_cache
def review_detail(request, pk: int):
    review = _review_or_404(request.user, pk)
    user = request.user
    today = timezone.localdate()
    sets = []
    for code in instruments.BUILT_IN:
        answer_set = services.official_set(review, code)
        if answer_set is None or not user.has_perm("reviews.view_answerset", answer_set):
            sets.append({"code": code, "instrument": instruments.load_instrument(code), "set": None})
            continue
        instrument = instruments.load_instrument(code)
        score = services.score_of(answer_set)
        sets.append(
            {
                "code": code,
                "instrument": instrument,
                "set": answer_set,
                "completion": services.completion(answer_set),
                "domain_rows": [{"domain": d, "score": score.domains[d.key]} for d in instrument.domains],
            }
        )
    can_change = user.has_perm("reviews.change_review", review)
    context = {
        "review": review,
        "timeline": _timeline(review, today),
        "late_count": len(services.late_milestones(review, today)),
        "consultations": review.consultations.select_related("organization"),
        "sets": sets,
        "can_change": can_change,
        "milestone_form": MilestoneForm() if can_change else None,
        "consultation_form": ConsultationForm() if can_change else None,
        "organizations": Organization.objects.filter(is_published=True).order_by("name")[:2000]
        if can_change
        else [],
    }
    return render(request, "reviews/review_detail.html", context)


@login_required
def review_create(request):
    if not request.user.has_perm("reviews.add_review"):
        return forbidden(request)
    form = ReviewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.create_review(request.user, form.service_data())
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The review was created."))
            return redirect("reviews:review", review.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "reviews/review_form.html", {"form": form, "review": None}, status=status)


@login_required
def review_edit(request, pk: int):
    review = _review_or_404(request.user, pk)
    if not request.user.has_perm("reviews.change_review", review):
        return forbidden(request)
    initial = {
        "area": review.area.iso3 or review.area.m49,
        **{name: getattr(review, name) for name in (
            "kind", "title", "forum", "period_start", "period_end", "deadline", "status",
            "comments_open_from", "comments_open_until", "version",
        )},
    }  # fmt: skip
    form = ReviewForm(request.POST or None, initial=initial, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_review(request.user, review, form.service_data(), form.cleaned_data["version"] or 0)
        except Forbidden as error:
            return forbidden(request, error.message)
        except EditConflict as error:
            form.add_service_error(error)
            status = 409
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reviews:review", review.pk)
    if status == 200 and form.is_bound and form.errors:
        status = 422
    return render(request, "reviews/review_form.html", {"form": form, "review": review}, status=status)


@login_required
@require_POST
def milestone_add(request, pk: int):
    review = _review_or_404(request.user, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the step a title and a due date."))
        return redirect("reviews:review", review.pk)
    try:
        services.add_milestone(request.user, review, form.cleaned_data["title"], form.cleaned_data["due"])
    except Forbidden as error:
        return forbidden(request, error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    return redirect(reverse("reviews:review", args=[review.pk]) + "#timeline")


@login_required
@require_POST
def milestone_done(request, pk: int, milestone_id: int):
    review = _review_or_404(request.user, pk)
    milestone = review.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    try:
        done = None if request.POST.get("undo") else timezone.localdate()
        services.set_milestone_done(request.user, milestone, done)
    except Forbidden as error:
        return forbidden(request, error.message)
    return redirect(reverse("reviews:review", args=[review.pk]) + "#timeline")


@login_required
@require_POST
def consultation_add(request, pk: int):
    review = _review_or_404(request.user, pk)
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an organisation, a date and the form of consultation."))
        return redirect(reverse("reviews:review", args=[review.pk]) + "#consultations")
    try:
        services.add_consultation(
            request.user,
            review,
            form.cleaned_data["organization"],
            form.cleaned_data["date"],
            form.cleaned_data["form"],
            form.cleaned_data["notes"],
        )
    except Forbidden as error:
        return forbidden(request, error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    return redirect(reverse("reviews:review", args=[review.pk]) + "#consultations")


# --- the self-assessment ------------------------------------------------------------------


def _answer_set_or_404(user, review, code) -> AnswerSet:
    try:
        return services.get_self_assessment(user, review, code)
    except NotFound as error:
        raise Http404(error.message) from None
    except InvalidInput as error:
        raise Http404(error.message) from None


def _question_rows(user, review, answer_set, instrument, only_mine: bool) -> list[dict]:
    answers = {a.question_key: a for a in answer_set.answers.select_related("assigned_to")}
    workings = user.has_perm("reviews.view_workings", review)
    comments: dict[int, list] = {}
    if workings:
        for comment in (
            services.AnswerComment.objects.filter(answer__answer_set=answer_set)
            .select_related("author")
            .order_by("created_at")
        ):
            comments.setdefault(comment.answer_id, []).append(comment)
    suggestions = services.suggestions_for_set(review, instrument) if "evidence" in instrument.fields else {}
    all_evidence = [item for a in answers.values() for item in (a.evidence or [])]
    titles = {(e["type"], e["id"]): e["title"] for e in services.describe_evidence(user, all_evidence)}
    rows = []
    for domain in instrument.domains:
        questions = []
        for question in domain.questions:
            answer = answers.get(question.key)
            if answer is None:
                continue
            if only_mine and answer.assigned_to_id != user.pk:
                continue
            chosen = {(e["type"], e["id"]) for e in answer.evidence or []}
            offered = [
                {"type": t, "id": i, "title": titles[(t, i)], "checked": True}
                for (t, i) in [(e["type"], e["id"]) for e in answer.evidence or []]
                if (t, i) in titles
            ]
            offered += [
                {"type": s.type, "id": s.id, "title": s.title, "checked": False}
                for s in suggestions.get(question.key, [])
                if (s.type, s.id) not in chosen
            ]
            can_edit = user.has_perm("reviews.change_answer", answer)
            questions.append(
                {
                    "workings": workings,
                    "question": question,
                    "answer": answer,
                    "can_edit": can_edit,
                    "can_comment": user.has_perm("reviews.comment_answer", answer),
                    "comments": comments.get(answer.pk, []),
                    "evidence": offered,
                }
            )
        if questions:
            rows.append({"domain": domain, "questions": questions})
    return rows


def self_assessment(request, pk: int):
    review = _review_or_404(request.user, pk)
    code = _instrument_code(request)
    user = request.user
    answer_set = services.official_set(review, code)
    if answer_set is None and user.has_perm("reviews.change_review", review) and request.method == "POST":
        answer_set = services.start_self_assessment(user, review, code)
        return redirect(reverse("reviews:self-assessment", args=[review.pk]) + f"?instrument={code}")
    if answer_set is None:
        if user.has_perm("reviews.change_review", review):
            return render(
                request,
                "reviews/self_assessment_start.html",
                {"review": review, "instrument": instruments.load_instrument(code)},
            )
        raise Http404(_("This review has no such self-assessment yet."))
    answer_set = _answer_set_or_404(user, review, code)
    instrument = instruments.load_instrument(code)
    only_mine = request.GET.get("mine") == "1" and user.is_authenticated
    can_manage = user.has_perm("reviews.manage_answerset", answer_set)
    context = {
        "review": review,
        "answer_set": answer_set,
        "instrument": instrument,
        "rows": _question_rows(user, review, answer_set, instrument, only_mine),
        "completion": services.completion(answer_set),
        "score": services.score_of(answer_set),
        "only_mine": only_mine,
        "can_manage": can_manage,
        "assignees": services.assignable_users(review) if can_manage else [],
        "scale": instrument.scale.options,
    }
    return render(request, "reviews/self_assessment.html", context)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def answer_save(request, pk: int, key: str):
    """Save one answer (the form posts here; the autosave script too, asking for JSON)."""
    review = _review_or_404(request.user, pk)
    code = _instrument_code(request)
    answer_set = _answer_set_or_404(request.user, review, code)
    instrument = instruments.load_instrument(code)
    answer = answer_set.answers.filter(question_key=key).first()
    if answer is None:
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    data = {"rating": request.POST.get("rating", "")}
    for name in services.ANSWER_TEXT_FIELDS:
        if name in instrument.fields:
            data[name] = request.POST.get(name, "")
    if "evidence" in instrument.fields:
        evidence = []
        for value in request.POST.getlist("evidence")[: services.EVIDENCE_MAX + 1]:
            kind, _sep, ident = value.partition(":")
            if ident.isdigit():
                evidence.append({"type": kind, "id": int(ident)})
        data["evidence"] = evidence
    anchor = reverse("reviews:self-assessment", args=[review.pk]) + f"?instrument={code}#q-{key}"
    try:
        services.save_answer(request.user, answer, data, version)
    except Forbidden as error:
        if _wants_json(request):
            return JsonResponse({"detail": error.message}, status=403)
        return forbidden(request, error.message)
    except EditConflict:
        message = _(
            "Someone else saved this answer after you opened it. Your change was NOT saved: "
            "reload the page to see their answer, then apply your change again."
        )
        if _wants_json(request):
            return JsonResponse({"detail": message, "field": "version"}, status=409)
        messages.error(request, message)
        return redirect(anchor)
    except InvalidInput as error:
        if _wants_json(request):
            return JsonResponse({"detail": error.message, "field": error.field}, status=422)
        messages.error(request, error.message)
        return redirect(anchor)
    done = services.completion(answer_set)
    if _wants_json(request):
        return JsonResponse(
            {
                "version": answer.version,
                "saved_at": timezone.localtime(answer.updated_at).strftime("%H:%M:%S"),
                "completion": {"answered": done.answered, "total": done.total, "percent": done.percent},
            }
        )
    messages.success(request, _("Answer saved."))
    return redirect(anchor)


@login_required
@require_POST
def comment_add(request, pk: int, key: str):
    review = _review_or_404(request.user, pk)
    code = _instrument_code(request)
    answer_set = _answer_set_or_404(request.user, review, code)
    answer = answer_set.answers.filter(question_key=key).first()
    if answer is None:
        raise Http404
    try:
        services.add_comment(request.user, answer, request.POST.get("text", ""))
    except Forbidden as error:
        return forbidden(request, error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    return redirect(reverse("reviews:self-assessment", args=[review.pk]) + f"?instrument={code}#q-{key}")


def answer_history(request, pk: int, key: str):
    review = _review_or_404(request.user, pk)
    code = _instrument_code(request)
    answer_set = _answer_set_or_404(request.user, review, code)
    answer = answer_set.answers.filter(question_key=key).first()
    if answer is None:
        raise Http404
    instrument = instruments.load_instrument(code)
    context = {
        "review": review,
        "instrument": instrument,
        "question": instrument.question(key),
        "entries": services.answer_history(request.user, answer),
    }
    return render(request, "reviews/answer_history.html", context)


@login_required
@require_POST
def assign(request, pk: int):
    review = _review_or_404(request.user, pk)
    code = _instrument_code(request)
    answer_set = _answer_set_or_404(request.user, review, code)
    assignee = None
    if request.POST.get("assignee"):
        assignee = User.objects.filter(pk=request.POST["assignee"]).first() if request.POST["assignee"].isdigit() else None
        if assignee is None:
            messages.error(request, _("Choose someone from the list."))
            return redirect(reverse("reviews:self-assessment", args=[review.pk]) + f"?instrument={code}")
    keys = request.POST.getlist("domain")[:200]
    try:
        count = services.assign(request.user, answer_set, keys, assignee)
    except Forbidden as error:
        return forbidden(request, error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d questions assigned.") % {"count": count})
    return redirect(reverse("reviews:self-assessment", args=[review.pk]) + f"?instrument={code}#q-{keys[0] if keys else ''}")


@login_required
@require_POST
def set_state(request, pk: int):
    review = _review_or_404(request.user, pk)
    code = _instrument_code(request)
    answer_set = _answer_set_or_404(request.user, review, code)
    action = request.POST.get("action")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    steps = {
        "validate": (services.validate_self_assessment, _("The self-assessment is validated.")),
        "publish": (services.publish_self_assessment, _("The self-assessment is published.")),
        "reopen": (services.reopen_self_assessment, _("The self-assessment is a draft again.")),
    }
    if action in ("share", "unshare"):
        step, done = (lambda user, s, v: services.set_sharing(user, s, action == "share", v)), _("Saved.")
    elif action in steps:
        step, done = steps[action]
    else:
        raise Http404
    try:
        step(request.user, answer_set, version)
    except Forbidden as error:
        return forbidden(request, error.message)
    except GcmHubError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(reverse("reviews:self-assessment", args=[review.pk]) + f"?instrument={code}")


def export_10_7_2(request, pk: int, fmt: str):
    review = _review_or_404(request.user, pk)
    answer_set = _answer_set_or_404(request.user, review, instruments.SDG_10_7_2)
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("en", "fr", "es") else "en"
    name = f"sdg-10.7.2-{(review.area.iso3 or review.area.m49).lower()}-{review.pk}"
    if fmt == "csv":
        response = HttpResponse(exports.csv_10_7_2(answer_set, language), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        exports.xlsx_10_7_2(answer_set, language),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
