"""django-csp's middleware, with the policy header built once per process instead of twice per response.

django-csp builds the Content-Security-Policy (and its report-only twin) from the settings on every response,
through `dataclasses.asdict` and a walk over every known directive: about 3% of a signed-in page. When a response
brings no policy of its own (no `@csp_update`, `@csp_replace` or `@csp` decorator) and the page used no nonce, the
settings alone decide the header, so it is built once, by django-csp itself, and reused; it is built again when a
test changes the settings. Any other response goes through django-csp unchanged.
"""

from __future__ import annotations

import http.client

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

_OWN_PARTS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_built: dict[bool, tuple[str, tuple[str, ...]]] = {}


def _settings_policy(*, report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header django-csp builds from the settings alone, and the address prefixes it is not sent for."""
    if report_only not in _built:
        name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        _built[report_only] = (build_policy(report_only=report_only), prefixes)
    return _built[report_only]


def _forget(*, setting, **kwargs) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _built.clear()


setting_changed.connect(_forget, dispatch_uid="content-security-policy:settings")


class CSPMiddleware(csp_middleware.CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, part, None) is not None for part in _OWN_PARTS
        ):
            return super().process_response(request, response)
        # What django-csp's process_response does, with the policies built from the settings once.
        if settings.DEBUG and response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND):
            return response
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            policy, prefixes = _settings_policy(report_only=report_only)
            if (
                policy
                and getattr(response, exempt, False) is False
                and header not in response
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written would not be in it.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
