"""Schemathesis over every operation of the API, as an anonymous caller and
as an administrator: no server error, no response outside the documented
schema (status, content type, body, headers), no unenforced auth.

The run is in-process (WSGI), single-threaded, with a fixed seed and a
bounded number of examples per operation, so it is repeatable and takes
well under a minute per caller. Requests run inside the test's transaction
(the worker thread borrows its connection, as Django's live server does),
each in a savepoint, so nothing outlives the test on SQLite or PostgreSQL.
"""

import logging

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, connections, transaction
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from gcmhub.actors.models import Organization, User
from gcmhub.actors.services import issue_token
from gcmhub.geo.models import Area

pytestmark = pytest.mark.django_db

SEED = 20261203
EXAMPLES_PER_OPERATION = 8
CONFIG = {
    "seed": SEED,
    "workers": 1,
    "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "database": "none"},
    # Links between operations are not declared; each operation is tested on its own.
    "phases": {"stateful": {"enabled": False}},
    # Schema-valid data may still name a country or series that does not
    # exist, which the API answers 422 by design (docs/api.md).
    "checks": {"positive_data_acceptance": {"enabled": False}},
}


def in_test_transaction(django_app):
    """The WSGI app, run on the test's own connection, one savepoint per request."""
    connection = connections["default"]

    def app(environ, start_response):
        connection.inc_thread_sharing()
        connections["default"] = connection
        try:
            with transaction.atomic():
                status = {}

                def remember(code, headers, *args):
                    status["code"] = int(code.split()[0])
                    return start_response(code, headers, *args)

                body = list(django_app(environ, remember))
                if status.get("code", 500) >= 500:
                    transaction.set_rollback(True)
                return body
        finally:
            connection.dec_thread_sharing()

    return app


@pytest.fixture
def wsgi_app():
    """Django's WSGI app; its request signals must not close the test's connection."""
    from django.core.wsgi import get_wsgi_application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    logging.disable(logging.WARNING)  # 4xx answers are expected by the thousand
    yield in_test_transaction(get_wsgi_application())
    logging.disable(logging.NOTSET)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def in_process_probes(monkeypatch):
    """Schemathesis 4.32 hands socket options (max_redirects …) to its WSGI
    client when it re-sends a request without credentials, and werkzeug
    refuses them; they mean nothing in-process, so drop them."""
    from schemathesis.transport.wsgi import WSGITransport

    send = WSGITransport.send

    def send_without_socket_options(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send_without_socket_options)


@pytest.fixture
def records(settings, tmp_path):
    """A little of everything the operations read, so they answer 200 too."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kenya = Area.objects.get(iso3="KEN")
    Organization.objects.create(name="Kenya Ministry of Labour", kind="ministry-agency", area=kenya, is_published=True)
    Organization.objects.create(name="Draft collective", kind="civil-society", area=kenya)
    admin = User.objects.create_user("admin", password="a long test password", role=User.Role.ADMIN)
    User.objects.create_user("focal-ken", password="a long test password", role=User.Role.FOCAL_POINT, area=kenya)
    _token, key = issue_token(None, admin, "contract tests")
    from gcmhub.reviews.services import create_review

    create_review(None, {"area": kenya, "kind": "national", "title": "Kenya review", "status": "published"})
    return {"Authorization": f"Bearer {key}"}


def failures_of(app, headers=None) -> list[str]:
    config = SchemathesisConfig.from_dict({**CONFIG, **({"headers": headers} if headers else {})})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    found = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        key = (event.recorder.label, check.name, failure.title)
                        found.setdefault(key, f"{' | '.join(key)}\n  {failure.message[:500]}\n  {check.failure_info.code_sample}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            found.setdefault(repr(event), f"error: {getattr(event, 'value', None) or getattr(event, 'exception', None)!r}")
    return list(found.values())


def test_anonymous_callers_get_documented_answers(wsgi_app, records):
    problems = failures_of(wsgi_app)
    assert not problems, "\n\n".join(problems)


def test_administrators_get_documented_answers(wsgi_app, records):
    problems = failures_of(wsgi_app, headers=records)
    assert not problems, "\n\n".join(problems)
