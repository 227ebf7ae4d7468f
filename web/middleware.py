"""Middleware made cheap for the requests that do not use it (issue 16: on the public intake it cost more
than its validation), with the same responses: two third-party middlewares, and the public intake's
shorter list (LeanRoutesMiddleware). `tests/security/test_intake_headers.py` pins the intake's headers,
`tests/pages/test_lean_middleware.py` and `tests/inquiries/test_lean_routes.py` compare the rest."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.module_loading import import_string

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


class _Chain(BaseHandler):
    """Django's own request handling (URL resolution, view middleware, the view, exceptions turned into
    answers) under a shorter middleware list: `load_middleware`'s synchronous path, for `paths` (all
    synchronous, as every middleware of this project is under WSGI)."""

    def __init__(self, paths: list[str]):
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(paths):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class VaryOnCookie:
    """Stands in, on the lean routes, for the middleware that reads the session on the whole list (the
    viewer's zone asks who the user is): from there on, the session middleware makes the answer vary on
    Cookie, and so does this one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


# What the lean routes skip, each with why it does nothing for a cookie-less request to them, and what
# stands in for it (None: nothing).
LEAN_SKIPS = {
    # Serves only files under STATIC_URL.
    "whitenoise.middleware.WhiteNoiseMiddleware": None,
    # No cookie: no session, an anonymous user, no stored message, no viewer zone; the lean views use
    # none of them. Their one visible effect is the session middleware's Vary: Cookie once the viewer's
    # zone has read the session to find the user (an answer given before that, e.g. to a refused Host,
    # does not vary).
    "django.contrib.sessions.middleware.SessionMiddleware": None,
    "django.contrib.auth.middleware.AuthenticationMiddleware": None,
    "web.middleware.LazyMessageMiddleware": None,
    "accounts.middleware.ViewerTimezoneMiddleware": f"{__name__}.VaryOnCookie",
    # The lean views are csrf_exempt and never ask for a token (so no CSRF cookie is set either).
    "django.middleware.csrf.CsrfViewMiddleware": None,
    # Acts on pages outside /api/ only.
    "accounts.middleware.FriendlyNotFoundMiddleware": None,
    # Acts on a request a login attempt flagged as locked out.
    "axes.middleware.AxesMiddleware": None,
}


class LeanRoutesMiddleware:
    """The public intake (web.urls.LEAN_PATHS), hit at a burst's rate by clients without an account,
    goes through the middleware after this one but LEAN_SKIPS when the request carries no cookie (issue 16:
    the skipped ones cost more than the intake's validation). Every other request, and one with a cookie,
    goes down the whole list. The answers are the same (`tests/inquiries/test_lean_routes.py` compares
    them with the whole list's; `tests/security/test_intake_headers.py` pins the headers)."""

    def __init__(self, get_response):
        from django.conf import settings

        from .urls import LEAN_PATHS

        self.get_response = get_response
        self.paths = frozenset("/" + path for path in LEAN_PATHS)
        after = settings.MIDDLEWARE[settings.MIDDLEWARE.index(f"{__name__}.{type(self).__name__}") + 1 :]
        kept = [LEAN_SKIPS.get(path, path) for path in after]
        self.lean = _Chain([path for path in kept if path is not None])._middleware_chain

    def __call__(self, request):
        if request.path_info not in self.paths or request.META.get("HTTP_COOKIE"):
            return self.get_response(request)
        return self.lean(request)
