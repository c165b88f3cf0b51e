"""`gcmhub serve`: the production web server (gunicorn + whitenoise).

Django's development server is never used: the demo runs the same stack as
production, only smaller. Unless told otherwise it also runs one background
task worker (django-tasks' database backend), so uploads queued by the web
pages and API are processed; production may run workers separately with
`gcmhub manage db_worker`.
"""

import os
import subprocess
import sys

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
            help="Do not start a background task worker (run `gcmhub manage db_worker` elsewhere).",
        )

    def handle(self, *args, host, port, workers, timeout, no_task_worker=False, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.", returncode=2)
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}.", returncode=2)
        self.stdout.write(f"Serving GCM Hub on http://{host}:{port}/ with {workers} worker(s); Ctrl+C stops it.")
        task_worker = None if no_task_worker else start_task_worker()
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
                stop(task_worker)


def start_task_worker() -> subprocess.Popen:
    """One django-tasks database worker, as a child process of the server."""
    return subprocess.Popen(
        [sys.executable, "-m", "gcmhub.cli", "manage", "db_worker", "--interval", "1", "--no-startup-delay"]
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
