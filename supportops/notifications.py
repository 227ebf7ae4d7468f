"""The one way to tell someone something — the interface every app calls.

In-app notifications, personal emails, team webhooks and the outbox are kept by the `notices` app, which
sits above `inquiries` (its rows point at inquiries, teams and shifts). The apps below it (shifts,
inquiries) cannot import it, so they call these functions, and `notices` registers the implementation in
its AppConfig.ready() (`register_backend`). Apps above may import `notices` for its models, but send
through here too, so there is one way to send.

Times in a notice: write `at(instant)` into a title or body instead of a formatted time. Each recipient
reads it in their own zone (their profile's, else the notice's team's), zone named ("Thu 26 Nov 03:00
EST"); a team's webhook reads it in the team's zone. The marker is `\\x00<ISO instant>\\x00`: text from
the database can never contain NUL (PostgreSQL refuses it), and a marker left unrendered would make the
INSERT fail rather than send garbage."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from .times import clock

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class NoticeKind(models.TextChoices):
    """Every kind a notification is sent with, in one place (`notices.models.Notification.Kind`; not
    `choices=` on the column: a new kind would need a migration); the labels are what the inbox shows.
    `TEAM_EVENTS` are those a team's webhook also receives."""

    NEW_INQUIRY = "new_inquiry", "New inquiry"
    ASSIGNED = "assigned", "Assigned to you"
    REQUESTER_REPLIED = "requester_replied", "The requester replied"
    REOPENED = "reopened", "Reopened"
    ESCALATED = "escalated", "Your help is asked"
    ESCALATION_ACCEPTED = "escalation_accepted", "Escalation accepted"
    ESCALATION_DECLINED = "escalation_declined", "Escalation declined"
    RESPONSE_DUE_SOON = "response_due_soon", "Response due soon"
    RESPONSE_OVERDUE = "response_overdue", "Response overdue"
    GUARANTEE_BREACHED = "guarantee_breached", "Guarantee breached"
    RESOLUTION_OVERDUE = "resolution_overdue", "Resolution overdue"
    QUEUE_UNCOVERED = "queue_uncovered", "Queue uncovered"
    HANDOFF_DIGEST = "handoff_digest", "Handed to you at shift change"
    SHIFT_CHANGED = "shift_changed", "Shift changed"
    SHIFT_REMINDER = "shift_reminder", "Shift reminder"
    SWAP_REQUESTED = "swap_requested", "Swap requested"
    SWAP_DECLINED = "swap_declined", "Swap declined"
    ROTATION_UNFILLED = "rotation_unfilled", "Rotation cannot be filled"
    POSTMORTEM_IN_REVIEW = "postmortem_in_review", "Postmortem to review"
    SESSION_BOOKED = "session_booked", "Session booked"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    SESSION_REHOSTED = "session_rehosted", "Session re-hosted"
    RESOLUTION_DUE_SOON = "resolution_due_soon", "Resolution due soon"
    ACTION_ITEM_ASSIGNED = "action_item_assigned", "Action item for you"
    ACTION_ITEM_OVERDUE = "action_item_overdue", "Action item overdue"
    UNVERIFIED_REPLY = "unverified_reply", "Unverified email reply held"


# Events about the team's queue as a whole go to the team channel (SPEC 3.5); personal notices (shift
# reminders, "assigned to you", "due soon", swaps) stay in the person's inbox and email.
TEAM_EVENTS = frozenset(
    {
        NoticeKind.NEW_INQUIRY,
        NoticeKind.RESPONSE_OVERDUE,
        NoticeKind.GUARANTEE_BREACHED,
        NoticeKind.RESOLUTION_OVERDUE,
        NoticeKind.QUEUE_UNCOVERED,
        NoticeKind.HANDOFF_DIGEST,
    }
)


@dataclass(frozen=True)
class Notice:
    """One thing to tell: an in-app row and an email for each recipient, one post to the team's webhook.
    `team`, `inquiry` and `shift` are model instances of those apps (typed loosely: this layer is below
    them)."""

    recipients: Sequence[AbstractBaseUser | None]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    team: Any = None
    inquiry: Any = None
    shift: Any = None


