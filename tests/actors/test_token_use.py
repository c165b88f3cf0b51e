"""A token's last use is recorded off the request's path: at most once a
minute, after the response, and never at the cost of the request (issue 7 §1:
token-authenticated reads answered 500 "database is locked" while an import
held SQLite's write lock)."""

from datetime import timedelta
from unittest import mock

from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gcmhub.actors import services, token_use


def test_a_locked_database_does_not_fail_a_token_authenticated_read(client, people):
    _token, key = services.issue_token(None, people.focal_ken, "script")
    locked = OperationalError("database is locked")
    with mock.patch.object(QuerySet, "update", side_effect=locked):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "focal-ken"


def test_the_use_is_written_after_the_response_once_a_minute(client, people):
    token, key = services.issue_token(None, people.focal_ken, "script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/me", **headers).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/v1/me", **headers).status_code == 200
    queries = [query["sql"] for query in (*first, *second)]
    updates = [sql for sql in queries if sql.startswith("UPDATE") and "last_used_at" in sql]
    assert len(updates) == 1


def test_a_use_is_not_written_while_the_stored_one_is_under_a_minute_old(people):
    token, _key = services.issue_token(None, people.focal_ken, "script")
    token.last_used_at = timezone.now() - timedelta(seconds=30)
    token.save()
    with CaptureQueriesContext(connection) as queries:
        token_use.note(token)
    assert not [query for query in queries if "last_used_at" in query["sql"]]


def test_a_failed_write_is_reported_not_raised(people):
    token, _key = services.issue_token(None, people.focal_ken, "script")
    with mock.patch.object(QuerySet, "update", side_effect=OperationalError("database is locked")):
        assert token_use.write(token.pk, timezone.now()) is False
    assert token_use.write(token.pk, timezone.now()) is True
