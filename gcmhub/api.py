"""The REST API, mounted at /api/v1/.

Each app owns a django-ninja Router in its own ``api.py``; this module only
mounts them and turns service errors into JSON responses with the right
status code, so every endpoint reports problems the same way.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from gcmhub.errors import GcmHubError

api = NinjaAPI(
    title="GCM Hub API",
    version="1",
    description=(
        "Read the Global Compact for Migration framework, areas, and (with a bearer "
        "token from `gcmhub users token`) manage records. Errors are JSON objects "
        "with a `detail` message."
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


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return api.create_response(request, {"detail": "Invalid request.", "errors": exc.errors}, status=422)


def _mount_routers() -> None:
    from gcmhub.actors.api import router as actors_router
    from gcmhub.framework.api import router as framework_router
    from gcmhub.geo.api import router as geo_router
    from gcmhub.indicators.api import router as indicators_router
    from gcmhub.progress.api import router as progress_router
    from gcmhub.web.api import router as search_router

    api.add_router("/", framework_router)
    api.add_router("/", geo_router)
    api.add_router("/", actors_router)
    api.add_router("/", indicators_router)
    api.add_router("/", progress_router)
    api.add_router("/", search_router)


_mount_routers()
