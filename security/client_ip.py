"""The client's address, for every throttle and the login lockout (one helper, one rule).

`TRUSTED_PROXY_COUNT` says how many reverse proxies we run in front of the app. Each appends the address
it saw to `X-Forwarded-For`, so the Nth entry from the right is the one our outermost proxy saw: the
client. Entries further left were written by the client and prove nothing. With 0 proxies the header is
ignored entirely (anyone can send it) and REMOTE_ADDR is the client."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through all our proxies (e.g. straight to gunicorn): the header cannot be trusted.
        return remote
    return _valid(forwarded[-count]) or remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the same rule for the login lockout (axes may pass a DRF Request).
    None when there is no address (a test client's force_login): axes stores addresses as inet."""
    return _valid(client_ip(getattr(request, "_request", request)))
