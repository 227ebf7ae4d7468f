"""Poll team mailboxes over IMAP: fetch UNSEEN, process each message, mark it \\Seen after commit.

The database is the source of truth (SPEC 2): an InboundEmail row, unique per (team, Message-ID), is
written in the same transaction as the inquiry or reply. The \\Seen flag only saves refetching; if the
poll dies between commit and STORE, the next poll fetches the message again and finds its row."""

import contextlib
import imaplib
import logging
import time

from django.db import transaction
from django.utils import timezone

from shifts.models import Team

from .parse import parse_email
from .process import inbound_email_process

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 20  # seconds per socket operation
MAX_MESSAGES_PER_POLL = 200  # bounds one poll well inside the sweep task's time limit
OUTCOMES = ("created", "replied", "reopened", "follow_up", "auto_reply", "loop", "rejected", "duplicate")


class MailboxError(Exception):
    """The mailbox could not be read (connection, login, folder)."""


def _connect(team: Team) -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if team.mail_use_ssl else imaplib.IMAP4
    conn = cls(team.mail_host, team.mail_port, timeout=IMAP_TIMEOUT)
    try:
        conn.login(team.mail_username, team.mail_password)
        typ, data = conn.select(_quoted(team.mail_folder or "INBOX"))
        if typ != "OK":
            raise MailboxError(f"cannot open folder {team.mail_folder!r}: {_text(data)}")
    except BaseException:
        _logout(conn)
        raise
    return conn


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data) -> str:
    parts = data if isinstance(data, list | tuple) else [data]
    return " ".join(p.decode(errors="replace") if isinstance(p, bytes) else str(p) for p in parts if p)


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
    except (imaplib.IMAP4.error, OSError, MailboxError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("mailbox poll failed", extra={"team": team.slug, "error": error})
        _record(team, error)
        counts["error"] = 1
        return counts
    try:
        typ, data = conn.uid("search", None, "UNSEEN")
        if typ != "OK":
            raise MailboxError(f"SEARCH UNSEEN failed: {_text(data)}")
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
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("mailbox poll failed", extra={"team": team.slug, "error": error})
        _record(team, error)
        counts["error"] = 1
        return counts
    finally:
        _logout(conn)
    _record(team, "")
    logger.info(
        "mailbox polled",
        extra={"team": team.slug, "seconds": round(time.monotonic() - started, 3), **counts},
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
            _record(team, f"{type(exc).__name__}: {exc}")
            results[team.slug] = {"error": 1}
    return results
