"""What the explorer has computed, kept in this process until the data change.

The explorer's answers depend on nothing but the stored data (no user, no
date): every answer is a function of its arguments, the language and the
data version. ``by_data_version`` keeps the last answers of a function in
memory under those keys (least recently used out first, at most
``MAX_ENTRIES`` per function and ``MAX_BYTES`` of API bodies), so a second
reader of the same profile, corridor, map or incidents gets it without a
query. Any import, rebuild or edit bumps the data version, and every kept
answer is then ignored (and soon pushed out).

Kept answers are shared: callers must not change them (the views and the API
build new lists and dicts from them). ``settings.GCMHUB_EXPLORER_MEMO =
False`` (environment ``GCMHUB_EXPLORER_MEMO=0``) turns it off; the benchmark
measures both.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings

MAX_ENTRIES = 256
MAX_BYTES = 64 * 1024 * 1024
_lock = threading.Lock()
_stores: list[OrderedDict] = []


def enabled(reference: bool = False) -> bool:
    """On, unless settings turn it off (``reference`` lookups ignore that setting) — or
    inside a transaction, where the data version read may be one that is not
    committed (or will be rolled back, as in tests): an answer kept then could
    outlive the data it was computed from."""
    if not reference and not getattr(settings, "GCMHUB_EXPLORER_MEMO", True):
        return False
    from django.db import connection

    return not connection.in_atomic_block


def _version_key() -> str:
    from gcmhub import dataversion
    from gcmhub.i18n import current_language

    return f"{dataversion.current().key}:{current_language()}"


def clear() -> None:
    with _lock:
        for store in _stores:
            store.clear()
        _size["bytes"] = 0


def _frozen(value):
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def by_data_version(function=None, *, reference: bool = False):
    """Keep the function's answers per data version and language. ``reference=True``
    marks the small lookups every answer starts with (a series by its code, the years
    and series offered): kept even when kept answers are turned off, as the per-process
    area index is, so "cold" means an answer not yet computed, not a process that has
    just started."""
    if function is None:
        return lambda f: by_data_version(f, reference=reference)
    store: OrderedDict = OrderedDict()
    _stores.append(store)

    @wraps(function)
    def wrapper(*args, **kwargs):
        if not enabled(reference):
            return function(*args, **kwargs)
        key = (_version_key(), _frozen(args), _frozen(tuple(sorted(kwargs.items()))))
        with _lock:
            if key in store:
                store.move_to_end(key)
                return store[key]
        value = function(*args, **kwargs)  # an exception is not kept
        with _lock:
            store[key] = value
            while len(store) > MAX_ENTRIES:
                store.popitem(last=False)
        return value

    wrapper.uncached = function
    return wrapper


_bodies: OrderedDict = OrderedDict()
_stores.append(_bodies)
_size = {"bytes": 0}


def body(key: str, build) -> tuple[bytes, str]:
    """An API answer (body, content type) for the request ``key`` (path and query)."""
    if not enabled():
        return build()
    full = (_version_key(), key)
    with _lock:
        if full in _bodies:
            _bodies.move_to_end(full)
            return _bodies[full]
    value = build()
    with _lock:
        if full not in _bodies:
            _bodies[full] = value
            _size["bytes"] += len(value[0])
        while _bodies and (len(_bodies) > MAX_ENTRIES or _size["bytes"] > MAX_BYTES):
            _old, (content, _type) = _bodies.popitem(last=False)
            _size["bytes"] -= len(content)
    return value
