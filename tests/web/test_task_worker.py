"""The task worker survives database errors, says it is alive, and does not
outlive the server that started it; `gcmhub serve` restarts it when it dies
(issue 7 §1: a CLI import holding SQLite's lock killed the worker for good)."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gcmhub.web.management.commands.serve import TaskWorkerSupervisor
from tests.served.conftest import gcmhub_env


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("worker-var")
    env = gcmhub_env(folder)
    subprocess.run([sys.executable, "-m", "gcmhub.cli", "manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    return folder


def worker_command(*extra) -> list[str]:
    return [sys.executable, "-m", "gcmhub.cli", "manage", "task_worker", "--interval", "0.2", "--no-startup-delay",
            *extra]  # fmt: skip


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has finished; only its exit status is left


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_worker_outlasts_a_database_locked_longer_than_its_busy_timeout(var_dir):
    env = {**gcmhub_env(var_dir), "GCMHUB_SQLITE_TIMEOUT": "0.2"}
    lock = sqlite3.connect(var_dir / "gcmhub.sqlite3", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # as a long import from the command line did
    worker = subprocess.Popen(worker_command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True).start()
    try:
        assert wait_for(lambda: sum("retrying" in line for line in lines) >= 2 or worker.poll() is not None, 120)
        assert worker.poll() is None, "".join(lines)
        assert any("database is locked" in line for line in lines)
        lock.execute("ROLLBACK")
        heartbeats = var_dir / "media" / "workers"
        assert wait_for(lambda: any(heartbeats.glob("*.json")), 60)
        assert worker.poll() is None, "".join(lines)
    finally:
        lock.close()
        worker.terminate()
        worker.wait(timeout=60)
    assert not any((var_dir / "media" / "workers").glob("*.json"))  # a clean exit forgets its heartbeat


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_stops_when_its_server_is_killed_outright(var_dir):
    env = gcmhub_env(var_dir)
    parent_code = (
        "import os, subprocess, sys, time\n"
        f"worker = subprocess.Popen({worker_command()!r} + ['--parent-pid', str(os.getpid())])\n"
        "print(worker.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], env=env, stdout=subprocess.PIPE, text=True)
    worker_pid = int(parent.stdout.readline())
    try:
        heartbeats = var_dir / "media" / "workers"
        assert wait_for(lambda: any(heartbeats.glob(f"*:{worker_pid}.json")), 30)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_for(lambda: not is_running(worker_pid), 30), "the worker outlived its server"
    finally:
        if is_running(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


def test_the_supervisor_restarts_a_worker_that_dies_and_stops_it_for_good():
    started = []

    def start():
        started.append(subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"]))
        return started[-1]

    supervisor = TaskWorkerSupervisor(start)
    supervisor.CHECK_SECONDS = 0.05
    supervisor.BACKOFF_FIRST = 0.05
    supervisor.start()
    try:
        assert wait_for(lambda: supervisor.restarts >= 2, 20)
    finally:
        supervisor.stop()
    count = len(started)
    time.sleep(0.5)
    assert len(started) == count  # no restart once stopped


def test_the_supervisor_stops_a_running_worker():
    supervisor = TaskWorkerSupervisor(lambda: subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
    supervisor.start()
    process = supervisor.process
    supervisor.stop()
    assert process.poll() is not None and supervisor.restarts == 0


def test_every_process_connects_with_wal_a_busy_timeout_and_immediate_transactions(var_dir):
    """The settings the worker, the servers and the command line share (what
    makes SQLite safe for several processes) really reach the connection."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode'); mode = cursor.fetchone()[0]\n"
        "    cursor.execute('PRAGMA busy_timeout'); timeout = cursor.fetchone()[0]\n"
        "print(mode, timeout, connection.transaction_mode)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "gcmhub.cli", "manage", "shell", "-c", code],
        env=gcmhub_env(var_dir), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1].split() == ["wal", "20000", "IMMEDIATE"], result.stderr
