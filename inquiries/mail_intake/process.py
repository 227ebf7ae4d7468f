"""One parsed email becomes one outcome: a new inquiry, a requester reply or reopen, or a skip.

Threading (SPEC 3.3): an email continues an inquiry when its subject carries one of this team's
references (`[ADS-12]`, as every email we send has) or its In-Reply-To/References name a Message-ID
of an email we sent about that inquiry, AND it comes from that inquiry's requester. Anything else
is a new inquiry: a reference in the subject is no key to someone else's question."""

import re
from urllib.parse import urlparse

from django.conf import settings
from django.db import IntegrityError, transaction

from shifts.models import Team
from supportops.errors import ConflictError, DomainError, NotFoundError
from supportops.notifications import NoticeKind, emailed_inquiry_ids, notify

from ..models import Event, InboundEmail, Inquiry, Message
from ..services import event_record, inquiry_create, inquiry_reopen, inquiry_requester_reply
from ..services._common import inquiry_path, require_actor_member
from .parse import BODY_MAX, ParsedEmail, address_of

Outcome = InboundEmail.Outcome
# Our Message-IDs (notices.mail.message_id_for): `<ADS-12.ack.345@host>`, `<supportops.outbound.345@host>`;
# the outbox row's id is the last dot-separated part before the @.
_OUTBOUND_ID = re.compile(r"^<(?:[^<>@\s]*\.)?(\d+)@([^<>\s]+)>$")


def _sent_inquiry_ids(thread_ids: list[str]) -> list[int]:
    """Outbox rows named by Message-IDs we generated (notices.mail.message_id_for)."""
    host = (urlparse(settings.SITE_URL).hostname or "localhost").lower()
    ids = []
    for value in thread_ids:
        match = _OUTBOUND_ID.match(value)
        if match and match.group(2).lower() == host:
            ids.append(int(match.group(1)))
    return ids


def thread_inquiry(*, team: Team, email: ParsedEmail) -> Inquiry | None:
    """The team's inquiry this email continues, if it is from that inquiry's requester."""
    candidates: list[Inquiry] = []
    outbound = _sent_inquiry_ids(email.thread_ids)
    if outbound:
        # Newest header entry first: In-Reply-To comes before References in thread_ids.
        by_pk = emailed_inquiry_ids(outbound)
        inquiry_ids = [by_pk[pk] for pk in outbound if pk in by_pk]
        found = {i.pk: i for i in Inquiry.objects.filter(pk__in=inquiry_ids, team=team)}
        candidates += [found[pk] for pk in inquiry_ids if pk in found]
    prefix = re.escape(team.reference_prefix)
    references = [m.upper() for m in re.findall(rf"\[({prefix}-\d+)\]", email.subject, flags=re.IGNORECASE)]
    if references:
        candidates += list(Inquiry.objects.filter(team=team, reference__in=references))
    for inquiry in candidates:
        if inquiry.requester_email.lower() == email.from_address:
            inquiry.team = team
            return inquiry
    return None


def _skip_reason(*, team: Team, email: ParsedEmail) -> tuple[str, str]:
    if email.auto_reason:
        return Outcome.AUTO_REPLY, email.auto_reason
    ours = {address_of(settings.DEFAULT_FROM_EMAIL), (team.mail_username or "").lower()}
    if email.from_address and email.from_address in ours:
        # Our own acknowledgement or notice, delivered back to the mailbox: answering it would loop.
        return Outcome.LOOP, f"from {email.from_address}"
    if not email.from_address:
        return Outcome.REJECTED, "no sender address"
    return "", ""


def _continue(*, inquiry: Inquiry, body: str) -> tuple[str, Inquiry]:
    """A requester reply, a reopen within 14 days, or (too late to reopen) None."""
    try:
        return Outcome.REPLIED, inquiry_requester_reply(inquiry=inquiry, body=body)
    except ConflictError:
        pass  # resolved (perhaps just now): try to reopen
    try:
        return Outcome.REOPENED, inquiry_reopen(inquiry=inquiry, by_requester=True, body=body)
    except ConflictError:
        return Outcome.FOLLOW_UP, inquiry


def _create(*, team: Team, email: ParsedEmail, follows: Inquiry | None = None) -> Inquiry:
    body = email.body or "(The email had no text.)"
    if follows is not None:
        intro = f"[Follow-up to {follows.reference}, resolved and closed to replies.]\n\n"
        body = intro + body[: BODY_MAX - len(intro)]
    return inquiry_create(
        team=team,
        subject=email.subject or "(no subject)",
        body=body,
        requester_name=email.from_name or email.from_address.split("@")[0],
        requester_email=email.from_address,
        channel=Inquiry.Channel.EMAIL,
    )


def _notes(email: ParsedEmail, extra: str = "") -> str:
    notes = [extra] if extra else []
    if email.attachments:
        notes.append(f"attachments ignored: {', '.join(email.attachments)}")
    if email.truncated_from:
        notes.append(f"body truncated from {email.truncated_from} characters")
    return "; ".join(notes)


