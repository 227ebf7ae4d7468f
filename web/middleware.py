"""Two third-party middlewares made cheap for the requests that do not use them (issue 16: on the public
intake they cost more than its validation), with the same responses: `tests/security/test_intake_headers.py`
pins the intake's headers, the pages' tests the rest."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.utils.functional import SimpleLazyObject, empty

# What a response or view can bring to change its own policy (django-csp's decorators).
_OWN_POLICY = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip
_policies: dict[bool, str] = {}


def _policy(report_only: bool) -> str:
    """django-csp's header built from the settings alone (no nonce, nothing of the response's own), once
    until a setting changes."""
    if report_only not in _policies:
        _policies[report_only] = build_policy(report_only=report_only)
    return _policies[report_only]


def _forget_policies(**kwargs) -> None:
    _policies.clear()


setting_changed.connect(_forget_policies)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; for a response that brings no policy of its own (no csp decorator) to a
    request that used no nonce — nearly all of them — the header is the settings' policy, built once
    instead of per response. Anything else goes to django-csp as before."""

    def process_response(self, request, response):
        from django.conf import settings

        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, report_only, setting in (
            (HEADER, False, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _policy(report_only)
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if policy and header not in response and not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with the storage made when something first uses it (an API request never
    does). A storage nobody touched has nothing to save: its response is left as Django leaves it."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
