"""The Content-Security-Policy header, built once rather than on every response.

django-csp builds the policy text from the settings on every response (twice:
enforced and report-only), deep-copying the settings each time; that was a
tenth of what a kept API answer costs. Nearly every response carries the
site-wide policy unchanged, so ``SitePolicyCSPMiddleware`` keeps that text per
settings and hands anything else (a view's ``@csp_update``/``@csp_replace``/
``@csp_exempt``, a nonce used while rendering) to django-csp as it is.
"""

from __future__ import annotations

import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view can set on its response to change its policy (csp.decorators).
_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip
_HEADERS = ((HEADER, "CONTENT_SECURITY_POLICY", False), (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True))
_built: dict[str, str] = {}


def site_policy(setting: str, report_only: bool) -> str:
    """The policy text of the settings as they are now (built again after a
    change of the settings, as tests make with ``override_settings``)."""
    if setting not in _built:
        _built[setting] = build_policy(report_only=report_only)
    return _built[setting]


@receiver(setting_changed)
def _forget_policies(setting, **kwargs) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _built.clear()


class SitePolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        customised = any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
        if customised or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND):
            return response  # as django-csp: Django's debug pages use inline code
        for header, setting, report_only in _HEADERS:
            policy = site_policy(setting, report_only)
            excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