def inbound_email_process(*, team: Team, email: ParsedEmail) -> str:
    """Record the email and act on it in one transaction; returns the outcome, or "duplicate"
    if this team already processed a message with this Message-ID (nothing is done twice)."""
    try:
        with transaction.atomic():
            # The row first: a concurrent poller inserting the same (team, message_id) waits on the
            # unique index and then fails here, before it has created anything.
            record = InboundEmail.objects.create(
                team=team,
                message_id=email.message_id,
                from_address=email.from_address,
                subject=email.subject,
                outcome=Outcome.REJECTED,
            )
            outcome, note = _skip_reason(team=team, email=email)
            inquiry = None
            if not outcome:
                outcome, inquiry, note = _act(team=team, email=email, record=record)
            record.outcome = outcome
            record.inquiry = inquiry
            record.note = _notes(email, note)
            record.save(update_fields=["outcome", "inquiry", "note", "held_body", "held_note"])
    except IntegrityError:
        if InboundEmail.objects.filter(team=team, message_id=email.message_id).exists():
            return "duplicate"
        raise
    return outcome


def _act(*, team: Team, email: ParsedEmail, record: InboundEmail) -> tuple[str, Inquiry | None, str]:
    thread = thread_inquiry(team=team, email=email)
    try:
        if thread is None:
            # A new inquiry is accepted even from an unverified sender: it is a first contact and
            # grants nothing (its acknowledgement and tracking link go to the From address, i.e. to
            # the real owner of the address, not to a forger), and refusing it would drop every
            # question from domains without DMARC/DKIM. Only continuing an existing inquiry, which
            # speaks for its requester, needs the verified sender.
            return Outcome.CREATED, _create(team=team, email=email), ""
        if not email.verified:
            _hold(inquiry=thread, email=email, record=record)
            return Outcome.UNVERIFIED, thread, email.verification
        outcome, inquiry = _continue(inquiry=thread, body=email.body or "(The email had no text.)")
        if outcome == Outcome.FOLLOW_UP:
            return (
                Outcome.FOLLOW_UP,
                _create(team=team, email=email, follows=thread),
                f"follows {thread.reference}",
            )
        return outcome, inquiry, ""
    except DomainError as exc:
        # E.g. an invalid sender address: recorded, never retried on every poll.
        return Outcome.REJECTED, None, exc.message


def _hold(*, inquiry: Inquiry, email: ParsedEmail, record: InboundEmail) -> None:
    """File an unverified reply as an internal note: anyone can put the requester's address in From:,
    so it must not speak for the requester (change the state, reopen) until a member accepts it."""
    body = email.body or "(The email had no text.)"
    intro = (
        f"Unverified reply from {email.from_address} (subject: {email.subject or '-'}). The receiving "
        "server could not confirm the sender (no passing DMARC or DKIM for its domain). Accept it as the "
        "requester's reply only if it is genuine.\n\n"
    )
    note = Message.objects.create(
        inquiry=inquiry, kind=Message.Kind.NOTE, author=None, body=(intro + body)[:BODY_MAX]
    )
    event_record(
        inquiry=inquiry,
        kind=Event.Kind.UNVERIFIED_REPLY,
        to_value=email.from_address,
        note=email.verification,
    )
    record.held_body = body
    record.held_note = note
    if inquiry.assignee_id:
        notify(
            recipient=inquiry.assignee.user,
            kind=NoticeKind.UNVERIFIED_REPLY,
            title=f"{inquiry.reference}: unverified reply from {email.from_address}",
            body="Check it on the inquiry and accept it if it is genuine.",
            link=inquiry_path(inquiry),
            team=inquiry.team,
            inquiry=inquiry,
        )


def inbound_email_accept(*, inquiry: Inquiry, inbound_id: int, actor) -> str:
    """A member accepts a held (unverified) reply as the requester's: it then acts as a verified one
    would have (reply, reopen, or a follow-up inquiry). Returns the new outcome."""
    require_actor_member(team=inquiry.team, actor=actor)
    with transaction.atomic():
        record = (
            InboundEmail.objects.select_for_update()
            .filter(pk=inbound_id, inquiry=inquiry, team_id=inquiry.team_id)
            .first()
        )
        if record is None:
            raise NotFoundError(f"No held email {inbound_id} on {inquiry.reference}.")
        if record.outcome != Outcome.UNVERIFIED:
            raise ConflictError(f"That email was already handled ({record.get_outcome_display().lower()}).")
        outcome, result = _continue(inquiry=inquiry, body=record.held_body or "(The email had no text.)")
        if outcome == Outcome.FOLLOW_UP:
            email = ParsedEmail(
                message_id=record.message_id,
                from_name="",
                from_address=record.from_address,
                subject=record.subject,
                body=record.held_body,
            )
            result = _create(team=inquiry.team, email=email, follows=inquiry)
        who = actor.get_full_name() or actor.username
        event_record(
            inquiry=inquiry,
            kind=Event.Kind.UNVERIFIED_REPLY_ACCEPTED,
            actor=actor,
            to_value=record.from_address,
        )
        record.outcome = outcome
        record.inquiry = result
        record.note = "; ".join(filter(None, [record.note, f"accepted by {who}"]))
        record.save(update_fields=["outcome", "inquiry", "note"])
    return outcome
