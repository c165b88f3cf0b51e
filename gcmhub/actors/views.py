"""Web pages: sign-in, the user's own page, organisations and accounts.

Each view asks ``has_perm`` to decide what to offer, collects input with a
form and hands it to a service; the service checks again and is the only
code that writes.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.validators import MaxLengthValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gcmhub import publishing
from gcmhub.actors import services
from gcmhub.actors.demo import demo_credentials
from gcmhub.actors.forms import (
    OrganizationForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    countries_with_organizations,
)
from gcmhub.actors.history import history_of
from gcmhub.actors.models import Organization
from gcmhub.actors.rules import is_admin
from gcmhub.errors import EditConflict, Forbidden, GcmHubError, InvalidInput, NotFound

ORGANIZATIONS_PER_PAGE = 50


def forbidden(request, message: str | None = None):
    context = {"message": message or _("You do not have permission to do this.")}
    return render(request, "actors/forbidden.html", context, status=403)


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the name's max_length after the field is built, so it is never
        # checked: a longer name reached the lockout log (255 characters) and failed there.
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginView(auth_views.LoginView):
    template_name = "actors/login.html"
    redirect_authenticated_user = True
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Demo passwords are public knowledge on a demo site, and nowhere else.
        context["demo_accounts"] = demo_credentials() if settings.DEMO_MODE else []
        return context


@login_required
def me(request):
    return _render_me(request)


def _render_me(request, token_form=None, new_key=None, status=200):
    context = {
        "tokens": services.tokens_of(request.user),
        "token_form": token_form or TokenForm(),
        "new_key": new_key,
    }
    return render(request, "actors/me.html", context, status=status)


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render_me(request, token_form=form, status=422)
    try:
        _token, key = services.issue_token(request.user, request.user, form.cleaned_data["name"])
    except InvalidInput as error:
        form.add_service_error(error)
        return _render_me(request, token_form=form, status=422)
    # Rendered, not redirected: the key must not be kept anywhere, not even
    # in the session's message store, nor in a browser or proxy cache.
    response = _render_me(request, new_key=key, status=201)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        token = services.revoke_token(request.user, services.get_token(request.user, pk))
    except Forbidden as error:
        return forbidden(request, error.message)
    except NotFound as error:
        raise Http404(error.message) from None
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("actors:me")


def organization_list(request):
    organizations = services.visible_organizations(request.user)
    area, kind = request.GET.get("area", ""), request.GET.get("kind", "")
    filter_error = None
    try:
        organizations = services.filter_organizations(organizations, area=area, kind=kind)
    except InvalidInput as error:
        filter_error = error.message
        organizations = organizations.none()
    page = Paginator(organizations, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for organization in page.object_list:
        organization.shown_parent = services.visible_parent(request.user, organization)
    context = {
        "page": page,
        "area": area.upper(),
        "kind": kind,
        "filter_error": filter_error,
        "area_choices": countries_with_organizations(),
        "kind_choices": Organization.Kind.choices,
        "can_add": request.user.has_perm("actors.add_organization"),
    }
    return render(request, "actors/organization_list.html", context)


def organization_detail(request, pk: int):
    organization = _visible_or_404(request, pk)
    context = {
        "organization": organization,
        "parent": services.visible_parent(request.user, organization),
        "units": services.visible_organizations(request.user).filter(parent=organization),
        "history": services.organization_history(request.user, organization),
        "can_change": request.user.has_perm("actors.change_organization", organization),
        "can_publish": request.user.has_perm("actors.publish_organization", organization),
    }
    if organization.has_pending_changes and services.may_see_proposed_change(request.user, organization):
        context["proposed_change"] = services.proposed_change(request.user, organization)
    return render(request, "actors/organization_detail.html", context)


@login_required
def organization_create(request):
    if not request.user.has_perm("actors.add_organization"):
        return forbidden(request)
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(request.user, form.service_data())
        except Forbidden as error:
            return forbidden(request, error.message)
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Organisation created. A reviewer will publish it."))
            return redirect("actors:organization", pk=organization.pk)
    return render(request, "actors/organization_form.html", {"form": form}, status=_form_status(form))


@login_required
def organization_edit(request, pk: int):
    organization = _visible_or_404(request, pk)
    if not request.user.has_perm("actors.change_organization", organization):
        return forbidden(request)
    held = services.edits_need_review(request.user, organization)
    context = {"organization": organization, "held_for_review": held}
    if request.method != "POST":
        # An edit that will be reviewed continues the change already proposed.
        shown = publishing.proposed_version(organization) if held else organization
        form = OrganizationForm(
            initial=OrganizationForm.initial_from(shown), user=request.user, organization=organization
        )
        return render(request, "actors/organization_form.html", {**context, "form": form})
    form = OrganizationForm(request.POST, user=request.user, organization=organization)
    held_message = _(
        "Your change is waiting for review: the public sees the published version until a reviewer approves it."
    )
    return _save_versioned_edit(
        request,
        form,
        organization,
        save=lambda data, version: services.update_organization(request.user, organization, data, version),
        success=redirect("actors:organization", pk=organization.pk),
        template="actors/organization_form.html",
        context=context,
        saved_message=held_message if held else None,
    )


@login_required
@require_POST
def organization_publish(request, pk: int):
    organization = _visible_or_404(request, pk)
    published = request.POST.get("published") == "1"
    try:
        version = int(request.POST.get("version", ""))
        services.publish_organization(request.user, organization, published, version)
    except ValueError:
        messages.error(request, _("The form was incomplete; please try again."))
    except Forbidden as error:
        return forbidden(request, error.message)
    except EditConflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published.") if published else _("Withdrawn from publication."))
    return redirect("actors:organization", pk=pk)


@login_required
@require_POST
def organization_discard_change(request, pk: int):
    organization = _visible_or_404(request, pk)
    try:
        version = int(request.POST.get("version", ""))
        services.discard_proposed_change(request.user, organization, version)
    except ValueError:
        messages.error(request, _("The form was incomplete; please try again."))
    except Forbidden as error:
        return forbidden(request, error.message)
    except (EditConflict, NotFound) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The proposed change was discarded."))
    return redirect("actors:organization", pk=pk)


@login_required
def user_list(request):
    if not request.user.has_perm("actors.manage_user"):
        return forbidden(request)
    context = {
        "users": services.manageable_users(request.user),
        "scope_area": None if is_admin(request.user) else request.user.area,
    }
    return render(request, "actors/user_list.html", context)


@login_required
def user_create(request):
    if not request.user.has_perm("actors.manage_user"):
        return forbidden(request)
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = _create_user_from(request.user, form.cleaned_data)
        except Forbidden as error:
            return forbidden(request, error.message)
        except GcmHubError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Account “%(username)s” created.") % {"username": user.username})
            return redirect("actors:users")
    return render(request, "actors/user_form.html", {"form": form}, status=_form_status(form))


def _manageable_or_error(request, pk: int):
    """The account, or a 404 (no such account) / 403 (not yours to manage) response."""
    try:
        return services.get_manageable_user(request.user, pk), None
    except NotFound as error:
        raise Http404(error.message) from None
    except Forbidden as error:
        return None, forbidden(request, error.message)


@login_required
def user_edit(request, pk: int):
    if not request.user.has_perm("actors.manage_user"):
        return forbidden(request)
    account, refusal = _manageable_or_error(request, pk)
    if refusal:
        return refusal
    # Whoever manages the account is staff in scope: usernames are shown.
    context = {"account": account, "history": history_of(account, reader=request.user, show_usernames=True)}
    if request.method != "POST":
        context["form"] = UserEditForm(initial=UserEditForm.initial_from(account), user=request.user)
        return render(request, "actors/user_edit.html", context)
    form = UserEditForm(request.POST, user=request.user)
    return _save_versioned_edit(
        request,
        form,
        account,
        save=lambda data, version: services.update_user(request.user, account, data, version),
        success=redirect("actors:users"),
        template="actors/user_edit.html",
        context=context,
    )


@login_required
@require_POST
def user_active(request, pk: int):
    if not request.user.has_perm("actors.manage_user"):
        return forbidden(request)
    account, refusal = _manageable_or_error(request, pk)
    if refusal:
        return refusal
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(request.user, account, active)
    except Forbidden as error:
        return forbidden(request, error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        if active:
            message = _("Account “%(username)s” reactivated.")
        else:
            message = _("Account “%(username)s” deactivated; its API tokens are revoked.")
        messages.success(request, message % {"username": account.username})
    return redirect("actors:users")


def _create_user_from(actor, data: dict):
    organization = data["organization"]
    return services.create_user(
        actor,
        username=data["username"],
        role=data["role"],
        area_iso3=data["area"] or None,
        organization_id=organization.pk if organization else None,
        email=data["email"],
        password=data["password1"],
    )


def _save_versioned_edit(request, form, record, *, save, success, template: str, context: dict, saved_message=None):
    """The edit flow shared by every versioned record: save through the service
    with the version the form was based on; on a conflict say who changed it
    (409), on invalid input keep what was typed (422)."""
    conflict = False
    if form.is_valid():
        try:
            save(form.service_data(), form.cleaned_data["version"] or 0)
        except Forbidden as error:
            return forbidden(request, error.message)
        except EditConflict as error:
            conflict = True
            form.add_service_error(error)
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, saved_message or _("Changes saved."))
            return success
    context = {**context, "form": form, "conflict": conflict}
    if conflict:
        context["changed_by"] = _last_editor(record)
    return render(request, template, context, status=409 if conflict else 422)


def _last_editor(record) -> str | None:
    latest = record.history.select_related("history_user").first()
    return latest.history_user.get_username() if latest and latest.history_user else None


def _visible_or_404(request, pk: int) -> Organization:
    try:
        return services.get_organization(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


def _form_status(form) -> int:
    """422 for a form sent back with errors, so tests and tools can tell."""
    return 422 if form.is_bound and form.errors else 200
