"""Action items (recommendations) and their owners: told when given one, reminded once a day while one
is overdue (SPEC 3.5, `action_item_overdue`), through the SLA sweep's machinery: the database selects
what is due, a row per (action item, day) with a unique constraint is the "once", a sweep killed
half-way rolls back and the next one does it again."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shifts.models import Member
from supportops.db import insert_ignoring_conflicts
from supportops.notifications import Notice, NoticeKind, notify_many

from ..models import ActionItemReminder, Recommendation

BATCH = 200


def _link(recommendation: Recommendation) -> str:
    return reverse("postmortem-detail", args=[recommendation.postmortem_id])


def action_item_owner_tell(*, recommendation: Recommendation, actor) -> None:
    """Tell a new owner they were given the action item (not when they took it themselves)."""
    owner: Member | None = recommendation.owner
    if owner is None or owner.user_id == getattr(actor, "pk", None):
        return
    postmortem = recommendation.postmortem
    due = f" Due {recommendation.due_date:%a %d %b %Y}." if recommendation.due_date else ""
    by = f" by {actor.get_full_name() or actor.username}" if actor is not None else ""
    notify_many(
        [
            Notice(
                recipients=[owner.user],
                kind=NoticeKind.ACTION_ITEM_ASSIGNED,
                title=f"Action item for you: {recommendation.description[:120]}",
                body=f'Given to you{by} in the postmortem "{postmortem.title}".{due}',
                link=_link(recommendation),
                team=postmortem.team,
            )
        ],
        webhook=False,
    )


def _sweep_batch(*, now: dt.datetime, after_id: int) -> tuple[int, int, int]:
    """One transaction: (candidates seen, reminders sent, last id seen)."""
    with transaction.atomic():
        candidates = list(
            Recommendation.objects.filter(
                status=Recommendation.Status.OPEN,
                owner__isnull=False,
                owner__is_active=True,
                # Overdue somewhere on Earth; each team's own day is checked below.
                due_date__lt=(now + dt.timedelta(days=1)).date(),
                pk__gt=after_id,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("owner__user", "postmortem__team")[:BATCH]
        )
        if not candidates:
            return 0, 0, after_id
        due: list[tuple[Recommendation, dt.date]] = []
        for item in candidates:
            today = timezone.localtime(now, ZoneInfo(item.postmortem.team.timezone)).date()
            if item.due_date < today:
                due.append((item, today))
        inserted = set(
            insert_ignoring_conflicts(
                ActionItemReminder,
                [{"recommendation": item.pk, "day": today, "created_at": now} for item, today in due],
                conflict=("recommendation", "day"),
                returning="recommendation",
            )
        )
        mine = [(item, today) for item, today in due if item.pk in inserted]
        notify_many(
            (
                Notice(
                    recipients=[item.owner.user],
                    kind=NoticeKind.ACTION_ITEM_OVERDUE,
                    title=f"Action item overdue: {item.description[:120]}",
                    body=(
                        f"Due {item.due_date:%a %d %b %Y} ({(today - item.due_date).days} days ago), "
                        f'from the postmortem "{item.postmortem.title}". '
                        "Mark it done or dropped, or give it a new date."
                    ),
                    link=_link(item),
                    team=item.postmortem.team,
                )
                for item, today in mine
            ),
            webhook=False,
        )
        return len(candidates), len(mine), candidates[-1].pk


def action_items_sweep(*, now: dt.datetime | None = None) -> int:
    """Remind the owner of every overdue open action item, once per day of their team; returns how
    many reminders were sent."""
    now = now or timezone.now()
    sent_total, after_id = 0, 0
    while True:
        seen, sent, after_id = _sweep_batch(now=now, after_id=after_id)
        sent_total += sent
        if seen < BATCH:
            return sent_total
