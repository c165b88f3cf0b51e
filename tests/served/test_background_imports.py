"""Uploads go through the task queue: `gcmhub serve` must run a worker that
processes them, with no one calling the task inline."""

import json
import subprocess
import sys
import time
import urllib.request
import uuid


def api_token(served_site, username: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gcmhub.cli", "users", "token", username],
        env=served_site["env"], capture_output=True, text=True, timeout=120, check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def upload(served_site, token: str, file_name: str, content: bytes, fields: dict) -> dict:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{served_site['url']}/api/v1/imports",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        return json.load(response)


def wait_for_batch(served_site, token: str, batch_id: int, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{served_site['url']}/api/v1/imports/{batch_id}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            batch = json.load(response)
        if batch["status"] not in {"queued", "running"}:
            return batch
        time.sleep(0.5)
    raise AssertionError(f"import {batch_id} was still {batch['status']} after {seconds}s")


def test_uploaded_import_is_processed_by_the_servers_task_worker(served_site):
    token = api_token(served_site, "demo-focal-ken")
    queued = upload(
        served_site, token, "indicator_10-c-1.csv", b"Year,Value\n2016,8.1\n2021,7.2\n",
        {"format": "opensdg", "area": "KEN", "source": "served-site test"},
    )
    batch = wait_for_batch(served_site, token, queued["id"])
    assert batch["status"] == "succeeded", batch
    assert batch["rows_written"] == 2


def test_a_bad_upload_fails_in_the_background_with_a_located_reason(served_site):
    token = api_token(served_site, "demo-focal-ken")
    queued = upload(
        served_site, token, "indicator_10-c-1.csv", b"Year,Value\n2016,8.1\n2021,lots\n",
        {"format": "opensdg", "area": "KEN"},
    )
    batch = wait_for_batch(served_site, token, queued["id"])
    assert batch["status"] == "failed"
    assert batch["rows_written"] == 0
    report = json.dumps(batch["report"])
    assert "line 3" in report or '"line": 3' in report
