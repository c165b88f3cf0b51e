"""Who is calling the API.

Writes need a bearer token (``Authorization: Bearer <key>``, from
``gcmhub users token`` or the user's own page): a token is never sent by a
browser on its own, so write endpoints need no CSRF protection. Reads also
accept the signed-in browser session, or nobody at all for public content.

Every app's router uses the same two objects::

    from gcmhub.actors.auth import bearer_auth, read_auth

    @router.post("/commitments", auth=bearer_auth)
    def create(request, payload: CommitmentIn):
        commitment = services.create_commitment(request.auth, payload.dict())

    @router.get("/commitments", auth=read_auth)
    def list_(request):
        return services.visible_commitments(request.auth)

``request.auth`` is the acting user (possibly ``AnonymousUser`` for reads).
"""

from ninja.security import HttpBearer

from gcmhub.actors.services import authenticate_token


class BearerTokenAuth(HttpBearer):
    """A valid, unrevoked API token of an active user; 401 otherwise."""

    def authenticate(self, request, token: str):
        user = authenticate_token(token)
        if user is None:
            return None
        # Simple-history's middleware and any has_perm() on request.user
        # must see the token's owner, not the anonymous session.
        request.user = user
        return user


class ReadAuth(BearerTokenAuth):
    """A token if one is sent (a wrong one is still a 401, never silently
    anonymous); otherwise the session's user, signed in or anonymous."""

    # The OpenAPI document declares the token optional (gcmhub.apischema).
    anonymous_allowed = True

    def __call__(self, request):
        if request.headers.get(self.header):
            return super().__call__(request)
        return request.user


bearer_auth = BearerTokenAuth()
read_auth = ReadAuth()
