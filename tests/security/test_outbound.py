"""supportops.outbound, the guard every outgoing connection goes through (SPEC 3.11): which addresses are
public, the OUTBOUND_ALLOWED_HOSTS exceptions, and verified HTTPS to the checked address."""

import http.server
import ssl
import threading

import pytest

from supportops import outbound
from tests.email_channel.certs import self_signed_cert, trusted_server_cert


@pytest.fixture
def production(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    return settings


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.251",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
    ],
)
def test_internal_addresses_are_refused(address, production):
    with pytest.raises(outbound.OutboundRefused, match="internal address"):
        outbound.check_host(address, 443)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address, production):
    assert outbound.check_host(address, 443)


def test_a_name_is_refused_if_any_of_its_addresses_is_internal(production, fake_dns):
    fake_dns["mixed.example"] = ["93.184.215.14", "10.0.0.1"]
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_host("mixed.example", 443)


def test_an_unresolvable_name_is_refused_with_a_message(production):
    with pytest.raises(outbound.OutboundRefused, match="could not be resolved"):
        outbound.check_host("no-such-host.invalid", 443)


def test_listed_names_addresses_and_ranges_are_allowed(settings, fake_dns):
    settings.OUTBOUND_ALLOWED_HOSTS = ["hooks.lan", "10.9.0.0/16", "::1"]
    fake_dns["hooks.lan"] = ["192.168.7.7"]
    assert outbound.check_host("hooks.lan", 80)
    assert outbound.check_host("10.9.3.4", 80)
    assert outbound.check_host("::1", 80)
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_host("10.8.0.1", 80)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/", "file:///etc/passwd", "gopher://example.org/", "//example.org/x", "http:///x"],
)
def test_only_absolute_http_urls(url):
    with pytest.raises(outbound.OutboundRefused):
        outbound.parse_url(url)


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def _https_server(certs):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs.cert, certs.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_https_is_verified(tmp_path, settings):
    trusted = trusted_server_cert(tmp_path)
    server = _https_server(trusted)
    url = f"https://localhost:{server.server_address[1]}/hook"
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            outbound.request("POST", url, body=b"{}")
        settings.OUTBOUND_CA_FILE = str(trusted.ca)
        assert outbound.request("POST", url, body=b"{}").status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_a_self_signed_https_receiver_is_refused(tmp_path, settings):
    settings.OUTBOUND_CA_FILE = str(trusted_server_cert(tmp_path).ca)
    server = _https_server(self_signed_cert(tmp_path))
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            outbound.request("POST", f"https://localhost:{server.server_address[1]}/", body=b"{}")
    finally:
        server.shutdown()
        server.server_close()
