"""Hostile input to every page of the web interface: never a server error.

Every URL pattern under the language prefix (taken from the URL conf, not
listed by hand; the API is left to tests/api/test_contract.py) is asked
once normally, as an anonymous visitor and as an administrator, while the
query and form parameters the view reads are recorded. Then each parameter
it read gets hostile values: NUL bytes, lone surrogates and odd Unicode,
100 000 characters, huge, negative and non-finite numbers; and each GET page
gets malformed query strings. The answer must be a normal page or a clear
4xx — never a 5xx, never an exception.

All parameters of a request get the same value at once, which keeps the
sweep to a few thousand requests (about a minute and a half on two busy
cores); a failure names the method, the path and the value.
"""

from __future__ import annotations

import datetime
import re
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

pytestmark = pytest.mark.django_db

# Values every parameter a view reads is given, as they travel (percent-encoded):
# the key says what each one is, for the failure message.
HOSTILE = {
    "NUL": quote("a\x00b"),
    "lone surrogate and odd Unicode": "%ED%A0%80" + quote("\u202e\u200b\ufeff\U0001f469\u200d\U0001f467e\u0301\uffff"),
    "100k characters": "x" * 100_000,
    "huge integer": "9" * 400,
    "100k digits": "7" * 100_000,
    "beyond int64": "99999999999999999999",
    "beyond int32": "9999999999",
    "negative": "-1",
    "very negative": "-99999999999",
    "float overflow": "1e999",
    "not a number": "nan",
    "minus infinity": "-inf",
}
# Query strings no form writes.
MALFORMED = ["%", "=&&=%zz;;%%&a", "%00=%00", "page=1&page=x&page=", "year=2019-2020&year[]=1"]
# Path converters → a value that names the fixture's record (see ``records``).
NUMBERED = {"number": "7", "milestone_id": "1", "candidate_id": "1", "scorecard_id": "1", "run_id": "1"}
WORDS = {
    "code": "10.c.1", "key": "KEN", "iso3": "KEN", "origin": "MEX", "destination": "USA", "fmt": "csv",
    "kind": "svg", "name": "map", "situation": "unaccompanied_child", "stage": "transit",
    "section_key": "summary", "uid": "00000000-0000-0000-0000-000000000000",
    "other": "00000000-0000-0000-0000-000000000001",
}  # fmt: skip
# Views that end the session (it would sign the administrator out; it reads no parameter).
ENDS_SESSION = {"actors:logout"}


def web_patterns() -> list[tuple[str, list]]:
    """``(URL name, the patterns leading to it)`` of every page under /en/
    (the language prefix is the same view for fr and es)."""
    found = []

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + [entry.pattern], inner)
            elif isinstance(entry, URLPattern) and prefix and str(prefix[0]).startswith("en/"):
                found.append((f"{namespace}{entry.name}", prefix + [entry.pattern]))

    walk(get_resolver(), [], "")
    return found


def build_path(name: str, patterns: list, ids: dict[str, int]) -> str:
    """The path of a pattern with its parameters filled in with the fixture's records."""
    kwargs = {}
    for pattern in patterns:
        for group in [*re.findall(r"\(\?P<(\w+)>", pattern.regex.pattern), *getattr(pattern, "converters", {})]:
            kwargs[group] = _value_for(name, group, ids)
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _value_for(name: str, group: str, ids: dict[str, int]) -> str:
    app = name.split(":")[0]
    if group == "name" and app == "explorer":
        return "profile" if name.endswith("embed") else "rank"
    if group == "kind" and name.startswith("reports:"):
        return "national"
    if group in ("pk", "review_id", "update_pk"):
        return str(ids.get(f"{name}:{group}", ids.get(f"{app}:{group}", ids.get(group, 1))))
    return NUMBERED.get(group) or WORDS.get(group, "1")


# --- recording which parameters a view reads -------------------------------------------------

_READ: list[str] | None = None


