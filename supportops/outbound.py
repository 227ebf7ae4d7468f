"""Outbound connections to addresses a user typed (webhooks, team mailboxes, integrations): SPEC 3.11.

Any account may create a team and so choose a webhook URL or an IMAP host; without this guard the
workers would be an SSRF relay into the private network (Redis, the cloud metadata service at
169.254.169.254, loopback admin ports). Rules:

- only `http`/`https` URLs (no ftp:, file:, gopher:);
- every address a host name resolves to must be public: not loopback, private, link-local,
  multicast, unspecified, reserved, shared (100.64/10) nor an IPv4-mapped/-compatible IPv6 form of
  one — unless the host name, the address or a CIDR range holding it is listed in the setting
  `OUTBOUND_ALLOWED_HOSTS` (tests and local setups: `127.0.0.1,localhost`; production: empty);
- the check runs when the target is saved (a clear 400) *and* again when connecting, and the socket
  connects to the very address that was checked, so a DNS answer that changes between the check and
  the connect (DNS rebinding) cannot switch the target;
- redirects are never followed (`request` returns the 3xx as it is; webhook delivery treats it as a
  failure).

Use `check_url(url)` / `check_host(host, port)` to validate input, `connect(host, port, timeout)` for
a raw TCP socket (IMAP) and `request(...)` for one HTTP(S) exchange.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = {"http": 80, "https": 443}
RESPONSE_MAX_BYTES = 1_000_000
# Not "public" although `is_global` may say so (or older Pythons disagree): refuse explicitly.
_EXTRA_BLOCKED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "64:ff9b::/96",
        "2002::/16",
        "ff00::/8",
    )
]


class OutboundRefused(ValueError):
    """The target is not allowed (or cannot be checked); the message is safe to show to the user."""


def _allowed() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks = []
    for entry in getattr(settings, "OUTBOUND_ALLOWED_HOSTS", []) or []:
        entry = entry.strip().lower().strip("[]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        # IPv4-compatible (::a.b.c.d, deprecated) — treat as the IPv4 address it names.
        if int(address) >> 32 == 0 and int(address) > 1:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    address = _unmapped(address)
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or not address.is_global
    ):
        return False
    return not any(address.version == n.version and address in n for n in _EXTRA_BLOCKED)


def address_allowed(address: IPAddress) -> bool:
    if is_public(address):
        return True
    _, networks = _allowed()
    candidates = {address, _unmapped(address)}
    return any(a.version == n.version and a in n for a in candidates for n in networks)


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address is itself). Tests may replace this to
    play a DNS server that changes its answer."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise OutboundRefused(f"The host {host!r} could not be resolved.") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OutboundRefused(f"The host {host!r} could not be resolved.")
    return addresses


def check_host(host: str, port: int) -> list[IPAddress]:
    """The addresses to connect to for (host, port), all checked; OutboundRefused otherwise."""
    host = (host or "").strip()
    if not host:
        raise OutboundRefused("No host given.")
    if not 1 <= int(port) <= 65535:
        raise OutboundRefused(f"Port {port} is not a valid port.")
    bare = host.strip("[]").rstrip(".").lower()
    names, _ = _allowed()
    addresses = _resolve(bare, int(port))
    if bare in names:
        return addresses
    refused = [a for a in addresses if not address_allowed(a)]
    if refused:
        raise OutboundRefused(
            f"{host} resolves to {refused[0]}, an internal address (loopback, private, link-local or "
            "reserved). Only public addresses are allowed; an operator can list exceptions in "
            "OUTBOUND_ALLOWED_HOSTS."
        )
    return addresses


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, at least "/"


def parse_url(url: str) -> Target:
    """Shape only (no DNS): an absolute http(s) URL with a host."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(f"{url!r} is not a valid URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise OutboundRefused("Only http:// and https:// URLs are allowed.")
    if not parts.hostname:
        raise OutboundRefused(f"{url!r} has no host.")
    if any(ord(c) < 33 for c in url.strip()):
        raise OutboundRefused("A URL cannot contain spaces or control characters.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=parts.hostname, port=port or SCHEMES[scheme], path=path)


def check_url(url: str) -> Target:
    """Validate a URL for outbound use (save time): http(s), and its host resolves to allowed addresses."""
    target = parse_url(url)
    check_host(target.host, target.port)
    return target


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to (host, port), checked now and made to the checked address itself."""
    last_error: OSError | None = None
    for address in check_host(host, port):
        try:
            return socket.create_connection((str(address), port), timeout=timeout)
        except OSError as exc:
            last_error = exc
    raise last_error or OSError(f"could not connect to {host}:{port}")


def tls_context(cafile: str = "") -> ssl.SSLContext:
    """Verified TLS (certificate chain and host name), from the system's CAs plus `cafile` (default
    setting `OUTBOUND_CA_FILE`: tests, a private CA)."""
    context = ssl.create_default_context()
    extra = cafile or getattr(settings, "OUTBOUND_CA_FILE", "")
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = connect(self.host, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = connect(self.host, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class ResponseTimeout(TimeoutError):
    """The request was sent in full but no answer came in time: the receiver may have acted on it."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> Response:
    """One HTTP(S) exchange with the guard applied at connect time; redirects are returned, not followed.

    Raises OutboundRefused (target not allowed), OSError/ssl.SSLError (could not connect or send: the
    receiver saw nothing, safe to retry) or ResponseTimeout (sent, no answer in `timeout`)."""
    target = parse_url(url)
    if target.scheme == "https":
        conn: http.client.HTTPConnection = _PinnedHTTPSConnection(
            target.host, target.port, timeout=timeout, context=tls_context()
        )
    else:
        conn = _PinnedHTTPConnection(target.host, target.port, timeout=timeout)
    try:
        conn.request(method, target.path, body=body, headers=dict(headers or {}))
        try:
            answer = conn.getresponse()
            data = answer.read(RESPONSE_MAX_BYTES)
        except TimeoutError as exc:
            raise ResponseTimeout(f"no response within {timeout:g} s") from exc
        return Response(status=answer.status, headers=dict(answer.getheaders()), body=data)
    finally:
        conn.close()
