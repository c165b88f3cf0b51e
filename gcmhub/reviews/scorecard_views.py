"""Web pages: a review's stakeholder scorecards (list, fill-in form, public
view), the comparison with the official self-assessment, the public comment
window and the reviewers' moderation queue.

Views ask ``has_perm`` to decide what to offer and hand input to the services
in ``scorecards.py``, which check again and are the only code that writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gcmhub.actors.views import forbidden
from gcmhub.errors import EditConflict, Forbidden, GcmHubError, InvalidInput, NotFound
from gcmhub.pagecache import public_page_cache
from gcmhub.reviews import comparison_export, instruments, scorecards
from gcmhub.reviews import scorecard_rules as sr
from gcmhub.reviews import services as review_services
from gcmhub.reviews.comment_models import PUBLIC_COMMENT_MAX

PER_PAGE = 30


def _or_404(get, *args):
    try:
        return get(*args)
    except NotFound as error:
        raise Http404(error.message) from None


def _review(request, pk):
    return _or_404(review_services.get_review, request.user, pk)


def _instrument_code(request) -> str:
    code = (request.GET.get("instrument") or instruments.GCM_OBJECTIVES)[:40]
    if code not in instruments.available():
        raise Http404(_("Unknown instrument."))
    return code


def _instrument_choices(language=None):
    return [(code, instruments.load_instrument(code).label(language)) for code in instruments.available()]


def _has_demo(review, sets) -> bool:
    return bool(review.is_demo or any(s.organization_id and s.organization.is_demo for s in sets))


# --- scorecards ------------------------------------------------------------------------


@public_page_cache
@require_http_methods(["GET", "HEAD", "POST"])
def scorecard_list(request, pk: int):
    review = _review(request, pk)
    if request.method == "POST":
        return _create(request, review)
    visible = scorecards.visible_scorecards(request.user, review)
    own = None
    if request.user.is_authenticated and request.user.organization_id:
        own = [s for s in visible if s.organization_id == request.user.organization_id]
    context = {
        "review": review,
        "scorecards": [
            {"scorecard": s, "instrument": instruments.load_instrument(s.instrument_code).label(), "answers": _counts(s)}
            for s in visible
        ],
        "own": own,
        "can_create": request.user.has_perm("reviews.add_scorecard", review),
        "instrument_choices": _instrument_choices(),
        "has_demo": _has_demo(review, visible),
        "comments_open": scorecards.comments_open(review),
    }
    return render(request, "reviews/scorecard_list.html", context)


def _counts(scorecard) -> dict:
    answers = scorecard.answers.all()
    return {"answered": sum(1 for a in answers if a.rating), "total": len(answers)}


def _create(request, review):
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    try:
        scorecard = scorecards.create_scorecard(
            request.user,
            review,
            instrument_code=(request.POST.get("instrument") or instruments.GCM_OBJECTIVES)[:40],
            share_before_publication=request.POST.get("share") == "on",
        )
    except Forbidden as error:
        return forbidden(request, error.message)
    except GcmHubError as error:
        messages.error(request, error.message)
        return redirect("scorecards:list", pk=review.pk)
    messages.success(request, _("Your scorecard is started. Rate each question and give your reasons."))
    return redirect("scorecards:detail", pk=review.pk, scorecard_id=scorecard.pk)


def _login_url() -> str:
    from django.conf import settings
    from django.urls import reverse

    return reverse(settings.LOGIN_URL) if ":" in settings.LOGIN_URL else settings.LOGIN_URL


@public_page_cache
@require_http_methods(["GET", "HEAD", "POST"])
def scorecard_detail(request, pk: int, scorecard_id: int):
    """The public view of a scorecard; its fill-in form for its authors."""
    review = _review(request, pk)
    scorecard = _or_404(scorecards.get_scorecard, request.user, review, scorecard_id)
    can_change = request.user.has_perm("reviews.change_scorecard", scorecard)
    instrument = instruments.load_instrument(scorecard.instrument_code)
    answers = scorecards.scorecard_answers(scorecard)
    submitted = {}
    conflicts = set()
    if request.method == "POST":
        if not can_change:
            return forbidden(request)
        submitted, conflicts, saved, error = _save_answers(request, scorecard, answers)
        if error:
            messages.error(request, error)
        if conflicts:
            messages.error(
                request,
                _(
                    "Someone else saved %(count)d of these answers since you opened the page; yours are kept in "
                    "the form below, theirs are shown beside them. Check and save again."
                )
                % {"count": len(conflicts)},
            )
        elif not error:
            messages.success(request, _("%(count)d answers saved.") % {"count": saved})
            return redirect("scorecards:detail", pk=review.pk, scorecard_id=scorecard.pk)
        answers = scorecards.scorecard_answers(scorecard)
    items = []
    for answer in answers:
        question = instrument.question(answer.question_key)
        option = instrument.scale.option(answer.rating) if answer.rating else None
        mine = submitted.get(answer.question_key)
        items.append(
            {
                "answer": answer,
                "label": scorecards.question_heading(instrument, question) if question else answer.question_key,
                "rating_label": option.title() if option else "",
                "form_rating": mine[0] if mine else answer.rating,
                "form_justification": mine[1] if mine else answer.justification,
                "conflict": answer.question_key in conflicts,
            }
        )
    context = {
        "review": review,
        "scorecard": scorecard,
        "instrument": instrument,
        "options": [(o.value, o.title()) for o in instrument.scale.options],
        "items": items,
        "can_change": can_change,
        "can_publish": request.user.has_perm("reviews.publish_scorecard", scorecard),
        "can_withdraw": request.user.has_perm("reviews.withdraw_scorecard", scorecard),
        "problems": scorecards.publication_problems(scorecard) if can_change else [],
        "official_shares": bool(
            (official := review_services.official_set(review, scorecard.instrument_code))
            and official.share_before_publication
        ),
        "justification_max": scorecards.JUSTIFICATION_MAX,
        "has_demo": _has_demo(review, [scorecard]),
    }
    return render(request, "reviews/scorecard_detail.html", context)


def _save_answers(request, scorecard, answers):
    """Save the answers whose rating or justification changed; each with the
    version the form was rendered with. Returns (submitted, conflicts, saved, error)."""
    submitted, conflicts, saved = {}, set(), 0
    for answer in answers:
        key = answer.question_key
        if f"version-{key}" not in request.POST:
            continue
        rating = request.POST.get(f"rating-{key}", "")[:40]
        justification = request.POST.get(f"justification-{key}", "")
        submitted[key] = (rating, justification)
        if rating == answer.rating and justification.strip() == answer.justification:
            continue
        try:
            version = int(request.POST.get(f"version-{key}", ""))
        except ValueError:
            return submitted, conflicts, saved, _("The form was incomplete; please try again.")
        try:
            scorecards.save_scorecard_answer(
                request.user, scorecard, key, rating=rating, justification=justification, expected_version=version
            )
            saved += 1
        except EditConflict:
            conflicts.add(key)
        except InvalidInput as error:
            return submitted, conflicts, saved, f"{key}: {error.message}"
    return submitted, conflicts, saved, None


@login_required
@require_POST
def scorecard_state(request, pk: int, scorecard_id: int):
    """Publish, withdraw, or share / stop sharing before publication."""
    review = _review(request, pk)
    scorecard = _or_404(scorecards.get_scorecard, request.user, review, scorecard_id)
    action = request.POST.get("action")
    steps = {
        "publish": (scorecards.publish_scorecard, _("Your scorecard is published.")),
        "withdraw": (scorecards.withdraw_scorecard, _("The scorecard is withdrawn from publication.")),
        "share": (
            lambda user, s, v: scorecards.set_scorecard_sharing(user, s, True, v),
            _("The official side may read your draft if it shares its own."),
        ),
        "unshare": (
            lambda user, s, v: scorecards.set_scorecard_sharing(user, s, False, v),
            _("Your draft is no longer shared."),
        ),
    }
    if action not in steps:
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("scorecards:detail", pk=pk, scorecard_id=scorecard_id)
    step, done = steps[action]
    try:
        step(request.user, scorecard, int(request.POST.get("version", "")))
    except ValueError:
        messages.error(request, _("The form was incomplete; please try again."))
    except Forbidden as error:
        return forbidden(request, error.message)
    except GcmHubError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("scorecards:detail", pk=pk, scorecard_id=scorecard_id)


# --- the comparison --------------------------------------------------------------------

LEVEL_MARKS = 3


def _cell_view(cell, row, levels: int) -> dict:
    filled = int(cell.number) + 1 if cell.number is not None and row.scale == "ordinal" else 0
    return {
        "cell": cell,
        "marks": [i < filled for i in range(levels)] if filled else [],
        "difference": None if cell.difference is None else int(cell.difference) if row.scale == "ordinal" else cell.difference,
    }


@public_page_cache
def comparison_page(request, pk: int):
    review = _review(request, pk)
    code = _instrument_code(request)
    fmt = request.GET.get("format", "")
    result = scorecards.build_comparison(request.user, review, code)
    data = result["comparison"]
    if fmt in comparison_export.FORMATS:
        response = HttpResponse(comparison_export.write(data, fmt), content_type=comparison_export.CONTENT_TYPES[fmt])
        name = comparison_export.filename(review, data.instrument, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    instrument = result["instrument"]
    levels = len(scorecards.scale_of(instrument).levels)
    only = request.GET.get("only") == "disagreements"

    def rows(items):
        return [
            {
                "row": row,
                "official": _cell_view(row.official, row, levels),
                "scorecards": [_cell_view(c, row, levels) for c in row.scorecards],
                "spread": None if row.spread is None else (int(row.spread) if row.scale == "ordinal" else row.spread),
            }
            for row in items
            if not only or row.disagreement
        ]

    context = {
        "review": review,
        "instrument": instrument,
        "instrument_choices": _instrument_choices(),
        "result": result,
        "official_hidden": result["official_state"] == "hidden",
        "data": data,
        "sources": data.sources,
        "question_rows": rows(data.questions),
        "domain_rows": rows(data.domains),
        "only": only,
        "questions_total": len(data.questions),
        "disagreements": data.disagreements,
        "scale_levels": [o.title() for o in instrument.scale.options if o.level is not None or o.points is not None],
        "has_demo": _has_demo(review, result["scorecards"]),
    }
    return render(request, "reviews/comparison.html", context)


# --- public comments -------------------------------------------------------------------


@public_page_cache
@require_http_methods(["GET", "HEAD", "POST"])
def comment_list(request, pk: int):
    review = _review(request, pk)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        try:
            scorecards.add_public_comment(
                request.user,
                review,
                request.POST.get("text", ""),
                question_key=(request.POST.get("question") or "")[:40],
            )
        except Forbidden as error:
            return forbidden(request, error.message)
        except GcmHubError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. Your comment will appear once a reviewer has approved it."))
        return redirect("scorecards:comments", pk=review.pk)
    official = scorecards.published_official_sets(review).filter(instrument_code=instruments.GCM_OBJECTIVES).first()
    instrument = instruments.load_instrument(instruments.GCM_OBJECTIVES)
    labels = {q.key: scorecards.question_heading(instrument, q) for q in instrument.questions}
    comments = scorecards.visible_comments(request.user, review)
    page = Paginator(comments, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "page": page,
        "items": [{"comment": c, "question": labels.get(c.question_key, "")} for c in page],
        "official": official,
        "window_open": sr.window_open(review),
        "can_comment": request.user.has_perm("reviews.add_reviewcomment", review),
        "can_moderate": request.user.has_perm("reviews.moderate_reviewcomment"),
        "questions": list(labels.items()),
        "comment_max": PUBLIC_COMMENT_MAX,
    }
    return render(request, "reviews/comments.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderation_queue(request):
    if not request.user.has_perm("reviews.moderate_reviewcomment"):
        return forbidden(request)
    if request.method == "POST":
        comment_id = request.POST.get("comment", "")[:18]
        comment = scorecards.ReviewComment.objects.filter(pk=comment_id).first() if comment_id.isdigit() else None
        if comment is None:
            messages.error(request, _("No such comment."))
            return redirect("scorecards:moderation")
        try:
            scorecards.moderate_comment(
                request.user,
                comment,
                request.POST.get("decision", ""),
                int(request.POST.get("version", "")),
                request.POST.get("note", ""),
            )
        except ValueError:
            messages.error(request, _("The form was incomplete; please try again."))
        except GcmHubError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Comment approved.") if comment.state == "approved" else _("Comment rejected."))
        return redirect("scorecards:moderation")
    page = Paginator(scorecards.moderation_queue(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/moderation.html", {"page": page})
