"""The email channel (SPEC 3.3): team mailboxes polled over IMAP."""

from .imap import mailbox_poll, mailboxes_poll
from .parse import ParsedEmail, html_to_text, parse_email
from .process import inbound_email_accept, inbound_email_process, thread_inquiry

__all__ = [
    "ParsedEmail",
    "html_to_text",
    "inbound_email_accept",
    "inbound_email_process",
    "mailbox_poll",
    "mailboxes_poll",
    "parse_email",
    "thread_inquiry",
]
