"""Recording when an API token was last used, off the request's path.

A token's ``last_used_at`` is shown to its owner so a forgotten or leaked
token can be spotted; a minute's precision is plenty. Writing it on every
call turned each API read into a write, and with SQLite one writer at a time:
while an import held the write lock, token-authenticated reads waited for it
and then failed with "database is locked". So:

- a token is written at most once a minute (by its stored value, and by a
  per-process memo, so concurrent requests do not all try);
- inside a request the write waits until the response has been sent
  (Django's ``request_finished``);
- the write never waits for a lock (SQLite busy timeout 0, PostgreSQL
  ``lock_timeout``), and a failure is logged and forgotten: the next use a
  minute later records it.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

RESOLUTION = timedelta(minutes=1)

_local = threading.local()
_memo_lock = threading.Lock()
_written: dict[str, float] = {}  # token key hash -> time.monotonic() this process last tried to write it


def note(token) -> None:
    """Record that ``token`` was just used (now, or once the response is sent)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < RESOLUTION:
        return
    with _memo_lock:
        tried = _written.get(token.key_hash)
        if tried is not None and time.monotonic() - tried < RESOLUTION.total_seconds():
            return
        _written[token.key_hash] = time.monotonic()
    if getattr(_local, "in_request", False):
        _local.pending[token.pk] = now
    else:
        write(token.pk, now)


def write(token_id: int, when: datetime) -> bool:
    """Store the use if no other write holds the lock; False if it could not be."""
    from gcmhub.actors.models import ApiToken

    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=when - RESOLUTION)
    try:
        with _without_waiting(), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '200ms'")
            ApiToken.objects.filter(stale, pk=token_id).update(last_used_at=when)
    except DatabaseError as error:
        logger.info("Token %s: last use not recorded (%s); the next use will be.", token_id, error)
        return False
    return True


@contextmanager
def _without_waiting():
    """On SQLite, give up at once instead of waiting for another writer."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        waited = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


def _request_started(**kwargs) -> None:
    _local.in_request = True
    _local.pending = {}


def _request_finished(**kwargs) -> None:
    pending = getattr(_local, "pending", None) or {}
    _local.in_request = False
    _local.pending = {}
    for token_id, when in pending.items():
        write(token_id, when)


def connect() -> None:
    request_started.connect(_request_started, dispatch_uid="gcmhub-token-use-started")
    request_finished.connect(_request_finished, dispatch_uid="gcmhub-token-use-finished")
