"""The embedded default under concurrent use (issue 7 §1): command-line
imports and uploads run while 20 clients read and write through the API of
a real `gcmhub serve` (gunicorn, SQLite in WAL mode, its task worker), and
no request gets a server error. Not timed: the figures are correctness only."""

import http.cookiejar
import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

from .test_background_imports import api_token, upload, wait_for_batch

CLIENTS = 20
SERIES = ("LOAD_TEST_A", "LOAD_TEST_B", "LOAD_TEST_C")
READS = ("/api/v1/me", "/api/v1/organizations?limit=5", "/api/v1/imports?limit=5", "/api/v1/indicators",
         "/api/v1/areas/KEN", "/api/v1/objectives")  # fmt: skip


def write_tidy_file(folder, countries=("PHL", "MAR", "SEN", "NPL", "GTM"), years=range(1960, 2025)):
    """A tidy CSV big enough to keep the importer busy a few seconds, and its mapping."""
    path = folder / "load.csv"
    with path.open("w") as fh:
        fh.write("Series,Country,Year,Sex,Value\n")
        for series in SERIES:
            for iso3 in countries:
                for year in years:
                    for sex in ("F", "M", "_T"):
                        fh.write(f"{series},{iso3},{year},{sex},{year % 97 + 0.5}\n")
    path.with_name("load.mapping.yml").write_text(
        "series: Series\nindicator: 17.3.2\narea: Country\narea_scheme: iso3\nperiod: Year\nvalue: Value\n"
        "dimensions:\n  SEX: Sex\n"
    )
    return path


class Client(threading.Thread):
    """Reads and writes through the API until told to stop; records every status."""

    def __init__(self, number, base_url, token, stop):
        super().__init__(daemon=True)
        self.number, self.base_url, self.token, self.stop = number, base_url, token, stop
        self.statuses: list[tuple[str, int]] = []
        self.errors: list[str] = []

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            if status >= 500:
                self.errors.append(f"{method} {path}: {status} {error.read()[:300]!r}")
        except OSError as error:  # a dropped connection is a failure too
            status = 0
            self.errors.append(f"{method} {path}: {error}")
        self.statuses.append((f"{method} {path}", status))

    def run(self):
        step = 0
        while not self.stop.is_set():
            self.request("GET", READS[(self.number + step) % len(READS)])
            if step % 3 == 0:
                organization = {"name": f"Load test {self.number}-{step}", "kind": "civil-society", "area": "KEN"}
                self.request("POST", "/api/v1/organizations", organization)
            step += 1


class WebUser(threading.Thread):
    """Signs in through the login form (a write: session, last login, access
    log), looks at the upload page and uploads through the web form, again
    and again until told to stop."""

    PASSWORD = "marrakech-kenya-2018"  # the demo focal point's, shown on the demo's login page

    def __init__(self, base_url, stop):
        super().__init__(daemon=True)
        self.base_url, self.stop = base_url, stop
        self.statuses: list[int] = []
        self.errors: list[str] = []
        self.uploads: list[str] = []

    def open(self, opener, path, data=None, headers=None):
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            with opener.open(request, timeout=120) as response:
                self.statuses.append(response.status)
                return response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            self.statuses.append(error.code)
            if error.code >= 500:
                self.errors.append(f"{path}: {error.code} {error.read()[:300]!r}")
            return path, ""

    @staticmethod
    def csrf(html):
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else ""

    def run(self):
        while not self.stop.is_set():
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            _url, page = self.open(opener, "/en/login/")
            form = {"username": "demo-focal-ken", "password": self.PASSWORD, "csrfmiddlewaretoken": self.csrf(page)}
            self.open(opener, "/en/login/", urllib.parse.urlencode(form).encode(), {"Referer": self.base_url})
            _url, page = self.open(opener, "/en/indicators/upload/")
            if not self.uploads and page:
                self.upload(opener, self.csrf(page))

    def upload(self, opener, token):
        boundary = "gcmhub-concurrency-boundary"
        fields = {"csrfmiddlewaretoken": token, "format": "opensdg", "area": "KEN", "source": "web form"}
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        )
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="indicator_10-c-1.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\nYear,Value\n2019,7.7\n\r\n--{boundary}--\r\n"
        ).encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base_url}
        url, _page = self.open(opener, "/en/indicators/upload/", body, headers)
        self.uploads.append(url)


def run_cli(served_site, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "gcmhub.cli", "import", *args, "--no-progress"],
        env=served_site["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def test_imports_and_twenty_api_clients_at_once_get_no_server_error(served_site, tmp_path):
    token = api_token(served_site, "demo-focal-ken")
    data = write_tidy_file(tmp_path)
    stop = threading.Event()
    clients = [Client(number, served_site["url"], token, stop) for number in range(CLIENTS)]
    web_user = WebUser(served_site["url"], stop)
    for client in [*clients, web_user]:
        client.start()
    try:
        dry_run = run_cli(served_site, "tidy", str(data), "--dry-run")
        uploads = [
            upload(
                served_site,
                token,
                "indicator_10-c-1.csv",
                f"Year,Value\n2016,{n}.1\n2021,7.2\n".encode(),
                {"format": "opensdg", "area": "KEN", "source": f"concurrency test {n}"},
            )  # fmt: skip
            for n in range(3)
        ]
        real = run_cli(served_site, "tidy", str(data), "--source", "concurrency test")
        outputs = [process.communicate(timeout=300)[0] for process in (dry_run, real)]
        assert dry_run.returncode == 0, outputs[0]
        assert real.returncode == 0, outputs[1]
        uploads.append(
            upload(
                served_site,
                token,
                "indicator_10-c-1.csv",
                b"Year,Value\n2017,8.0\n",
                {"format": "opensdg", "area": "KEN", "dry_run": "true"},
            )  # fmt: skip
        )
        batches = [wait_for_batch(served_site, token, queued["id"], seconds=180) for queued in uploads]
    finally:
        stop.set()
        for client in [*clients, web_user]:
            client.join(timeout=180)
    errors = [error for client in [*clients, web_user] for error in client.errors]
    statuses = [status for client in clients for _what, status in client.statuses]
    assert errors == [], errors[:10]
    assert len(statuses) >= CLIENTS * 2 and all(200 <= status < 500 for status in statuses)
    assert {status for status in statuses if status >= 400} <= {409, 422}  # refusals, never failures
    assert [batch["status"] for batch in batches] == ["succeeded"] * 3 + ["validated"]
    # The web user signed in, saw the upload page and its upload was queued (the page of its import).
    assert web_user.statuses.count(200) >= 3 and all(status < 500 for status in web_user.statuses)
    assert web_user.uploads and re.search(r"/en/indicators/imports/\d+/$", web_user.uploads[0]), web_user.uploads