_MARK = "\x00"
_AT = re.compile(r"\x00(\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d)?)\x00")


def at(instant: dt.datetime) -> str:
    """A marker for `instant` in a notice's title or body, read in each recipient's zone (module doc)."""
    return f"{_MARK}{instant.isoformat()}{_MARK}"


def has_times(text: str) -> bool:
    return _MARK in text


def in_zone(text: str, tz: str) -> str:
    """The text with every `at()` marker written as a clock time in `tz`, zone named."""
    if _MARK not in text:
        return text
    return _AT.sub(lambda match: clock(dt.datetime.fromisoformat(match.group(1)), tz), text)


class Backend(Protocol):
    """What `notices` provides (notices.services)."""

    def notify_many(
        self,
        notices: Iterable[Notice],
        *,
        email: bool,
        webhook: bool,
        also: Sequence[Any],
        before: Sequence[Sequence[Any]],
    ) -> list: ...

    def team_webhook(self, *, team, kind: str, title: str, body: str, link: str, inquiry) -> None: ...

    def team_webhook_messages(
        self, *, team, kind: str, title: str, body: str, link: str, inquiry
    ) -> list: ...

    def email_message(self, **fields) -> Any: ...

    def outbox_add(self, messages: Sequence[Any], *, before: Sequence[Sequence[Any]]) -> list: ...

    def emailed_inquiry_ids(self, message_ids: Sequence[int]) -> dict[int, int]: ...

    def publish_delivery(self, message_ids: Sequence[int], webhook_ids: Sequence[int]) -> None: ...


_backend: list[Backend] = []


def register_backend(backend: Backend) -> None:
    _backend[:] = [backend]


def _impl() -> Backend:
    if not _backend:
        raise RuntimeError("No notices backend registered: is the `notices` app installed?")
    return _backend[0]


def notify_many(
    notices: Iterable[Notice],
    *,
    email: bool = True,
    webhook: bool = True,
    also: Sequence[Any] = (),
    before: Sequence[Sequence[Any]] = (),
) -> list:
    """Tell many people many things in two INSERTs (notifications, then their outbox rows); returns
    the Notification rows. A recipient listed twice in one notice is told once; the team's webhook gets
    one post per team-level notice (TEAM_EVENTS). `also`: other unsaved outbound messages of the same
    change (`email_message`, `team_webhook_messages`), written in the same outbox INSERT (an intake's
    acknowledgement)."""
    return _impl().notify_many(notices, email=email, webhook=webhook, also=also, before=before)


def notify(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    team=None,
    inquiry=None,
    shift=None,
    email: bool = True,
    webhook: bool = True,
):
    """In-app notification plus an email copy to the recipient (if they have an address) and, for a
    team-level event (TEAM_EVENTS) of a team with a webhook, a post to it. Returns the Notification."""
    notice = Notice(
        recipients=[recipient],
        kind=kind,
        title=title,
        body=body,
        link=link,
        team=team,
        inquiry=inquiry,
        shift=shift,
    )
    return notify_many([notice], email=email, webhook=webhook)[0]


def team_webhook(*, team, kind: str, title: str, body: str = "", link: str = "", inquiry=None) -> None:
    """Post a team-level event to the team's channel, if it has one (no inbox row, no email)."""
    if kind not in TEAM_EVENTS:
        raise ValueError(f"{kind!r} is not a team-level event")
    _impl().team_webhook(team=team, kind=kind, title=title, body=body, link=link, inquiry=inquiry)


def team_webhook_messages(
    *, team, kind: str, title: str, body: str = "", link: str = "", inquiry=None
) -> list:
    """The unsaved post of a team-level event to the team's channel, if it has one (for `outbox_add` or
    `notify_many(also=...)`); an empty list without a webhook."""
    if kind not in TEAM_EVENTS:
        raise ValueError(f"{kind!r} is not a team-level event")
    return _impl().team_webhook_messages(
        team=team, kind=kind, title=title, body=body, link=link, inquiry=inquiry
    )


