"""Task workers: who they are, whether they are alive, and their chores.

Uploads are imported by background workers (``gcmhub manage task_worker``,
started and supervised by ``gcmhub serve``). A page must be able to say
"no worker has been seen for a minute", and a worker must be able to tell an
import still running elsewhere from one whose worker was killed. So every
worker touches a heartbeat file under ``MEDIA_ROOT/workers/`` every few
seconds, named after its identity ``host:pid``. Files rather than a table:
a heartbeat must never wait for (or add to) the database's write lock, and
uploads already require every worker to share MEDIA_ROOT with the web
servers.

Apps give workers chores with ``register_chore`` (recovering interrupted
imports, deleting expired uploads); a worker runs them when it starts and
then every ``CHORE_SECONDS``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# A worker not heard from for this long is taken for gone.
SEEN_WITHIN_SECONDS = 60
CHORE_SECONDS = 60

_chores: list[Callable[[], object]] = []


def identity(pid: int | None = None) -> str:
    """``host:pid`` of this process (or of ``pid`` on this host)."""
    return f"{socket.gethostname()}:{pid or os.getpid()}"


def heartbeat_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "workers"


def _heartbeat_file(worker: str) -> Path:
    return heartbeat_dir() / (worker.replace("/", "_") + ".json")


def beat(started_at: float | None = None) -> None:
    """Record that this worker is alive now (the file's modification time)."""
    folder = heartbeat_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = _heartbeat_file(identity())
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"worker": identity(), "started_at": started_at or time.time()}))
    os.replace(temporary, path)


def forget() -> None:
    """Remove this worker's heartbeat (a clean exit)."""
    _heartbeat_file(identity()).unlink(missing_ok=True)


def last_seen() -> float | None:
    """When any worker was last heard from (a Unix time), or None."""
    try:
        times = [path.stat().st_mtime for path in heartbeat_dir().glob("*.json")]
    except OSError:
        return None
    return max(times, default=None)


def seen_recently(within: float = SEEN_WITHIN_SECONDS) -> bool:
    """Whether a worker was heard from within the last minute (always true
    when tasks run inline, with no worker: django-tasks' immediate backend)."""
    if not _tasks_need_a_worker():
        return True
    seen = last_seen()
    return seen is not None and time.time() - seen <= within


def _tasks_need_a_worker() -> bool:
    from django.conf import settings

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return not backend.endswith("ImmediateBackend")


def is_alive(worker: str) -> bool:
    """Whether the worker ``host:pid`` is still running: on this host, by its
    process; elsewhere, by its heartbeat."""
    host, _sep, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return True
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # someone else's process: the pid was reused, or another user's worker
        return True
    try:
        return time.time() - _heartbeat_file(worker).stat().st_mtime <= SEEN_WITHIN_SECONDS
    except OSError:
        return False


def prune(older_than: float = 24 * 3600) -> None:
    """Delete heartbeats of workers gone for a day."""
    for path in heartbeat_dir().glob("*.json"):
        try:
            if time.time() - path.stat().st_mtime > older_than:
                path.unlink()
        except OSError:
            pass


def register_chore(chore: Callable[[], object]) -> None:
    if chore not in _chores:
        _chores.append(chore)


def run_chores() -> None:
    """Each registered chore once; a failing chore (a locked database) is logged
    and tried again next time, never fatal to the worker."""
    from django.db import close_old_connections

    for chore in [*_chores, prune]:
        try:
            chore()
        except Exception:  # noqa: BLE001 - a chore must not stop the worker
            name = getattr(chore, "__name__", chore)
            logger.warning("Worker chore %s failed; it will be retried.", name, exc_info=True)
        finally:
            close_old_connections()
