"""`gcmhub serve` supervises its task worker (issue 7 §1): a worker that dies
is started again and uploads keep being processed; a server killed outright
leaves no worker behind. A second server runs on the served site's database,
so the shared one is not disturbed."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.test_task_worker import is_running, wait_for

from .conftest import free_port, wait_until_up
from .test_background_imports import api_token, upload, wait_for_batch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def task_workers_of(pid: int) -> list[int]:
    """The running `task_worker` processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z" and b"task_worker" in command:
            found.append(int(entry.name))
    return found


def big_opensdg_file(series=1500) -> bytes:
    """Some 290,000 rows: long enough to be caught running."""
    lines = ["Series,Sex,Year,Value"]
    for number in range(series):
        for year in range(1960, 2025):
            lines += [f"Load {number},{sex},{year},{year % 89 + 0.25}" for sex in ("F", "M", "")]
    return ("\n".join(lines) + "\n").encode()


def running_worker(var_dir, batch_id: int) -> int | None:
    """The pid of the worker running ``batch_id``, read from the database."""
    with sqlite3.connect(f"file:{var_dir / 'gcmhub.sqlite3'}?mode=ro", uri=True) as db:
        row = db.execute("SELECT status, worker FROM indicators_importbatch WHERE id = ?", (batch_id,)).fetchone()
    if row is None or row[0] != "running" or not row[1]:
        return None
    return int(row[1].rpartition(":")[2])


def test_an_import_whose_worker_is_killed_ends_failed_as_interrupted(served_site):
    token = api_token(served_site, "demo-focal-ken")
    queued = upload(
        served_site,
        token,
        "indicator_10-c-1.csv",
        big_opensdg_file(),
        {"format": "opensdg", "area": "KEN", "dry_run": "true"},
    )
    deadline = time.monotonic() + 120
    while (pid := running_worker(served_site["var_dir"], queued["id"])) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid is not None, "the import never ran"
    os.kill(pid, signal.SIGKILL)  # serve starts another worker, which finds the batch orphaned
    batch = wait_for_batch(served_site, token, queued["id"], seconds=120)
    assert batch["status"] == "failed", batch
    assert batch["report"].get("interrupted") is True and "interrupted" in batch["report"]["error"]


def test_serve_restarts_a_dead_worker_and_leaves_none_when_killed(served_site):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gcmhub.cli", "serve", "--port", str(port), "--workers", "1"],
        env=served_site["env"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    site = {**served_site, "url": f"http://127.0.0.1:{port}"}
    survivors = []
    try:
        wait_until_up(f"{site['url']}/api/v1/principles", server)
        assert wait_for(lambda: len(task_workers_of(server.pid)) == 1, 30)
        first = task_workers_of(server.pid)[0]
        os.kill(first, signal.SIGKILL)
        assert wait_for(lambda: [pid for pid in task_workers_of(server.pid) if pid != first], 30), "not restarted"

        token = api_token(site, "demo-focal-ken")
        queued = upload(site, token, "indicator_10-c-1.csv", b"Year,Value\n2018,7.9\n",
                        {"format": "opensdg", "area": "KEN", "dry_run": "true"})  # fmt: skip
        assert wait_for_batch(site, token, queued["id"])["status"] == "validated"

        survivors = task_workers_of(server.pid)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        assert wait_for(lambda: not any(is_running(pid) for pid in survivors), 30), "the worker outlived serve"
    finally:
        if server.poll() is None:
            server.kill()
        for pid in survivors:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
