"""A real IMAP server for the email-channel tests: pymap (in-memory `dict` backend) as a subprocess on a
free localhost port, one per test module, with a user the tests control. Each test gets its own folder."""

import imaplib
import itertools
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage

import pytest

IMAP_USER = "support-ads"
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

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=5)
        conn.login(self.user, self.password)
        return conn


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("pymap") / "pymap.log"
    command = [
        sys.executable,
        "-c",
        "import sys; from pymap.main import main; sys.exit(main())",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-tls",
        "dict",
        "--demo-user",
        IMAP_USER,
        "--demo-password",
        IMAP_PASSWORD,
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD)
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
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


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


@pytest.fixture
def mailbox(imap_server, team) -> Mailbox:
    folder = f"Support{next(_folders)}"
    conn = imap_server.connect()
    typ, data = conn.create(folder)
    conn.logout()
    assert typ == "OK", data
    team.mail_enabled = True
    team.mail_host = imap_server.host
    team.mail_port = imap_server.port
    team.mail_use_ssl = False
    team.mail_username = imap_server.user
    team.mail_password = imap_server.password
    team.mail_folder = folder
    team.save()
    return Mailbox(imap_server, folder)


def make_email(
    *,
    sender: str = "Lea Learner <lea@example.net>",
    subject: str = "Cannot open notebook 3",
    body: str = "The kernel dies when I run cell 4.",
    message_id: str | None = "<m1@example.net>",
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support-ads@example.org"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message
