"""A real GCM Hub, built by `gcmhub demo --no-serve` and run by `gcmhub serve`.

These tests exercise the path a newcomer takes — build, then serve with
gunicorn and whitenoise — in a throwaway var/ folder with its own SQLite
database, independent of the suite's test database.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gcmhub_env(var_dir) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GCMHUB_") and key != "DJANGO_SETTINGS_MODULE"}
    env["GCMHUB_VAR_DIR"] = str(var_dir)
    return env


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gcmhub serve exited early with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gcmhub serve did not answer {url} within {seconds}s")


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("served-var")
    env = gcmhub_env(var_dir)
    build = subprocess.run(
        [sys.executable, "-m", "gcmhub.cli", "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=600
    )
    assert build.returncode == 0, build.stdout + build.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gcmhub.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base_url}/api/v1/principles", server)
        yield {"url": base_url, "var_dir": var_dir, "build_output": build.stdout, "env": env}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
