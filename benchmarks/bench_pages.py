"""Benchmark: pages and API reads under concurrent load, against the static-file floor.

    .venv/bin/python benchmarks/bench_pages.py [--clients 20] [--seconds 15]
        [--var-dir DIR] [--workers 2] [--phases uncached,cold,warm]

Builds a demo site (`gcmhub demo --no-serve`) in a temporary folder, or uses
``--var-dir`` if it already holds one, starts ``gcmhub serve`` on a free
loopback port and, for each URL in turn, runs ``--clients`` threads that
request it in a loop for ``--seconds`` (each thread stops at the deadline or
after ``--max-requests``). It prints requests/s, p50 and p95 per URL and the
ratio of each p95 to the p95 of a 7 KB static file served by whitenoise in
the same run (the floor: no Django view at all).

Phases (each with its own server process):

- ``uncached``: the page cache switched off (``GCMHUB_PAGE_CACHE=0``), so
  every request renders its page: the cost of rendering under load.
- ``cold``: the default settings with an empty cache and no warm-up: the
  first requests of each URL render it (as after an import bumped the data
  version) and the rest are served from the cache.
- ``warm``: the default settings, after one warm-up request per URL.

Targets (issue 7): cached pages within 3x the static floor at p95, the
scorecard within 10x on a cold cache. This script measures; it asserts
nothing. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

STATIC_URL = "/static/web/gcmhub.css"
URLS = [
    STATIC_URL,
    "/en/",
    "/en/countries/KEN/",
    "/api/v1/objectives",
    "/en/indicators/10.c.1/",
    "/en/countries/KEN/progress/",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(var_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCMHUB_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(GCMHUB_VAR_DIR=str(var_dir), **extra)
    return env


def build_demo(var_dir: Path) -> None:
    if (var_dir / "gcmhub.sqlite3").exists():
        return
    print(f"building the demo site in {var_dir} ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "gcmhub.cli", "demo", "--no-serve"],
        env=site_env(var_dir, {}),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """``gcmhub serve`` on a free loopback port, stopped on exit."""

    def __init__(self, var_dir: Path, workers: int, extra_env: dict[str, str]):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gcmhub.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers), "--no-task-worker"],
            env=site_env(var_dir, extra_env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gcmhub serve exited with {self.process.returncode}")
            try:
                get(self.port, "/api/v1/principles", timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gcmhub serve did not start within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def load(port: int, path: str, clients: int, seconds: float, max_requests: int) -> dict:
    """``clients`` threads requesting ``path`` until the deadline."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        for _ in range(max_requests):
            if time.monotonic() >= deadline:
                return
            t0 = time.perf_counter()
            try:
                status, _ = get(port, path)
            except OSError:
                status = 0
            latencies[k].append(time.perf_counter() - t0)
            if status != 200:
                failures[k] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    times = sorted(x for per_client in latencies for x in per_client)
    return {
        "path": path,
        "requests": len(times),
        "failures": sum(failures),
        "throughput": len(times) / elapsed,
        "p50": statistics.median(times) * 1000 if times else float("nan"),
        "p95": times[int(0.95 * (len(times) - 1))] * 1000 if times else float("nan"),
    }


def run_phase(name: str, var_dir: Path, args, extra_env: dict[str, str], warm_up: bool) -> None:
    shutil.rmtree(var_dir / "cache", ignore_errors=True)  # the file cache of the embedded default
    with Server(var_dir, args.workers, extra_env) as server:
        if warm_up:
            for path in URLS:
                status, _body = get(server.port, path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
        rows = [load(server.port, path, args.clients, args.seconds, args.max_requests) for path in URLS]
    floor = rows[0]["p95"]
    print(f"\n{name}: {args.clients} clients, {args.seconds:g} s per URL, {args.workers} gunicorn workers")
    print(f"{'URL':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p95/floor':>10} {'errors':>7}")
    for row in rows:
        print(
            f"{row['path']:34} {row['throughput']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} "
            f"{row['p95'] / floor:9.1f}x {row['failures']:7d}"
        )


PHASES = {  # name: (environment, warm-up)
    "uncached": ({"GCMHUB_PAGE_CACHE": "0"}, True),
    "cold": ({}, False),
    "warm": ({}, True),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client and URL")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--var-dir", type=Path, help="a demo site's var/ folder (built if empty)")
    parser.add_argument("--phases", default="uncached,cold,warm", help="comma-separated: uncached, cold, warm")
    args = parser.parse_args(argv)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="gcmhub-bench-pages-") as tmp:
        var_dir = (args.var_dir or Path(tmp) / "var").resolve()
        build_demo(var_dir)
        print(f"{os.cpu_count()} CPU(s); demo site in {var_dir}")
        for name in phases:
            run_phase(name, var_dir, args, *PHASES[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
