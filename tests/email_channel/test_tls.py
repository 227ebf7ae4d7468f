"""The mailbox password only ever travels over verified TLS (issue 10, item 1; SPEC 3.11): IMAPS checks
the certificate and host name, port 143 requires STARTTLS, an impostor's self-signed certificate is
refused before LOGIN, and internal hosts are refused when saved and when polled. Poll errors are short
and shown to managers only."""

import logging
import socket
import ssl
import threading

import pytest
from django.utils import timezone

from inquiries.mail_intake import mailbox_poll, mailboxes_poll
from inquiries.models import Inquiry

from .certs import self_signed_cert
from .conftest import make_email

pytestmark = pytest.mark.django_db


class FakeImap:
    """An impostor IMAP server on localhost that records every line a client sends.

    mode "tls": implicit TLS with a self-signed certificate; "starttls": offers STARTTLS, then a
    self-signed certificate; "plain": no TLS at all (and happily accepts LOGIN)."""

    def __init__(self, mode: str, certs):
        self.mode = mode
        self.lines: list[bytes] = []
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certs.cert, certs.key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        try:
            if self.mode == "tls":
                conn = self.context.wrap_socket(conn, server_side=True)
            caps = b"IMAP4rev1 STARTTLS" if self.mode == "starttls" else b"IMAP4rev1 AUTH=PLAIN"
            conn.sendall(b"* OK [CAPABILITY " + caps + b"] Dovecot-ish 2.3.19 internal ready\r\n")
            reader = conn.makefile("rb")
            while line := reader.readline():
                self.lines.append(line)
                tag = line.split(b" ", 1)[0]
                command = line.split(b" ")[1].strip().upper() if b" " in line else b""
                if command == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY " + caps + b"\r\n" + tag + b" OK done\r\n")
                elif command == b"STARTTLS":
                    conn.sendall(tag + b" OK begin TLS\r\n")
                    conn = self.context.wrap_socket(conn, server_side=True)
                    reader = conn.makefile("rb")
                else:
                    conn.sendall(tag + b" OK whatever\r\n")
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)

    def saw_login(self) -> bool:
        return any(b"LOGIN" in line.upper() or b"AUTHENTICATE" in line.upper() for line in self.lines)


@pytest.fixture
def impostor(tmp_path, team):
    servers = []

    def start(mode: str, *, use_ssl: bool) -> FakeImap:
        server = FakeImap(mode, self_signed_cert(tmp_path))
        servers.append(server)
        team.mail_enabled = True
        team.mail_host = "127.0.0.1"
        team.mail_port = server.port
        team.mail_use_ssl = use_ssl
        team.mail_username = "support@example.org"
        team.mail_password = "app-password-secret"
        team.save()
        return server

    yield start
    for server in servers:
        server.close()


def test_imaps_with_an_untrusted_certificate_is_refused_before_login(team, impostor):
    server = impostor("tls", use_ssl=True)
    assert mailbox_poll(team=team)["error"] == 1
    server.close()
    assert not server.saw_login()
    team.refresh_from_db()
    assert "certificate" in team.mail_last_poll_error.lower()


def test_starttls_with_an_untrusted_certificate_is_refused_before_login(team, impostor):
    server = impostor("starttls", use_ssl=False)
    assert mailbox_poll(team=team)["error"] == 1
    server.close()
    commands = [line.split(b" ")[1].strip().upper() for line in server.lines]
    assert commands[-1] == b"STARTTLS" and set(commands) <= {b"CAPABILITY", b"STARTTLS"}
    assert not server.saw_login()
    team.refresh_from_db()
    assert "certificate" in team.mail_last_poll_error.lower()


def test_a_server_without_starttls_never_gets_the_password(team, impostor):
    server = impostor("plain", use_ssl=False)
    assert mailbox_poll(team=team)["error"] == 1
    server.close()
    assert not server.saw_login()
    team.refresh_from_db()
    assert "STARTTLS" in team.mail_last_poll_error
    # The server's own banner (software, version, internal names) is not repeated to the user.
    assert "Dovecot" not in team.mail_last_poll_error