@contextmanager
def recording():
    """Names a view looks up in request.GET / request.POST (forms included,
    since widgets read their data with ``get``/``getlist``). QueryDict's
    methods are MultiValueDict's; only a QueryDict's lookups count (the URL
    resolver's reverse table is a MultiValueDict too)."""
    global _READ
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def recorder(method):
        def recorded(self, key, *args, **kwargs):
            if _READ is not None and isinstance(self, QueryDict) and isinstance(key, str):
                _READ.append(key)
            return method(self, key, *args, **kwargs)

        return recorded

    _READ = []
    for name, method in originals.items():
        setattr(MultiValueDict, name, recorder(method))
    try:
        yield _READ
    finally:
        for name, method in originals.items():
            setattr(MultiValueDict, name, method)
        _READ = None


IGNORED = {"csrfmiddlewaretoken", "_probe", "HTTP_HX_REQUEST", "next"}


def parameters_read(client, method: str, path: str) -> list[str]:
    """The parameters the view reads when asked with one harmless parameter
    (so that forms bound to the query or the body read all their fields)."""
    with recording() as read:
        problem = _ask(client, method, path, "_probe=1", {"_probe": "1"})
    assert problem is None, f"{method} {path} fails even with harmless input: {problem}"
    return sorted({name for name in read if name not in IGNORED and not name.startswith(("HTTP_", "wsgi", "_"))})


# --- the records the paths name ---------------------------------------------------------------


@pytest.fixture
def records(settings, tmp_path):
    """A commitment with an update, a review, a service and a pathway in
    Kenya, indicator data, an organisation and a second account: {kind: id}."""
    from gcmhub.actors.models import Organization, User
    from gcmhub.commitments import services as commitment_services
    from gcmhub.commitments.inputs import CommitmentInput
    from gcmhub.framework.models import Objective
    from gcmhub.indicators.loader import load
    from gcmhub.progress.services import recompute
    from gcmhub.protection import pathways
    from gcmhub.protection import services as protection_services
    from gcmhub.reviews import services as review_services
    from tests.actors.conftest import country, make_user
    from tests.indicators.web.conftest import sample_records
    from tests.protection.conftest import service_input, situation
    from tests.reviews.conftest import review_data

    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"
    load(sample_records(), format="tidy", file_name="sample.csv", sha256="0" * 64, source="Test Statistics Office")
    recompute()
    kenya = country("KEN")
    ministry = Organization.objects.create(name="Example ministry (invented)", area=kenya, is_published=True,
                                           kind=Organization.Kind.GOVERNMENT, is_demo=True)  # fmt: skip
    admin = make_user("hostile-admin", User.Role.ADMIN)
    other = make_user("hostile-contributor", User.Role.CONTRIBUTOR, organization=ministry)
    focal_point = make_user("hostile-focal", User.Role.FOCAL_POINT, area=kenya)
    commitment = commitment_services.create_commitment(None, CommitmentInput(
        kind="national_action", title="Legal aid desks (invented)", area=kenya, owner=ministry,
        description="Desks at border posts.", objectives=[Objective.objects.get(number=7)], is_demo=True,
        metric="border posts with a desk", metric_baseline=2, metric_target=10, due_date=datetime.date(2028, 12, 31),
    ))  # fmt: skip
    commitment_services.submit_commitment(None, commitment, commitment.version)
    commitment_services.approve_commitment(None, commitment, commitment.version)
    update = commitment_services.post_update(
        None, commitment, reported_on=datetime.date(2025, 6, 1), status="in_progress", completion="limited",
        narrative="Four desks opened.", links=[], is_demo=True,
    )  # fmt: skip
    review = review_services.create_review(admin, review_data(kenya, status="published", is_demo=True))
    service = protection_services.create_service(None, service_input(kenya, ministry))
    protection_services.publish_service(None, service, service.version)
    pathway = pathways.create_pathway(
        focal_point, area=kenya, situation=situation("unaccompanied_child"),
        data=pathways.PathwayInput(title="Child alone (invented)", steps=[
            pathways.StepInput("first_contact", "Call the helpline.", [service.pk])]),
    )  # fmt: skip
    return {
        "admin": admin,
        "commitments:pk": commitment.pk, "update_pk": update.pk, "reviews:pk": review.pk,
        "scorecards:pk": review.pk, "review_id": review.pk, "protection:pk": pathway.pk,
        "protection:service:pk": service.pk, "actors:pk": ministry.pk,
        "actors:user-edit:pk": other.pk, "actors:user-active:pk": other.pk,
    }  # fmt: skip