def email_message(
    *,
    to: str,
    subject: str,
    body: str,
    cc: str = "",
    inquiry=None,
    notification=None,
    kind: str = "",
    automatic: bool = True,
):
    """An unsaved outbound email, for `outbox_add`. `kind` names it in its Message-ID; `automatic`
    False for what a person wrote (a public reply), so it goes without `Auto-Submitted`."""
    return _impl().email_message(
        to=to,
        subject=subject,
        body=body,
        cc=cc,
        inquiry=inquiry,
        notification=notification,
        kind=kind,
        automatic=automatic,
    )


def outbox_add(messages: Sequence[Any], *, before: Sequence[Sequence[Any]] = ()) -> list:
    """Write outbound messages (one INSERT) and deliver them after the surrounding transaction commits.
    `before`: other unsaved rows of the same change (groups of one model each, e.g. a new inquiry, its
    message and events), written first in the same statement on PostgreSQL; the messages may point
    to them."""
    return _impl().outbox_add(messages, before=before)


def outbox_email(
    *,
    to: str,
    subject: str,
    body: str,
    cc: str = "",
    inquiry=None,
    notification=None,
    kind: str = "",
    automatic: bool = True,
):
    """One email through the outbox (`email_message` + `outbox_add`); returns the outbox row."""
    message = email_message(
        to=to,
        subject=subject,
        body=body,
        cc=cc,
        inquiry=inquiry,
        notification=notification,
        kind=kind,
        automatic=automatic,
    )
    return outbox_add([message])[0]


# Delivery after commit: the request's whole share is one RPUSH of the new rows' ids on this Redis list
# (REDIS_URL, the broker's database), instead of building and publishing Celery tasks (kombu's publish cost
# more than all of an intake's INSERTs). Every worker pops it (`supportops.outbox_nudges`) and publishes the
# delivery tasks through `publish_delivery`. The outbox row is the truth: a nudge lost with Redis or a
# worker killed between pop and publish only means the outbox sweep sends the row on its next round.
NUDGE_KEY = "supportops:outbox:nudge"


def publish_delivery(message_ids: Sequence[int], webhook_ids: Sequence[int] = ()) -> None:
    """Publish the delivery tasks of these outbox rows (raises on a broker error); the workers' nudge
    thread calls it."""
    _impl().publish_delivery(message_ids, webhook_ids)


def emailed_inquiry_ids(message_ids: Sequence[int]) -> dict[int, int]:
    """{outbox row id: inquiry id} for those of the rows that were about an inquiry (email threading)."""
    return _impl().emailed_inquiry_ids(message_ids) if message_ids else {}


# Who does not want which notice by email, and which zone a person reads times in, are kept by an app
# above this one (accounts): it registers a source here, `notices` asks it once per batch of notices.


@dataclass(frozen=True)
class Preferences:
    muted: set[tuple[int, str]]  # (user id, kind) pairs kept out of email (the in-app notice is written)
    zones: dict[int, str]  # user id -> the zone they chose; people without a choice are left out


# `source(wanted={user id: {kinds}}, zones_for={user ids})` -> Preferences; one query at most, none
# when nothing asked for can differ from the default.
PreferenceSource = Callable[..., Preferences]
preference_sources: list[PreferenceSource] = []


def register_preferences(source: PreferenceSource) -> None:
    if source not in preference_sources:
        preference_sources.append(source)


# A read that loads people anyway can bring their preferences along (the Primary, on every submission:
# shifts.selectors.primary_for_arrival): the source registers a join, the read LEFT JOINs its table and
# puts `build(values)` = (muted kinds, chosen zone or "") on the user as PRELOADED; `notices` then asks no
# source about that user.
PRELOADED = "preloaded_notice_preferences"


@dataclass(frozen=True)
class PreferenceJoin:
    table: str
    user_column: str
    columns: tuple[str, ...]
    build: Callable[..., tuple[frozenset[str], str]]


preference_joins: list[PreferenceJoin] = []


def register_preference_join(join: PreferenceJoin) -> None:
    if join not in preference_joins:
        preference_joins.append(join)
