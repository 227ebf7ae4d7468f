"""Poll team mailboxes over IMAP: fetch UNSEEN, process each message, mark it \\Seen after commit.

The database is the source of truth (SPEC 2): an InboundEmail row, unique per (team, Message-ID), is
written in the same transaction as the inquiry or reply. The \\Seen flag only saves refetching; if the
poll dies between commit and STORE, the next poll fetches the message again and finds its row."""

import contextlib
import imaplib
import logging
import ssl
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shifts.models import Team
from supportops import outbound

from .parse import parse_email
from .process import inbound_email_process

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 20  # seconds per socket operation
MAX_MESSAGES_PER_POLL = 200  # bounds one poll well inside the sweep task's time limit
OUTCOMES = ("created", "replied", "reopened", "follow_up", "auto_reply", "loop", "rejected", "duplicate")


class MailboxError(Exception):
    """The mailbox could not be read (connection, login, folder); the message is safe to show."""


class _GuardedIMAP4(imaplib.IMAP4):
    """IMAP4 whose socket goes to the address checked by supportops.outbound (SPEC 3.11)."""

    def _create_socket(self, timeout):
        return outbound.connect(self.host, self.port, timeout or IMAP_TIMEOUT)


class _GuardedIMAP4_SSL(imaplib.IMAP4_SSL):  # noqa: N801 - imaplib's naming
    def _create_socket(self, timeout):
        sock = outbound.connect(self.host, self.port, timeout or IMAP_TIMEOUT)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def tls_context():
    """Certificate chain and host name verified (ssl.create_default_context), plus MAIL_CA_FILE."""
    return outbound.tls_context(getattr(settings, "MAIL_CA_FILE", ""))


def _connect(team: Team) -> imaplib.IMAP4:
    """Connected, TLS verified, logged in, folder selected. Never LOGIN in clear: IMAPS (993) wraps the
    socket in TLS first; otherwise (143) STARTTLS is required before anything else is said."""
    if team.mail_use_ssl:
        conn = _GuardedIMAP4_SSL(
            team.mail_host, team.mail_port, ssl_context=tls_context(), timeout=IMAP_TIMEOUT
        )
    else:
        conn = _GuardedIMAP4(team.mail_host, team.mail_port, timeout=IMAP_TIMEOUT)
        try:
            if "STARTTLS" not in conn.capabilities:
                raise MailboxError(
                    "The server does not offer STARTTLS; SupportOps never sends the password in clear. "
                    "Use IMAPS (port 993) or enable STARTTLS on the server."
                )
            conn.starttls(ssl_context=tls_context())
        except BaseException:
            _close(conn)
            raise
    try:
        try:
            conn.login(team.mail_username, team.mail_password)
        except imaplib.IMAP4.error as exc:
            raise MailboxError("Login failed: check the username and the app password.") from exc
        typ, data = conn.select(_quoted(team.mail_folder or "INBOX"))
        if typ != "OK":
            raise MailboxError(f"Cannot open the folder {team.mail_folder!r}.")
    except BaseException:
        _logout(conn)
        raise
    return conn


def _close(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown()


def describe_error(exc: BaseException) -> str:
    """A short message for the settings page: what went wrong, never the server's own text (banners
    and versions of internal services must not be shown to whoever configured the host)."""
    if isinstance(exc, MailboxError | outbound.OutboundRefused):
        return str(exc)[:300]
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {exc.verify_message or 'verification failed'}."[:300]
    if isinstance(exc, ssl.SSLError):
        return "TLS handshake failed."
    if isinstance(exc, TimeoutError):
        return "The server did not answer in time."
    if isinstance(exc, ConnectionRefusedError):
        return "Connection refused."
    if isinstance(exc, OSError):
        return "Could not connect to the server."
    if isinstance(exc, imaplib.IMAP4.error):
        return "The server refused an IMAP command."
    return "The mailbox could not be read."


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        conn.logout()


def _fetch(conn: imaplib.IMAP4, uid: bytes) -> bytes | None:
    # BODY.PEEK leaves \Seen alone: the flag is set only once the message is safely recorded.
    typ, data = conn.uid("fetch", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _record(team: Team, error: str) -> None:
    Team.objects.filter(pk=team.pk).update(
        mail_last_poll_at=timezone.now(), mail_last_poll_error=error[:2000]
    )
    team.mail_last_poll_error = error[:2000]


def mailbox_poll(*, team: Team) -> dict[str, int]:
    """Read one team's mailbox once. Returns counts by outcome (plus "failed" for messages that
    raised and stay unseen for the next poll, "error" 1 if the mailbox could not be read)."""
    counts = dict.fromkeys((*OUTCOMES, "failed", "error"), 0)
    started = time.monotonic()
    try:
        conn = _connect(team)
    except (imaplib.IMAP4.error, OSError, MailboxError, outbound.OutboundRefused) as exc:
        error = describe_error(exc)
        logger.warning(
            "mailbox poll failed", extra={"team": team.slug, "error": f"{type(exc).__name__}: {exc}"}
        )
        _record(team, error)
        counts["error"] = 1
        return counts
    try:
        typ, data = conn.uid("search", None, "UNSEEN")
        if typ != "OK":
            raise MailboxError("The server refused to search the folder.")
        uids = (data[0] or b"").split()[:MAX_MESSAGES_PER_POLL]
        for uid in uids:
            raw = _fetch(conn, uid)
            if raw is None:
                counts["failed"] += 1
                continue
            try:
                outcome = inbound_email_process(team=team, email=parse_email(raw))
            except Exception:  # noqa: BLE001 - one bad message must not block the rest of the mailbox.
                logger.exception("inbound email failed", extra={"team": team.slug, "uid": uid.decode()})
                counts["failed"] += 1
                continue
            counts[outcome] += 1
            _mark_seen_after_commit(conn, uid)
    except (imaplib.IMAP4.error, OSError, MailboxError) as exc:
        error = describe_error(exc)
        logger.warning(
            "mailbox poll failed", extra={"team": team.slug, "error": f"{type(exc).__name__}: {exc}"}
        )
        _record(team, error)
        counts["error"] = 1
        return counts
    finally:
        _logout(conn)
    _record(team, "")
    # The counts go under one key: their names ("created", …) include LogRecord's own attributes,
    # and `extra` may not overwrite those (KeyError: "Attempt to overwrite 'created' in LogRecord").
    logger.info(
        "mailbox polled",
        extra={"team": team.slug, "seconds": round(time.monotonic() - started, 3), "counts": counts},
    )
    return counts


def _mark_seen_after_commit(conn: imaplib.IMAP4, uid: bytes) -> None:
    """inbound_email_process has committed by now unless the caller holds an outer transaction (a
    test, a shell); the flag then waits for that commit, and is skipped if it rolls back."""
    if transaction.get_connection().in_atomic_block:
        # The connection is closed by then; refetching next time is harmless (the row is the key).
        return
    conn.uid("store", uid, "+FLAGS", "(\\Seen)")


def mailboxes_poll() -> dict[str, dict[str, int]]:
    """Poll every enabled mailbox; one team's failure never stops the others."""
    results: dict[str, dict[str, int]] = {}
    for team in Team.objects.filter(mail_enabled=True).order_by("pk"):
        try:
            results[team.slug] = mailbox_poll(team=team)
        except Exception as exc:  # noqa: BLE001 - recorded on the team; the next team still runs.
            logger.exception("mailbox poll crashed", extra={"team": team.slug})
            _record(team, describe_error(exc))
            results[team.slug] = {"error": 1}
    return results
