"""The site shell: language prefixes, home page, API plumbing, CLI dispatch."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from gcmhub import cli

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_home_is_served_under_each_language_prefix(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_bare_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert re.match(r"^/(en|fr|es)/$", response["Location"])


def test_home_figures_are_counted_from_the_database(client):
    from gcmhub.framework.models import Objective
    from gcmhub.geo.models import Area

    page = client.get("/en/").content.decode()
    assert f"<strong>{Objective.objects.count()}</strong> objectives" in page
    assert f"<strong>{Area.objects.filter(kind='country').count()}</strong> countries" in page


def test_home_is_translated(client):
    french = client.get("/fr/").content.decode()
    spanish = client.get("/es/").content.decode()
    assert "Commencer ici" in french
    assert "Empiece aquí" in spanish


def test_language_switcher_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/objectives/20/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/objectives/20/"


def test_pages_have_landmarks_and_skip_link(client):
    page = client.get("/en/").content.decode()
    for landmark in ('<header class="site-header">', '<main id="main"', "<footer", '<nav class="main-nav" aria-label='):
        assert landmark in page
    assert 'href="#main"' in page


def test_no_page_loads_anything_from_another_host(client):
    page = client.get("/en/").content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []


def test_demo_banner_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert "demo-banner" not in client.get("/en/").content.decode()
    settings.DEMO_MODE = True
    assert "demo-banner" in client.get("/en/").content.decode()


def test_openapi_schema_lists_the_foundation_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for expected in ("/api/v1/principles", "/api/v1/objectives", "/api/v1/objectives/{number}", "/api/v1/areas", "/api/v1/areas/{iso3}"):
        assert expected in paths


def test_api_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger" in page.lower()
    assert "cdn." not in page


def test_api_unknown_path_is_json_404(client):
    response = client.get("/api/v1/objectives/99")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_reverse_uses_the_active_language():
    with translation.override("es"):
        assert reverse("web:home") == "/es/"


def test_cli_rejects_unknown_command(capsys):
    assert cli.main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def test_cli_without_arguments_prints_usage_and_fails(capsys):
    assert cli.main([]) == 2
    assert "usage: gcmhub COMMAND" in capsys.readouterr().out


def test_cli_help_lists_the_commands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("init", "demo", "serve", "users", "manage"):
        assert f"  {word}" in out
