"""Caching what rarely changes: public pages and API reads, keyed by the data version.

Two pieces, both keyed by ``gcmhub.dataversion`` so that any import, recompute
or edit makes every cached copy obsolete at once, in every process:

* ``@public_page_cache`` on a page view: for an anonymous reader, the page's
  HTML is kept in Django's cache (key: path with query, language, htmx
  headers, data version). Signed-in users always get a freshly rendered page —
  what they see depends on their permissions (edit buttons, their own
  imports), and the cache is never shared across users. A page is rendered
  for the cache with a placeholder in place of the CSRF token, and each reader
  gets their own token substituted in, so forms (language menu) keep working.
* ``ApiValidatorsMiddleware``: GET/HEAD on ``/api/v1/`` answers carry an ETag
  (data version + path + query + language + caller) and Last-Modified (when
  the data version changed); a matching ``If-None-Match`` or a not-older
  ``If-Modified-Since`` gets ``304 Not Modified`` without running the
  endpoint. Anonymous 200 answers are also kept in the cache. Endpoints about
  the caller's own account, users and imports are left out (they change with
  things the data version does not track, such as a token's last use).

The cache backend is Django's ``default`` cache (settings: a file cache under
var/ in the embedded default, Redis when ``GCMHUB_REDIS_URL`` is set, see
docs/deployment.md); ``GCMHUB_PAGE_CACHE=0`` turns both caches off (the
validators stay).
"""

from __future__ import annotations

import hashlib
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils import timezone
from django.utils.translation import get_language

from gcmhub import dataversion

# Rendered into a cached page instead of a reader's CSRF token (the csrf
# context processor is overridden by ``csrf_placeholder`` while rendering for
# the cache), then replaced by the token of whoever reads the copy.
CSRF_PLACEHOLDER = "gcmhub-csrf-placeholder-5f0c9e"
_RENDERING_FOR_CACHE = "_gcmhub_rendering_for_cache"
_KEY_HEADERS = ("HX-Request", "HX-Target", "HX-Boosted")
API_PREFIX = "/api/v1/"
# Answers that depend on more than the data version: the caller's account and
# token bookkeeping, user lists, import progress, file downloads.
API_UNVERSIONED = ("me", "users", "imports", "tokens")


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_ENABLED", True)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _has_pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))


def _anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (user is None or not user.is_authenticated) and "HTTP_AUTHORIZATION" not in request.META


def page_key(request: HttpRequest, version: dataversion.Version) -> str:
    headers = [request.headers.get(name, "") for name in _KEY_HEADERS]
    # The date too: some pages say what is overdue "today"; and the demo
    # banner, which every page carries or not.
    return "page:" + _digest(
        request.get_full_path(), get_language(), *headers, version.key, timezone.localdate(), settings.DEMO_MODE
    )


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: while a page is rendered for the cache, its CSRF
    token is a placeholder (listed after Django's own csrf processor, which
    it overrides)."""
    if getattr(request, _RENDERING_FOR_CACHE, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _with_reader_token(request: HttpRequest, html: bytes, headers: dict[str, str]) -> HttpResponse:
    token = get_token(request)  # also makes the CSRF middleware set the reader's cookie
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER.encode(), token.encode()), headers=headers)
    response["X-Page-Cache"] = "hit"
    return response


def _kept_headers(response: HttpResponse) -> dict[str, str]:
    """The view's headers, less the length (the token changes it)."""
    return {name: value for name, value in response.headers.items() if name.lower() != "content-length"}


def public_page_cache(view):
    """Serve anonymous readers a cached copy of the page, rendered once per
    data version and language (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not (enabled() and request.method in ("GET", "HEAD") and _anonymous(request)):
            return view(request, *args, **kwargs)
        if _has_pending_messages(request):
            return view(request, *args, **kwargs)
        key = page_key(request, dataversion.current())
        cached = cache.get(key)
        if cached is not None:
            return _with_reader_token(request, *cached)
        setattr(request, _RENDERING_FOR_CACHE, True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            setattr(request, _RENDERING_FOR_CACHE, False)
        if not _storable(response):
            return _with_placeholder_replaced(request, response)
        entry = (response.content, _kept_headers(response))
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        out = _with_reader_token(request, *entry)
        out["X-Page-Cache"] = "miss"
        return out

    return wrapper


def _storable(response: HttpResponse, content_type: str = "text/html") -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == HTTPStatus.OK
        and not response.streaming
        and not response.cookies
        and "no-store" not in cache_control
        and "private" not in cache_control
        and response.get("Content-Type", "").startswith(content_type)
    )


def _with_placeholder_replaced(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A response not kept (redirect, 404...) still goes to its reader, with
    their real token."""
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response


# --------------------------------------------------------------------------
# API: validators (ETag / Last-Modified) and a cache of anonymous answers
# --------------------------------------------------------------------------


def _api_versioned(path: str) -> bool:
    if not path.startswith(API_PREFIX):
        return False
    first = path[len(API_PREFIX) :].split("/", 1)[0]
    return first not in API_UNVERSIONED and not path.endswith("/download") and not path.endswith("/rejects")


def _caller(request: HttpRequest) -> str:
    """Who is asking, for the ETag: answers differ with the caller's rights."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return "token:" + hashlib.sha256(auth.encode()).hexdigest()
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    """Only a tag this server gave out counts ("*" would also "match" a
    missing resource): it was given for a 200 of this path at this version."""
    if_none_match = request.headers.get("If-None-Match") or ""
    return etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


def _not_modified(request: HttpRequest, etag: str, version: dataversion.Version) -> bool:
    if request.headers.get("If-None-Match") is not None:
        return _etag_matches(request, etag)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(version.changed_at.timestamp()) <= since


class ApiValidatorsMiddleware:
    """ETag / Last-Modified / 304 for API reads, and cached anonymous answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method not in ("GET", "HEAD") or not _api_versioned(request.path):
            return self.get_response(request)
        version = dataversion.current()
        etag = quote_etag(_digest(version.key, request.get_full_path(), get_language(), _caller(request)))
        validators = {"ETag": etag, "Last-Modified": http_date(version.changed_at.timestamp())}
        if _anonymous(request) and _etag_matches(request, etag):
            response = HttpResponseNotModified()
        else:
            # Otherwise the answer is made (or read from the cache) first: a
            # signed-in caller's revoked token or lost right is refused rather
            # than told "not modified", and a date never vouches for a path
            # that does not exist.
            response = self._answer(request, version)
            if response.status_code == HTTPStatus.OK and _not_modified(request, etag, version):
                response = HttpResponseNotModified()
        if response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_MODIFIED):
            for name, value in validators.items():
                response[name] = value
            # Revalidate every time: the answer is cheap when nothing changed.
            response.setdefault("Cache-Control", "no-cache")
        return response

    def _answer(self, request: HttpRequest, version: dataversion.Version) -> HttpResponse:
        if not (enabled() and _anonymous(request)):
            return self.get_response(request)
        key = "api:" + _digest(request.get_full_path(), get_language(), version.key)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response, content_type=""):
            cache.set(key, (response.content, _kept_headers(response)), settings.PAGE_CACHE_SECONDS)
        return response
