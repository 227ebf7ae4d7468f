"""Turn raw RFC 5322 bytes into what intake needs: sender, subject, a text body, threading ids.

Stdlib `email` with policy=default decodes encoded words (=?utf-8?...?=) and transfer encodings. The
body is the text/plain part if there is one, else the HTML part reduced to text. Attachments are not
imported, only named in the body so that the team knows to ask for them."""

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3
from django.conf import settings

BODY_MAX = 20000  # Inquiry.body / Message.body max_length
SUBJECT_MAX = 200
MESSAGE_ID_MAX = 255
AUTO_PRECEDENCE = {"bulk", "auto_reply", "list", "junk"}
DAEMONS = {"mailer-daemon", "postmaster"}
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6]|blockquote|pre)\s*>")
_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class ParsedEmail:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    body: str
    thread_ids: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    truncated_from: int | None = None
    auto_reason: str = ""
    # The sender's address is vouched for by our receiving server (see sender_verification).
    verified: bool = False
    verification: str = ""


def html_to_text(markup: str) -> str:
    """Tags removed by an HTML parser (nh3), not a regex: script and style contents go with them;
    entities are unescaped last, so `&lt;script&gt;` written by the sender stays visible text."""
    markup = _BLOCK_END.sub(lambda m: m.group(0) + "\n", markup)
    text = html.unescape(nh3.clean(markup, tags=set()))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def stable_id(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop intake; treat it as absent.
        return ""
    return str(value or "").strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is not None and _content(part).strip():
        return _content(part)
    # No text part, or an empty one next to the HTML (some clients send that): read the HTML.
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(_content(part))
    return ""


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # unknown charset or broken encoding: keep what can be read
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else ""


def _auto_reason(message: EmailMessage, from_address: str) -> str:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(message, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return "X-Autoreply"
    if from_address.split("@")[0].lower() in DAEMONS:
        return f"from {from_address}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    return ""


_COMMENT = re.compile(r"\([^()]*\)")


def _aligned(signing_domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment, approximated without the public-suffix list: the same domain, or one
    a subdomain of the other, and never a bare top-level domain."""
    d, f = signing_domain.lower().strip(".").strip(), from_domain.lower().strip(".")
    if not d or "." not in d or not f:
        return False
    return d == f or f.endswith("." + d) or d.endswith("." + f)


def sender_verification(message: EmailMessage, from_address: str) -> tuple[bool, str]:
    """Whether our own receiving server vouches for the From address (RFC 8601).

    Only an `Authentication-Results` header whose authserv-id is MAIL_AUTHSERV_ID counts, and only the
    topmost such one (added last, by our server; anything below may come from the sender). The sender is
    verified when DMARC passed for the From domain, or DKIM passed with a signing domain (d=) aligned
    with it. SPF alone is not enough: it vouches for the envelope sender, not the From header."""
    authserv_id = (getattr(settings, "MAIL_AUTHSERV_ID", "") or "").strip().lower()
    if not authserv_id:
        return False, "MAIL_AUTHSERV_ID is not configured"
    domain = from_address.rpartition("@")[2].lower()
    try:
        values = message.get_all("Authentication-Results") or []
    except Exception:  # noqa: BLE001 - malformed headers verify nothing
        values = []
    for value in values:
        text = " ".join(_COMMENT.sub(" ", str(value)).split())
        server, _, rest = text.partition(";")
        if (server.split() or [""])[0].lower() != authserv_id:
            continue
        for result in rest.split(";"):
            tokens = result.split()
            if not tokens:
                continue
            method, _, outcome = tokens[0].lower().partition("=")
            props = {}
            for token in tokens[1:]:
                key, sep, val = token.partition("=")
                if sep:
                    props[key.lower()] = val.strip('"').lower()
            if method == "dmarc" and outcome == "pass":
                header_from = props.get("header.from", domain)
                if header_from == domain:
                    return True, "dmarc=pass"
            if method == "dkim" and outcome == "pass":
                signer = props.get("header.d") or props.get("header.i", "").rpartition("@")[2]
                if _aligned(signer, domain):
                    return True, f"dkim=pass d={signer}"
        return False, "no passing DMARC or aligned DKIM in our server's Authentication-Results"
    return False, "no Authentication-Results from our receiving server"


def _with_notes(body: str, attachments: list[str]) -> tuple[str, int | None]:
    """The body with a note on attachments, cut to BODY_MAX with a note if it is longer."""
    notes = ""
    if attachments:
        notes += "\n\n[Attachments not imported: " + ", ".join(attachments) + "]"
    if len(body) + len(notes) <= BODY_MAX:
        return body + notes, None
    cut = f"\n\n[Truncated: the email had {len(body)} characters; the rest is in the team mailbox.]"
    return body[: BODY_MAX - len(notes) - len(cut)].rstrip() + cut + notes, len(body)


def parse_email(raw: bytes) -> ParsedEmail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    from_name, from_address = parseaddr(_header(message, "From"))
    message_id = _header(message, "Message-ID")
    if not message_id or len(message_id) > MESSAGE_ID_MAX:
        # No (usable) Message-ID: a hash of the bytes is stable across polls of the same message.
        message_id = stable_id(raw)
    thread_ids = _ID.findall(_header(message, "In-Reply-To") + " " + _header(message, "References"))
    attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    body, truncated_from = _with_notes(_body(message).strip(), attachments)
    subject = " ".join(_header(message, "Subject").split())[:SUBJECT_MAX]
    verified, verification = sender_verification(message, from_address.strip().lower())
    return ParsedEmail(
        message_id=message_id,
        from_name=" ".join(from_name.split())[:120],
        from_address=from_address.strip().lower()[:254],
        subject=subject,
        body=body,
        thread_ids=thread_ids,
        attachments=attachments,
        truncated_from=truncated_from,
        auto_reason=_auto_reason(message, from_address),
        verified=verified,
        verification=verification,
    )


def address_of(value: str) -> str:
    """The bare address of a From-style value, e.g. DEFAULT_FROM_EMAIL."""
    pairs = getaddresses([value])
    return pairs[0][1].strip().lower() if pairs else ""