# --- the sweep -------------------------------------------------------------------------------------


def _ask(client, method: str, path: str, query: str, data: dict | None) -> str | None:
    """A problem, or None when the answer is a page or a 4xx."""
    try:
        if method == "GET":
            response = client.get(f"{path}?{query}")
        else:
            response = client.post(path, data or {})
    except Exception as error:  # noqa: BLE001 - the failure is the finding
        return f"{type(error).__name__}: {str(error)[:200]}"
    if response.status_code >= 500:
        return f"status {response.status_code}"
    return None


def _sweep(client, method: str, records: dict) -> list[str]:
    problems = []
    for name, route in web_patterns():
        if name in ENDS_SESSION:
            continue
        path = build_path(name, route, records)
        names = parameters_read(client, method, path)
        if not names:
            continue  # a page that reads no parameter (or not for this visitor)
        for what, value in HOSTILE.items():
            query = "&".join(f"{quote(key)}={value}" for key in names)
            data = {key: _decoded(value) for key in names}
            if (problem := _ask(client, method, path, query, data)) is not None:
                problems.append(f"{method} {path} ({name}) with {what} in {names}: {problem}")
        if method == "GET":
            for query in MALFORMED:
                if (problem := _ask(client, method, path, query, None)) is not None:
                    problems.append(f"GET {path}?{query} ({name}): {problem}")
    return problems


def _decoded(value: str) -> str:
    """The value as a form posts it (a lone surrogate cannot be encoded: U+FFFD, as a browser sends)."""
    from urllib.parse import unquote

    return unquote(value, errors="replace")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("visitor", ["anonymous", "administrator"])
def test_hostile_input_never_causes_a_server_error(records, method, visitor):
    client = Client()
    if visitor == "administrator":
        client.force_login(records["admin"])
    problems = _sweep(client, method, records)
    assert problems == [], f"{len(problems)} server errors:\n" + "\n".join(problems)


def test_the_sweep_reaches_the_pages_and_forms_that_take_parameters(records):
    """The sweep is only as good as its list: it finds every page, and the
    search, filter and paging parameters and the fields of the forms."""
    client = Client()
    client.force_login(records["admin"])
    patterns = dict(web_patterns())
    assert len(patterns) > 100 and {"web:search", "protection:directory", "reviews:edit"} <= set(patterns)

    def read(method, name):
        return set(parameters_read(client, method, build_path(name, patterns[name], records)))

    assert "q" in read("GET", "web:search")
    assert "page" in read("GET", "commitments:list")
    assert "year" in read("GET", "explorer:incidents")
    assert "title" in read("POST", "commitments:create")
    assert "name" in read("POST", "actors:organization-edit")


def test_a_refused_parameter_gets_a_plain_400_in_the_page_language(client):
    response = client.get("/fr/search/?q=a%00b")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "Le paramètre « q » a été refusé : Le texte ne doit pas contenir le caractère NUL."
    response = client.post("/en/login/", {"username": "x", "page": "-" + "9" * 30})
    assert response.status_code == 400
    assert "“page” was refused: -9999999999999999999… is too large a number." in response.content.decode()
    assert client.get("/en/search/?q=" + "7" * 100_000).status_code == 400  # more digits than int() takes
    # The largest 64-bit integer is a number like any other; the API answers for itself, in JSON.
    assert client.get(f"/en/search/?q={2**63 - 1}").status_code == 200
    assert client.get(f"/en/search/?q=-000{2**63 - 1}").status_code == 200
    assert client.get("/api/v1/areas/?q=a%00b")["Content-Type"].startswith("application/json")