def test_imaps_with_a_trusted_certificate_polls(team, primary, imaps_mailbox):
    imaps_mailbox.append(make_email(message_id="<tls1@example.net>"))
    counts = mailbox_poll(team=team)
    assert counts["created"] == 1 and counts["error"] == 0
    assert Inquiry.objects.get().channel == "email"


def test_starttls_with_a_trusted_certificate_polls(team, primary, mailbox):
    mailbox.append(make_email(message_id="<tls2@example.net>"))
    assert mailbox_poll(team=team)["created"] == 1


def test_the_real_server_is_refused_when_its_ca_is_not_trusted(team, mailbox, settings):
    settings.MAIL_CA_FILE = ""
    mailbox.append(make_email())
    assert mailbox_poll(team=team)["error"] == 1
    assert not Inquiry.objects.exists()


def test_an_internal_mail_host_is_refused_at_poll_time(team, mailbox, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    mailbox.append(make_email())
    assert mailbox_poll(team=team)["error"] == 1
    team.refresh_from_db()
    assert "internal address" in team.mail_last_poll_error
    assert mailbox.unseen() == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "169.254.169.254", "10.0.0.7", "::1", "0.0.0.0", "localhost"])
def test_an_internal_mail_host_is_refused_when_saved(host, as_member, manager, team, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    response = as_member(manager).patch(
        "/api/v1/teams/ads/",
        {"mail_host": host, "mail_port": 6379, "mail_username": "u@example.org", "mail_password": "p"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "mail_host" in response.json()["detail"]
    team.refresh_from_db()
    assert team.mail_host == ""


def test_the_settings_page_refuses_an_internal_mail_host(client, manager, team, settings):
    from tests.foundation.test_team_pages import _settings_form

    settings.OUTBOUND_ALLOWED_HOSTS = []
    client.force_login(manager.user)
    form = _settings_form(
        team,
        mail_enabled="on",
        mail_host="169.254.169.254",
        mail_port="80",
        mail_username="u@example.org",
        mail_password="p",
        mail_folder="INBOX",
    )
    response = client.post("/teams/ads/save/", form, follow=True)
    assert "internal address" in response.content.decode()
    team.refresh_from_db()
    assert team.mail_host == "" and not team.mail_enabled


def test_poll_details_are_for_managers_only(as_member, client, manager, primary, team):
    team.mail_enabled = True
    team.mail_host = "imap.internal.example"
    team.mail_username = "support@example.org"
    team.mail_last_poll_error = "Connection refused."
    team.mail_last_poll_at = timezone.now()
    team.save()
    developer = as_member(primary).get("/api/v1/teams/ads/").json()
    assert developer["mail_host"] is None and developer["mail_username"] is None
    assert "refused" not in str(developer)
    assert developer["mail_last_poll_ok"] is False
    listed = as_member(primary).get("/api/v1/teams/").json()["results"][0]
    assert listed["mail_host"] is None
    managed = as_member(manager).get("/api/v1/teams/ads/").json()
    assert managed["mail_host"] == "imap.internal.example"
    assert managed["mail_last_poll_error"] == "Connection refused."

    client.force_login(primary.user)
    page = client.get("/teams/ads/").content.decode()
    assert "imap.internal.example" not in page and "Connection refused" not in page
    client.force_login(manager.user)
    page = client.get("/teams/ads/").content.decode()
    assert "imap.internal.example" in page and "Connection refused" in page


def test_a_successful_poll_logs_cleanly(team, primary, mailbox, caplog):
    caplog.set_level(logging.INFO, logger="inquiries.mail_intake")
    mailbox.append(make_email(message_id="<log1@example.net>"))
    results = mailboxes_poll()
    assert results["ads"]["created"] == 1
    team.refresh_from_db()
    assert team.mail_last_poll_error == ""
    polled = [r for r in caplog.records if r.getMessage() == "mailbox polled"]
    assert len(polled) == 1 and polled[0].counts["created"] == 1
    assert not [r for r in caplog.records if r.getMessage() == "mailbox poll crashed"]
