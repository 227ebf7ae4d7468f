"""A real IMAP server for the email-channel tests: pymap (in-memory `dict` backend) as a subprocess on a
free localhost port, one per test module, with a user the tests control. Each test gets its own folder.

TLS as in production: pymap offers STARTTLS with a certificate signed by a test CA, which the app
trusts through MAIL_CA_FILE (never a disabled verification). `imaps_server` is a second pymap behind a
TLS-terminating proxy, for implicit TLS (IMAPS)."""

import contextlib
import imaplib
import itertools
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from .certs import CertFiles, trusted_server_cert

IMAP_USER = "support-ads@example.org"
IMAP_PASSWORD = "app-password-123"
_folders = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    ca_file: Path
    # The port the tests' own helper talks to (plain, for the pymap behind the IMAPS proxy).
    plain_port: int | None = None

    def connect(self) -> imaplib.IMAP4:
        if self.plain_port is not None:
            conn = imaplib.IMAP4(self.host, self.plain_port, timeout=5)
        else:
            conn = imaplib.IMAP4(self.host, self.port, timeout=5)
            conn.starttls(ssl_context=ssl.create_default_context(cafile=str(self.ca_file)))
        conn.login(self.user, self.password)
        return conn


@pytest.fixture(scope="session")
def test_certs(tmp_path_factory) -> CertFiles:
    return trusted_server_cert(tmp_path_factory.mktemp("certs"))


def _start_pymap(tmp_path_factory, port: int, tls: CertFiles | None) -> subprocess.Popen:
    log = tmp_path_factory.mktemp("pymap") / "pymap.log"
    options = ["--cert", str(tls.cert), "--key", str(tls.key)] if tls else ["--no-tls"]
    command = [
        sys.executable,
        "-c",
        "import sys; from pymap.main import main; sys.exit(main())",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
        "dict",
        "--demo-user",
        IMAP_USER,
        "--demo-password",
        IMAP_PASSWORD,
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    process.log = log
    return process


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory, test_certs):
    port = _free_port()
    process = _start_pymap(tmp_path_factory, port, test_certs)
    log = process.log
    server = ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, test_certs.ca)
    deadline = time.monotonic() + 20
    while True:
        try:
            server.connect().logout()
            break
        except (OSError, imaplib.IMAP4.error) as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(
                    f"pymap IMAP server did not start on 127.0.0.1:{port} ({exc}); "
                    f"exit code {process.poll()}; log:\n{log.read_text(errors='replace')}"
                )
            time.sleep(0.1)  # waiting for a subprocess to listen, not for application time
    yield server
    _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class TlsProxy:
    """Implicit TLS in front of a plain port: what an IMAPS (993) server looks like from outside."""

    def __init__(self, certs: CertFiles, target_port: int):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certs.cert, certs.key)
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            tls = self.context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target_port))

        def pump(source, sink) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, sink):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=pump, args=(upstream, tls), daemon=True).start()
        pump(tls, upstream)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def imaps_server(tmp_path_factory, test_certs):
    port = _free_port()
    process = _start_pymap(tmp_path_factory, port, None)
    proxy = TlsProxy(test_certs, port)
    server = ImapServer("127.0.0.1", proxy.port, IMAP_USER, IMAP_PASSWORD, test_certs.ca, plain_port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            server.connect().logout()
            break
        except (OSError, imaplib.IMAP4.error):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"pymap did not start: {process.log.read_text(errors='replace')}")
            time.sleep(0.1)  # waiting for a subprocess to listen, not for application time
    yield server
    proxy.close()
    _stop(process)


class Mailbox:
    """A fresh folder on the server, configured as the team's mailbox."""

    def __init__(self, server: ImapServer, folder: str):
        self.server = server
        self.folder = folder

    def append(self, message: EmailMessage | bytes) -> None:
        raw = message if isinstance(message, bytes) else bytes(message)
        conn = self.server.connect()
        try:
            typ, data = conn.append(self.folder, None, imaplib.Time2Internaldate(time.time()), raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def unseen(self) -> int:
        conn = self.server.connect()
        try:
            conn.select(self.folder, readonly=True)
            typ, data = conn.uid("search", None, "UNSEEN")
            return len(data[0].split())
        finally:
            conn.logout()


def _mailbox_for(server: ImapServer, team, settings, *, use_ssl: bool) -> Mailbox:
    folder = f"Support{next(_folders)}"
    conn = server.connect()
    typ, data = conn.create(folder)
    conn.logout()
    assert typ == "OK", data
    settings.MAIL_CA_FILE = str(server.ca_file)
    team.mail_enabled = True
    team.mail_host = server.host
    team.mail_port = server.port
    team.mail_use_ssl = use_ssl
    team.mail_username = server.user
    team.mail_password = server.password
    team.mail_folder = folder
    team.save()
    return Mailbox(server, folder)


@pytest.fixture
def mailbox(imap_server, team, settings) -> Mailbox:
    """The team's mailbox on pymap over STARTTLS (port-143 style), the test CA trusted."""
    return _mailbox_for(imap_server, team, settings, use_ssl=False)


@pytest.fixture
def imaps_mailbox(imaps_server, team, settings) -> Mailbox:
    """The team's mailbox over implicit TLS (IMAPS, port-993 style), the test CA trusted."""
    return _mailbox_for(imaps_server, team, settings, use_ssl=True)


AUTHSERV_ID = "mx.supportops.test"


@pytest.fixture(autouse=True)
def _our_receiving_server(settings):
    """The receiving MTA in front of the team mailboxes stamps Authentication-Results with this id."""
    settings.MAIL_AUTHSERV_ID = AUTHSERV_ID


def make_email(
    *,
    sender: str = "Lea Learner <lea@example.net>",
    subject: str = "Cannot open notebook 3",
    body: str = "The kernel dies when I run cell 4.",
    message_id: str | None = "<m1@example.net>",
    authenticated: bool = True,
    **headers: str,
) -> EmailMessage:
    """A message as our receiving server delivers it: by default with its Authentication-Results
    saying DKIM and DMARC passed for the sender's domain (`authenticated=False`: no such header)."""
    message = EmailMessage()
    if authenticated:
        domain = sender.rpartition("@")[2].rstrip(">").strip()
        message["Authentication-Results"] = (
            f"{AUTHSERV_ID}; dkim=pass header.d={domain} header.s=sel; "
            f"spf=pass smtp.mailfrom={domain}; dmarc=pass (p=reject) header.from={domain}"
        )
    message["From"] = sender
    message["To"] = "support-ads@example.org"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message
