"""The REST API, mounted at /api/v1/.

Each app owns a django-ninja Router in its own ``api.py``; this module only
mounts them and turns every error into a JSON ``ErrorOut`` response with the
right status code, so every endpoint reports problems the same way
(``gcmhub/apischema.py`` holds the contract, ``docs/api.md`` describes it).
"""

import logging

from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from gcmhub import __version__
from gcmhub.apischema import ContractAPI
from gcmhub.errors import GcmHubError

# Django logs its own 500s here (and mails ADMINS from it where configured).
logger = logging.getLogger("django.request")

api = ContractAPI(
    title="GCM Hub API",
    version="1",
    description=(
        "Read the Global Compact for Migration framework, areas, and (with a bearer "
        "token from `gcmhub users token`) manage records. Errors are JSON objects "
        "with a `detail` message, and `field` when one field is at fault."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(GcmHubError)
def service_error(request, exc: GcmHubError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    message = str(exc) or "You do not have permission to do this."
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Authentication required: send 'Authorization: Bearer <token>'."}, status=401
    )


def _error(request, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def _field_of(error: dict) -> str:
    """``["body", "payload", "name"]`` → ``name``; ``["query", "limit"]`` → ``limit``."""
    location, *path = [str(part) for part in error.get("loc", ())] or [""]
    if location == "body" and len(path) > 1:
        path = path[1:]  # the body parameter's own name
    return ".".join(path) or location


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    # The input is not echoed back: it may be megabytes long, or hold the
    # very characters (a lone surrogate) that made it invalid.
    errors = [{key: error[key] for key in ("type", "loc", "msg") if key in error} for error in exc.errors]
    if not errors:
        return _error(request, 422, _("Invalid request."), errors=[])
    first = errors[0]
    field = _field_of(first)
    if first.get("type") == "extra_forbidden":
        detail = _("Unknown field “%(field)s”.") % {"field": field}
    else:
        detail = f"{field}: {first.get('msg', _('Invalid request.'))}"
    return _error(request, 422, detail, field=field, errors=errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return _error(request, 413, _("The request body is too large."))


@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousOperation)
def unreadable(request, exc):
    return _error(request, 400, _("The request could not be read: %(reason)s") % {"reason": exc})


@api.exception_handler(Exception)
def server_error(request, exc):
    """A bug: logged and signalled as Django does (tests see the exception),
    answered in JSON like every other error."""
    signals.got_request_exception.send(sender=None, request=request)
    logger.error("Internal Server Error: %s", request.path, exc_info=exc)
    return _error(request, 500, _("Internal server error."))


def not_found_json(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer JSON too (see gcmhub/urls.py)."""
    return JsonResponse({"detail": _("No such API endpoint: %(path)s") % {"path": request.path}}, status=404)


class LinksOut(Schema):
    docs: str
    openapi: str
    collections: dict[str, str]


class IndexOut(Schema):
    title: str
    version: str
    software_version: str
    links: LinksOut


# The main collections a newcomer starts from, as paths under /api/v1/.
COLLECTIONS = (
    "objectives", "principles", "sdg-indicators", "areas", "indicators",
    "organizations", "progress", "progress/timelines", "commitments", "practices", "documents",
    "reviews", "services", "referral-pathways",
)  # fmt: skip


@api.get("/", response=IndexOut, summary="What this API offers, with links")
def index(request):
    root = request.path if request.path.endswith("/") else request.path + "/"
    return {
        "title": api.title,
        "version": api.version,
        "software_version": __version__,
        "links": {
            "docs": root + "docs",
            "openapi": root + "openapi.json",
            "collections": {name: root + name for name in COLLECTIONS},
        },
    }


def _mount_routers() -> None:
    from gcmhub.actors.api import router as actors_router
    from gcmhub.commitments.api import router as commitments_router
    from gcmhub.commitments.coordination_api import router as coordination_router
    from gcmhub.explorer.api import router as explorer_router
    from gcmhub.framework.api import router as framework_router
    from gcmhub.geo.api import router as geo_router
    from gcmhub.indicators.api import router as indicators_router
    from gcmhub.practices.api import router as practices_router
    from gcmhub.progress.api import router as progress_router
    from gcmhub.protection.api import router as protection_router
    from gcmhub.reports.api import router as reports_router
    from gcmhub.protection.web_api import router as protection_web_router
    from gcmhub.reviews.api import router as reviews_router
    from gcmhub.reviews.scorecards_api import router as scorecards_router
    from gcmhub.web.api import router as search_router

    api.add_router("/", framework_router)
    api.add_router("/", geo_router)
    api.add_router("/", actors_router)
    api.add_router("/", indicators_router)
    api.add_router("/", progress_router)
    api.add_router("/", practices_router)
    api.add_router("/", search_router)
    api.add_router("/", commitments_router)
    api.add_router("/", coordination_router)
    api.add_router("/", explorer_router)
    api.add_router("/", reviews_router)
    api.add_router("/", scorecards_router)
    api.add_router("/", protection_router)
    api.add_router("/", reports_router)
    api.add_router("/", protection_web_router)


_mount_routers()
