"""Requester erasure (GDPR art. 17): anonymise everything one email address left in one or more teams.

Inquiries keep their reference, dates, states, topic and effort (the team's statistics stay right), but
lose the requester's name, address and question; the requester's messages are blanked, everything else
written about them (replies, notes, events, emails in the outbox, inbound-mail records, notifications)
has the address and the name replaced. The tracking link is rotated, so old links die, and emails still
waiting in the outbox are cancelled. One audit row per team records the counts, never the address."""

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from audit.services import audit_record
from inquiries.models import EffortLog, Escalation, Event, InboundEmail, Inquiry, Message
from notices.models import Notification, OutboundMessage
from shifts.models import Team, new_token
from supportops.errors import InvalidInput

ERASED = "[erased]"
ERASED_NAME = "Erased requester"
ERASED_BODY = "[erased at the requester's request]"


def _erased_address(inquiry_id: int | str) -> str:
    return f"erased-{inquiry_id}@erased.invalid"


class Scrubber:
    """Replaces the address and the requester's names (whole words, any case) in text and JSON."""

    def __init__(self, email: str, names: set[str]):
        parts = [re.escape(email)]
        parts += [rf"\b{re.escape(n)}\b" for n in sorted(names, key=len, reverse=True) if len(n) >= 2]
        self.pattern = re.compile("|".join(parts), re.IGNORECASE)

    def text(self, value: str) -> str:
        return self.pattern.sub(ERASED, value) if value else value

    def json(self, value: Any) -> Any:
        if value is None:
            return value
        return json.loads(self.text(json.dumps(value, ensure_ascii=False)))


def _scrub_rows(queryset, scrubber: Scrubber, fields: list[str], json_fields: tuple[str, ...] = ()) -> int:
    changed = 0
    for row in queryset.only("pk", *fields):
        updates = {}
        for name in fields:
            value = getattr(row, name)
            new = scrubber.json(value) if name in json_fields else scrubber.text(value)
            if new != value:
                updates[name] = new
        if updates:
            for name, value in updates.items():
                setattr(row, name, value)
            row.save(update_fields=list(updates))
            changed += 1
    return changed


@transaction.atomic
def requester_erase(*, email: str, teams: list[Team], actor) -> dict[str, int]:
    """Anonymise the requester `email` in `teams`; returns what was changed, by kind."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email!r} is not a valid email address.", field="email") from None
    inquiries = list(
        Inquiry.objects.select_for_update()
        .filter(team__in=teams, requester_email__iexact=email)
        .order_by("pk")
    )
    ids = [inquiry.pk for inquiry in inquiries]
    names = {inquiry.requester_name.strip() for inquiry in inquiries} - {"", ERASED_NAME}
    # A name's parts too ("Ada Lovelace" also as "Ada" and "Lovelace"): replies greet by first name.
    names |= {part for name in names for part in name.split() if len(part) >= 3}
    scrub = Scrubber(email, names)
    counts = {"inquiries": len(inquiries)}
    for inquiry in inquiries:
        inquiry.requester_name = ERASED_NAME
        inquiry.requester_email = _erased_address(inquiry.pk)
        inquiry.subject = scrub.text(inquiry.subject)
        inquiry.body = ERASED_BODY
        for name in ("handoff_note", "resolution_note", "constructive_correction", "comprehensive_solution"):
            setattr(inquiry, name, scrub.text(getattr(inquiry, name)))
        inquiry.tracking_token = new_token()
        inquiry.save()
    requests = Message.objects.filter(inquiry_id__in=ids, kind=Message.Kind.REQUEST)
    counts["messages"] = requests.update(body=ERASED_BODY)
    counts["messages"] += _scrub_rows(
        Message.objects.filter(inquiry_id__in=ids).exclude(kind=Message.Kind.REQUEST), scrub, ["body"]
    )
    counts["events"] = _scrub_rows(
        Event.objects.filter(inquiry_id__in=ids), scrub, ["from_value", "to_value", "note"]
    )
    _scrub_rows(Escalation.objects.filter(inquiry_id__in=ids), scrub, ["reason", "response_reason"])
    _scrub_rows(EffortLog.objects.filter(inquiry_id__in=ids), scrub, ["note"])
    _scrub_rows(Notification.objects.filter(inquiry_id__in=ids), scrub, ["title", "body"])
    inbound_ids = list(
        InboundEmail.objects.filter(
            Q(inquiry_id__in=ids) | Q(team__in=teams, from_address__iexact=email)
        ).values_list("pk", flat=True)
    )
    inbound = InboundEmail.objects.filter(pk__in=inbound_ids)
    inbound.filter(from_address__iexact=email).update(from_address="")
    counts["inbound_emails"] = _scrub_rows(inbound, scrub, ["subject", "note", "message_id"])
    outbound_ids = list(
        OutboundMessage.objects.filter(
            Q(inquiry_id__in=ids) | Q(inquiry__isnull=True, to__iexact=email)
        ).values_list("pk", flat=True)
    )
    outbound = OutboundMessage.objects.filter(pk__in=outbound_ids)
    # Nothing more goes out to, or about, the erased requester.
    outbound.filter(status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING]).update(
        status=OutboundMessage.Status.FAILED, last_error="Cancelled: the requester was erased."
    )
    outbound.filter(to__iexact=email).update(to="erased@erased.invalid")
    counts["outbound"] = _scrub_rows(
        outbound, scrub, ["to", "cc", "subject", "body", "payload", "last_error"], json_fields=("payload",)
    )
    for team in teams:
        team_count = sum(1 for inquiry in inquiries if inquiry.team_id == team.pk)
        audit_record(
            actor=actor,
            team=team,
            action="requester.erase",
            new={"inquiries": team_count, **{k: v for k, v in counts.items() if k != "inquiries"}},
        )
    return counts
