"""The data version: one number that changes whenever what the site shows changes.

Cached pages and API validators (ETag, Last-Modified) are keyed by it, so a
change anywhere — an import finishing, an assessment recompute, an edit
through a form, the API or the admin, ``gcmhub init`` reloading the framework —
makes every cached copy obsolete at once, in every process. Reading it costs
one query of one row, or nothing while the shared cache holds a recent copy
(``current()``).

What bumps it:

* a save or delete (and many-to-many change) of any model of the content apps
  (``WATCHED_APPS``) — unless the save writes only bookkeeping fields no page
  shows (``last_login``, ``last_used_at``), so logins do not empty the cache;
* bulk writes, which send no signals, call ``bump()`` themselves: the
  framework and area loaders, the assessment recompute.

The bump runs in the writer's transaction, so it commits (or rolls back) with
the data: a reader never sees the new version with the old data.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections, router
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

WATCHED_APPS = (
    "geo", "framework", "actors", "indicators", "progress", "commitments", "practices", "explorer",
    "reviews", "reports", "protection",
)
BOOKKEEPING_FIELDS = frozenset({"last_login", "last_used_at"})
_ROW = 1


@dataclass(frozen=True)
class Version:
    counter: int
    stamp: str
    changed_at: datetime

    @property
    def key(self) -> str:
        """What cache keys and ETags embed."""
        return f"{self.counter}-{self.stamp}"


def _model():
    return apps.get_model("web", "DataVersion")


CACHE_KEY = "gcmhub:data-version"
_JUST_CHANGED = "just-changed"


def current() -> Version:
    """The version now.

    The database holds it; the shared cache keeps a copy for a few seconds
    (``DATA_VERSION_CACHE_SECONDS``) so that a cached page needs no database
    connection at all — with SQLite, opening one per request was most of the
    cost of a cached page. ``bump()`` replaces the copy by a "just changed"
    mark for those seconds, during which everyone reads the database and
    nothing is shared, so in every process that shares the cache the next
    read after the commit sees the new version. Processes with a cache of
    their own (a file cache on another machine), or a writer whose
    transaction runs on for longer than that after its bump, are behind by
    at most those few seconds.
    """
    if not _may_share():
        return read()
    version = getattr(_this_request, "version", None)
    if version is not None:
        return version
    version = cache.get(CACHE_KEY)
    if version == _JUST_CHANGED:
        version = read()
    elif version is None:
        version = read()
        cache.set(CACHE_KEY, version, settings.DATA_VERSION_CACHE_SECONDS)
    if getattr(_this_request, "active", False):
        _this_request.version = version
    return version


# Within one request the version is read once: a page or API answer asks for
# it several times (cache key, ETag, the explorer's kept answers), each a
# cache read. A bump in the request forgets it, so the request's own change
# is seen; other processes' changes are seen from the next request on.
_this_request = threading.local()


def _request_started(**kwargs) -> None:
    _this_request.active, _this_request.version = True, None


def _request_finished(**kwargs) -> None:
    _this_request.active, _this_request.version = False, None


def _may_share() -> bool:
    """A version read inside a transaction may be one that is not committed
    yet: it must not be handed to other processes through the cache."""
    return not connections[router.db_for_read(_model())].in_atomic_block


def read() -> Version:
    """The version in the database (a missing row, e.g. a database from
    before the migration's data step, reads as version 0). In plain SQL:
    building the ORM query cost more than running it."""
    model = _model()
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('counter')}, {quote('stamp')}, {quote('changed_at')} "  # noqa: S608 (no user input)
            f"FROM {quote(model._meta.db_table)} WHERE {quote('id')} = %s",
            [_ROW],
        )
        row = cursor.fetchone()
    if row is None:
        return Version(0, "none", datetime(2000, 1, 1, tzinfo=dt_timezone.utc))
    counter, stamp, changed_at = row
    if isinstance(changed_at, str):
        changed_at = datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):  # SQLite stores UTC without an offset
        changed_at = changed_at.replace(tzinfo=dt_timezone.utc)
    return Version(int(counter), stamp, changed_at)


def bump() -> None:
    """Mark that the data changed (in the caller's transaction)."""
    model = _model()
    changed = model.objects.filter(pk=_ROW).update(
        counter=F("counter") + 1, stamp=uuid.uuid4().hex, changed_at=timezone.now()
    )
    if not changed:
        model.objects.get_or_create(pk=_ROW, defaults={"counter": 1, "stamp": uuid.uuid4().hex})
    # For a few seconds every reader goes to the database (and shares
    # nothing): long enough for this transaction to commit, so no process can
    # cache the old version after the change is visible.
    cache.set(CACHE_KEY, _JUST_CHANGED, settings.DATA_VERSION_CACHE_SECONDS)
    _this_request.version = None


def _watched(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    # Historical models of data migrations live in another registry, and run
    # before this table may exist: `migrate` needs no cache invalidation.
    # History rows (django-simple-history) follow a save of their record,
    # which has bumped already — or was bookkeeping only.
    return (
        meta is not None
        and meta.app_label in WATCHED_APPS
        and meta.apps is apps
        and not hasattr(sender, "instance_type")
    )


def _saved(sender, update_fields=None, raw=False, **kwargs) -> None:
    if raw or not _watched(sender):
        return
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    bump()


def _deleted(sender, **kwargs) -> None:
    if _watched(sender):
        bump()


def _m2m_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_") and _watched(sender):
        bump()


def connect_signals() -> None:
    """Called once from ``WebConfig.ready()``."""
    post_save.connect(_saved, dispatch_uid="gcmhub.dataversion.saved")
    post_delete.connect(_deleted, dispatch_uid="gcmhub.dataversion.deleted")
    m2m_changed.connect(_m2m_changed, dispatch_uid="gcmhub.dataversion.m2m")
    request_started.connect(_request_started, dispatch_uid="gcmhub.dataversion.request_started")
    request_finished.connect(_request_finished, dispatch_uid="gcmhub.dataversion.request_finished")
