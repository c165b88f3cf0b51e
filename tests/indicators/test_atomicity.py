"""An import killed with SIGKILL half-way leaves the database as it was.

The child process builds its own database (a SQLite file, or a scratch
PostgreSQL database when the suite runs on PostgreSQL), commits a baseline,
starts a second import and is killed while that import reads its file, or
once it has written several chunks inside its write transaction.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(__file__).with_name("kill_import.py")


def run_and_kill(database_url: str, var_dir: Path, phase: str = "writing") -> int:
    child = subprocess.Popen(
        [sys.executable, str(SCRIPT), database_url, str(var_dir), phase],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    baseline = None
    try:
        for line in child.stdout:
            if line.startswith("BASELINE"):
                baseline = int(line.split()[1])
            if line.startswith("HALFWAY"):
                break
        else:
            pytest.fail(f"the import never got half-way: {child.stderr.read()}")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return baseline


@pytest.mark.parametrize("phase", ["reading", "writing"])
def test_sqlite_import_killed_half_way(tmp_path, phase):
    database = tmp_path / "killed.sqlite3"
    baseline = run_and_kill(f"sqlite:///{database}", tmp_path, phase)

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM indicators_observation").fetchone() == (baseline,)
        assert db.execute("SELECT DISTINCT value FROM indicators_observation").fetchall() == [(1.0,)]
        assert db.execute("SELECT count(*) FROM indicators_observationrevision").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM indicators_importbatch").fetchone() == (1,)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="the suite runs on SQLite"
)
@pytest.mark.parametrize("phase", ["reading", "writing"])
def test_postgresql_import_killed_half_way(tmp_path, phase):
    import psycopg

    server = settings.DATABASES["default"]
    params = {"host": server["HOST"], "port": server["PORT"] or 5432, "user": server["USER"]}
    if server.get("PASSWORD"):
        params["password"] = server["PASSWORD"]
    name = f"gcmhub_kill_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        password = f":{server['PASSWORD']}" if server.get("PASSWORD") else ""
        url = f"postgresql://{server['USER']}{password}@{params['host']}:{params['port']}/{name}"
        baseline = run_and_kill(url, tmp_path, phase)
        with psycopg.connect(dbname=name, **params) as db:
            assert db.execute("SELECT count(*) FROM indicators_observation").fetchone() == (baseline,)
            assert db.execute("SELECT DISTINCT value FROM indicators_observation").fetchall() == [(1.0,)]
            assert db.execute("SELECT count(*) FROM indicators_importbatch").fetchone() == (1,)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
