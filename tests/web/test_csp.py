"""Content-Security-Policy (issue 7 §4): every page sends it, and no page
needs what it forbids — inline scripts, on* handlers, javascript: URLs,
style attributes. The page that shows a new API token is never cached."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from gcmhub.actors.models import Organization, User
from gcmhub.geo.models import Area
from tests.indicators.web.conftest import sample_records

PASSWORD = "a long csp test password"
# <script> blocks of these types are data, which the browser never runs.
DATA_SCRIPTS = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class InlineCode(HTMLParser):
    """Collects everything a strict policy would block in an HTML page."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            if (attributes.get("type") or "").strip().lower() not in DATA_SCRIPTS:
                self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.problems


def test_the_checker_finds_what_the_policy_blocks():
    page = (
        '<script>alert(1)</script><script type="application/json">{}</script><script src="/s.js"></script>'
        '<select onchange="go()"></select><a href="javascript:void(0)">x</a><span style="width: 5%"></span>'
    )
    assert inline_code(page) == ["inline <script>", "<select onchange=…>", "<a href=javascript:…>", "<span style=…>"]


@pytest.fixture
def site(db, django_capture_on_commit_callbacks):
    """Data for every page: indicators for Kenya and Mexico, their assessments,
    an organisation and an administrator."""
    from gcmhub.indicators.loader import load
    from gcmhub.progress.services import recompute

    load(sample_records(), format="tidy", file_name="sample.csv", sha256="0" * 64, source="Test Statistics Office")
    recompute()
    kenya = Area.objects.get(iso3="KEN")
    organization = Organization.objects.create(
        name="Test ministry", kind=Organization.Kind.GOVERNMENT, area=kenya, is_published=True
    )
    admin = User.objects.create_user("csp-admin", password=PASSWORD, role=User.Role.ADMIN)
    return organization, admin


def public_pages(organization):
    return [
        reverse("web:home"),
        reverse("framework:objectives"),
        reverse("framework:objective", args=[20]),
        reverse("framework:principles"),
        reverse("framework:indicators"),
        reverse("framework:indicator", args=["10.7.2"]),
        reverse("framework:follow-up"),
        reverse("geo:countries"),
        reverse("geo:country", args=["KEN"]),
        reverse("indicators:catalogue"),
        reverse("indicators:indicator", args=["10.c.1"]) + "?area=KEN&area=MEX",
        reverse("progress:index"),
        reverse("progress:country-scorecard", args=["KEN"]),
        reverse("progress:objective", args=[20]),
        reverse("actors:organizations"),
        reverse("actors:organization", args=[organization.pk]),
        reverse("actors:login"),
    ]


def staff_pages(organization, admin):
    return [
        reverse("actors:me"),
        reverse("actors:users"),
        reverse("actors:user-create"),
        reverse("actors:user-edit", args=[admin.pk]),
        reverse("actors:organization-create"),
        reverse("actors:organization-edit", args=[organization.pk]),
        reverse("indicators:upload"),
    ]


def check_page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert inline_code(response.content.decode()) == [], path


def test_every_main_page_sends_the_policy_and_needs_no_inline_code(client, site):
    organization, _admin = site
    for path in public_pages(organization):
        check_page(client, path)


def test_signed_in_pages_need_no_inline_code_either(client, site):
    organization, admin = site
    client.force_login(admin)
    for path in staff_pages(organization, admin):
        check_page(client, path)


def test_the_api_sends_the_policy_too(client, db):
    response = client.get("/api/v1/objectives")
    assert "default-src 'self'" in response.headers.get("Content-Security-Policy", "")


def test_the_page_showing_a_new_token_is_not_stored(client, site):
    _organization, admin = site
    client.force_login(admin)
    response = client.post(reverse("actors:token-create"), {"name": "nightly import"})
    assert response.status_code == 201
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert "no-store" not in client.get(reverse("actors:me")).headers.get("Cache-Control", "")


# --------------------------------------------------------------------------
# The header is built once per settings (gcmhub/headers.py), and a response
# that changes its own policy still gets what it asked for.
# --------------------------------------------------------------------------


def _headers_of(middleware_class, response_attributes: dict, use_nonce: bool = False) -> tuple:
    from django.http import HttpResponse
    from django.test import RequestFactory

    middleware = middleware_class(lambda request: HttpResponse())
    request = RequestFactory().get("/en/")
    middleware.process_request(request)
    if use_nonce:
        str(request.csp_nonce)  # as a template using the nonce would
    response = HttpResponse()
    for name, value in response_attributes.items():
        setattr(response, name, value)
    response = middleware.process_response(request, response)
    headers = (response.get("Content-Security-Policy"), response.get("Content-Security-Policy-Report-Only"))
    nonce = getattr(request, "_csp_nonce", None)
    return tuple(h.replace(nonce, "NONCE") if h and nonce else h for h in headers)


CASES = [
    ({}, False),
    ({"_csp_update": {"img-src": ["https://tiles.example"]}}, False),
    ({"_csp_replace": {"script-src": ["'none'"]}}, False),
    ({"_csp_exempt": True}, False),
    ({"_csp_config_ro": {"script-src": ["'self'"]}}, False),
    ({}, True),
]


@pytest.mark.parametrize("attributes, use_nonce", CASES)
def test_the_header_is_what_django_csp_gives(attributes, use_nonce, settings):
    from csp.constants import NONCE
    from csp.middleware import CSPMiddleware

    from gcmhub.headers import SitePolicyCSPMiddleware

    assert _headers_of(SitePolicyCSPMiddleware, attributes, use_nonce) == _headers_of(CSPMiddleware, attributes, use_nonce)
    # With other settings (and a nonce the policy asks for), still the same.
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"], "script-src": ["'self'", NONCE]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    ours = _headers_of(SitePolicyCSPMiddleware, attributes, use_nonce)
    assert ours == _headers_of(CSPMiddleware, attributes, use_nonce)
    if not attributes:
        assert "default-src 'none'" in ours[0] and ours[1]
        assert ("'nonce-NONCE'" in ours[0]) is use_nonce
