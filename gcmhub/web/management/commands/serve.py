"""`gcmhub serve`: the production web server (gunicorn + whitenoise).

Django's development server is never used: the demo runs the same stack as
production, only smaller. Unless told otherwise it also runs one background
task worker (`gcmhub manage task_worker`), so uploads queued by the web
pages and API are processed; production may run workers separately with
`gcmhub manage task_worker`. The worker is supervised: restarted if it dies,
stopped when the server stops — and, being told the server's pid, it stops
by itself if the server is killed outright.
"""

import logging
import os
import subprocess
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication


class GcmHubServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            # Settings newer gunicorn releases added are skipped on older ones.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        from gcmhub.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve GCM Hub with gunicorn; static files are served by whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GCMHUB_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("GCMHUB_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("GCMHUB_WORKERS", "2")))
        parser.add_argument("--timeout", type=int, default=60, help="Worker timeout in seconds.")
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start a background task worker (run `gcmhub manage task_worker` elsewhere).",
        )

    def handle(self, *args, host, port, workers, timeout, no_task_worker=False, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.", returncode=2)
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}.", returncode=2)
        self.stdout.write(f"Serving GCM Hub on http://{host}:{port}/ with {workers} worker(s); Ctrl+C stops it.")
        task_worker = None if no_task_worker else TaskWorkerSupervisor().start()
        try:
            GcmHubServer(
                {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "timeout": timeout,
                    "accesslog": "-",
                    "errorlog": "-",
                    "preload_app": True,
                    # gunicorn 24+ opens a control socket at a fixed path in
                    # $HOME, which two servers on one machine would share.
                    "control_socket_disable": True,
                }
            ).run()
        finally:
            if task_worker is not None:
                task_worker.stop()


logger = logging.getLogger("gcmhub.workers")


def start_task_worker() -> subprocess.Popen:
    """One task worker, as a child process of the server that stops when it is gone."""
    return subprocess.Popen(
        [sys.executable, "-m", "gcmhub.cli", "manage", "task_worker", "--interval", "1", "--no-startup-delay",
         "--parent-pid", str(os.getpid())],
        # Its own session: Ctrl+C in the terminal reaches the server only, which
        # then stops the worker itself (instead of racing to restart it).
        start_new_session=True,
    )  # fmt: skip


class TaskWorkerSupervisor:
    """Keeps one task worker running beside gunicorn: a worker that exits is
    started again, after 1 s, then 2 s, 4 s … up to a minute if it keeps dying
    at once (a worker that ran for a minute starts the count afresh)."""

    CHECK_SECONDS = 1.0
    BACKOFF_FIRST = 1.0
    BACKOFF_MAX = 60.0
    HEALTHY_AFTER = 60.0

    def __init__(self, start=start_task_worker):
        self._start = start
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> "TaskWorkerSupervisor":
        self.process = self._start()
        threading.Thread(target=self._watch, name="task-worker-supervisor", daemon=True).start()
        return self

    def _watch(self) -> None:
        failures = 0
        started = time.monotonic()
        while not self._stopping.wait(self.CHECK_SECONDS):
            if self.process.poll() is None:
                continue
            failures = 1 if time.monotonic() - started >= self.HEALTHY_AFTER else failures + 1
            delay = min(self.BACKOFF_MAX, self.BACKOFF_FIRST * 2 ** (failures - 1))
            logger.warning("The task worker exited (%s); restarting it in %.0f s.", self.process.returncode, delay)
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.process = self._start()
                self.restarts += 1
            started = time.monotonic()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
        if self.process is not None:
            stop(self.process)


def stop(process: subprocess.Popen) -> None:
    """Ask the worker to finish its task and stop; after 10 s ask again, which
    interrupts the task (its import is failed as interrupted); after 5 s more, kill it."""
    for signal_it, wait in ((process.terminate, 10), (process.terminate, 5), (process.kill, None)):
        signal_it()
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
