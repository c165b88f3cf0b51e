"""What the API refuses, and how: each probe of issue 7 §3, through the
whole Django stack (middleware, URL routing, error handlers), answering
JSON ``{detail, field?, errors?}`` with a 4xx status, never a 500 or HTML."""

import json

import pytest

from gcmhub.actors import services
from gcmhub.actors.models import Organization, User
from gcmhub.actors.services import issue_token
from gcmhub.errors import InvalidInput
from gcmhub.geo.models import Area
from gcmhub.text import LONG_TEXT_MAX

pytestmark = pytest.mark.django_db

TOO_BIG_FOR_SQL = 2**63  # one past the largest 64-bit integer


@pytest.fixture
def kenya():
    return Area.objects.get(iso3="KEN")


@pytest.fixture
def admin():
    return User.objects.create_user("admin", password="a long test password", role=User.Role.ADMIN)


@pytest.fixture
def auth(admin):
    _token, key = issue_token(None, admin, "tests")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def organization(kenya):
    return Organization.objects.create(name="Kenya Ministry of Labour", kind="ministry-agency", area=kenya)


def post_json(client, url, body, auth, method="post"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json", headers=auth)


def assert_json_error(response, status, field=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    if field is not None:
        assert body["field"] == field, body
    return body


# --- numbers the database cannot hold ----------------------------------------------------


@pytest.mark.parametrize("parameter", ["limit", "offset"])
def test_huge_page_bounds_are_refused_not_crashed(client, parameter):
    response = client.get(f"/api/v1/organizations?{parameter}={TOO_BIG_FOR_SQL}")
    assert_json_error(response, 422, field=parameter)


def test_huge_ids_are_refused(client, auth):
    assert_json_error(client.get(f"/api/v1/organizations/{TOO_BIG_FOR_SQL}"), 422, field="organization_id")
    response = post_json(client, "/api/v1/organizations", {"name": "X", "kind": "academia", "parent": TOO_BIG_FOR_SQL}, auth)
    assert_json_error(response, 422, field="parent")


# --- text that cannot be stored -------------------------------------------------------


def test_a_lone_surrogate_in_a_json_string_is_refused(client, auth):
    body = '{"name": "\\ud800", "kind": "academia"}'
    response = post_json(client, "/api/v1/organizations", body, auth)
    assert_json_error(response, 422, field="name")
    assert b"ud800" not in response.content  # not echoed back
    assert not Organization.objects.exists()


def test_nul_characters_are_refused_by_the_api(client, auth, organization):
    response = post_json(client, "/api/v1/organizations", {"name": "Nairobi\x00", "kind": "academia"}, auth)
    assert_json_error(response, 422, field="name")
    patch = {"version": organization.version, "description": "before\x00after"}
    response = post_json(client, f"/api/v1/organizations/{organization.pk}", patch, auth, method="patch")
    assert_json_error(response, 422, field="description")
    organization.refresh_from_db()
    assert organization.description == ""


def test_the_services_apply_the_same_text_rules(kenya):
    """The command line and the web forms go through the services, whose
    model validation holds the rule (gcmhub.text.validate_text)."""
    with pytest.raises(InvalidInput) as refused:
        services.create_organization(None, {"name": "A\x00B", "kind": "academia", "area": "KEN"})
    assert refused.value.field == "name"


def test_descriptions_have_a_maximum_length(client, auth, organization):
    patch = {"version": organization.version, "description": "x" * (LONG_TEXT_MAX + 1)}
    response = post_json(client, f"/api/v1/organizations/{organization.pk}", patch, auth, method="patch")
    assert_json_error(response, 422, field="description")
    assert organization.history.count() == 1
    with pytest.raises(InvalidInput) as refused:
        services.update_organization(None, organization, {"description": "x" * (LONG_TEXT_MAX + 1)}, organization.version)
    assert refused.value.field == "description"


def test_the_web_form_keeps_descriptions_within_the_limit(client, admin, organization):
    client.force_login(admin)
    response = client.post(
        f"/en/organizations/{organization.pk}/edit/",
        {"name": organization.name, "kind": organization.kind, "area": "KEN", "version": organization.version,
         "description": "x" * (LONG_TEXT_MAX + 1)},
    )  # fmt: skip
    assert response.status_code == 422 or response.status_code == 200
    assert f'maxlength="{LONG_TEXT_MAX}"' in response.content.decode()
    organization.refresh_from_db()
    assert organization.description == ""


# --- unknown fields ----------------------------------------------------------------------------


def test_unknown_fields_in_a_body_are_refused_and_named(client, auth, organization, kenya):
    focal = User.objects.create_user("focal", password="a long test password", role=User.Role.FOCAL_POINT, area=kenya)
    response = post_json(client, f"/api/v1/users/{focal.pk}", {"version": focal.version, "is_superuser": True}, auth, "patch")
    body = assert_json_error(response, 422, field="is_superuser")
    assert "is_superuser" in body["detail"]
    focal.refresh_from_db()
    assert not focal.is_superuser

    response = post_json(client, "/api/v1/organizations", {"name": "X", "kind": "academia", "is_published": True}, auth)
    assert_json_error(response, 422, field="is_published")
    assert not Organization.objects.filter(name="X").exists()


def test_booleans_and_numbers_must_have_their_json_type(client, auth, organization):
    response = post_json(client, f"/api/v1/organizations/{organization.pk}/publication",
                         {"version": organization.version, "published": 0}, auth)  # fmt: skip
    assert_json_error(response, 422, field="published")
    organization.refresh_from_db()
    assert not organization.is_published


# --- bodies and uploads that cannot be read ------------------------------------------------------


def test_an_oversized_body_gets_413_in_json(client, auth, settings):
    body = json.dumps({"name": "Big", "kind": "academia", "description": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    assert_json_error(post_json(client, "/api/v1/organizations", body, auth), 413)


def test_a_malformed_json_body_gets_400_in_json(client, auth):
    assert_json_error(post_json(client, "/api/v1/organizations", "{not json", auth), 400)


def _multipart(file_name: str) -> bytes:
    return (
        '--BOUNDARY\r\nContent-Disposition: form-data; name="format"\r\n\r\ntidy\r\n'
        f'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: text/csv\r\n\r\nCountry,Year,Value\r\nKenya,2019,1\r\n--BOUNDARY--\r\n"
    ).encode()


def test_a_very_long_file_name_gets_a_json_error(client, auth, settings, tmp_path):
    """Django refuses the part's oversized header; the API says so in JSON.
    (Shorter names are cut to 255 characters and stripped of control
    characters by Django itself.)"""
    settings.MEDIA_ROOT = tmp_path
    response = client.post(
        "/api/v1/imports",
        data=_multipart("a" * 5000 + ".csv"),
        content_type="multipart/form-data; boundary=BOUNDARY",
        headers=auth,
    )
    assert_json_error(response, 400)


# --- paths ---------------------------------------------------------------------------------------------


def test_the_api_root_is_an_index(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    index = response.json()
    assert index["title"] == "GCM Hub API" and index["version"] == "1"
    assert index["links"]["openapi"] == "/api/v1/openapi.json"
    assert index["links"]["docs"] == "/api/v1/docs"
    for url in [index["links"]["openapi"], *index["links"]["collections"].values()]:
        assert client.get(url).status_code == 200, url


def test_unknown_api_paths_answer_json(client):
    assert_json_error(client.get("/api/v1/no-such-thing"), 404)


def test_a_server_error_is_answered_in_json_and_logged(monkeypatch, caplog):
    from django.test import Client

    from gcmhub.framework import services as framework_services

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(framework_services, "list_principles", broken)
    response = Client(raise_request_exception=False).get("/api/v1/principles")
    assert_json_error(response, 500)
    assert "a bug" not in response.content.decode()
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas/KE%00N",
        "/api/v1/areas?q=Ken%00ya",
        "/api/v1/areas/resolve?name=Ken%00ya",
        "/api/v1/sdg-indicators/10.7%002",
        "/api/v1/series/SI%00RMT/observations",
        "/api/v1/series/SI_RMT_COST/observations?SEX=F%00",
        "/api/v1/progress?dimension=SEX%00",
        "/api/v1/scorecards/KE%00N",
    ],
)
def test_nul_characters_in_paths_and_queries_are_refused(client, url):
    """PostgreSQL refuses NUL in any text it is sent, a filter too."""
    assert_json_error(client.get(url), 422)
