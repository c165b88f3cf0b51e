"""`gcmhub manage task_worker`: the background task worker, made to last.

django-tasks' ``db_worker`` with three additions:

- a database error (SQLite's "database is locked" while a long import
  writes, a PostgreSQL restart) no longer kills it: it closes its
  connection, waits (1 s, 2 s, 4 s … up to a minute) and carries on;
- it writes a heartbeat (``gcmhub.workers``) that the import page reads,
  and runs the workers' chores: failing imports whose worker was killed,
  deleting uploads past their retention;
- started by ``gcmhub serve`` with ``--parent-pid``, it stops when that
  process is gone, even if it was killed outright (SIGKILL runs no cleanup):
  on Linux the kernel sends it SIGTERM (PR_SET_PDEATHSIG), and everywhere a
  watcher thread compares ``getppid()`` with the parent it was given.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

from django.db import Error as DatabaseFailure
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from gcmhub import workers

logger = logging.getLogger("gcmhub.workers")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# After this long without a database error, the next one starts the backoff afresh.
BACKOFF_RESET_SECONDS = 300
# A worker asked to stop (its parent gone) that is still busy after this long exits anyway.
STOP_GRACE_SECONDS = 10


class ResilientWorker(Worker):
    def run(self) -> None:
        failures = 0
        last_failure = 0.0
        while self.running:
            try:
                super().run()
                return  # --batch or --max-tasks reached
            except DatabaseFailure as error:  # OperationalError, InterfaceError (connection closed), …
                now = time.monotonic()
                failures = 1 if now - last_failure > BACKOFF_RESET_SECONDS else failures + 1
                last_failure = now
                delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (failures - 1))
                logger.warning("Task worker: database error (%s); retrying in %.0f s.", error, delay)
                connections.close_all()
                time.sleep(delay)
                # An import whose outcome could not be saved is failed rather than left "running".
                workers.run_chores()


def die_with_parent(parent_pid: int) -> None:
    """Stop this process when ``parent_pid`` (the `gcmhub serve` that started it) is gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watcher below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def parent_gone(parent_pid: int | None) -> bool:
    return parent_pid is not None and os.getppid() != parent_pid


def keep_watch(worker: ResilientWorker, parent_pid: int | None, stop: threading.Event) -> None:
    """The worker's heartbeat and chores, and its check on its parent, in a thread
    (a long import blocks the main loop, not this)."""
    started_at = time.time()
    last_chores = 0.0
    stopping_since = None
    while not stop.wait(workers.HEARTBEAT_SECONDS if stopping_since is None else 1):
        try:
            workers.beat(started_at)
        except OSError as error:  # pragma: no cover - a full or read-only disk
            logger.warning("Task worker: cannot write its heartbeat (%s).", error)
        if time.monotonic() - last_chores >= workers.CHORE_SECONDS:
            last_chores = time.monotonic()
            workers.run_chores()
        if parent_gone(parent_pid):
            if stopping_since is None:
                stopping_since = time.monotonic()
                logger.warning("Task worker: its server is gone; stopping.")
                os.kill(os.getpid(), signal.SIGTERM)  # as `gcmhub serve` would: finish the task, then stop
            elif time.monotonic() - stopping_since > STOP_GRACE_SECONDS:
                os.kill(os.getpid(), signal.SIGTERM)  # a second SIGTERM interrupts the current task


class Command(DbWorkerCommand):
    help = "Run background tasks (imports); survives database errors and writes a heartbeat."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--parent-pid",
            type=int,
            default=None,
            help="Stop when this process (the server that started the worker) is gone.",
        )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, max_tasks,
               worker_id, exclude_queues, parent_pid=None, **options) -> None:  # fmt: skip
        self.configure_logging(verbosity)
        if parent_pid is not None:
            die_with_parent(parent_pid)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        workers.beat()
        workers.run_chores()
        stop = threading.Event()
        watcher = threading.Thread(target=keep_watch, args=(worker, parent_pid, stop), daemon=True)
        watcher.start()
        try:
            worker.run()
        finally:
            stop.set()
            workers.forget()
