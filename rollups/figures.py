"""Response-time and topic figures of a team's inquiries per (local day received, topic), computed from
the raw rows. The sweep stores them (rollups.services); reports add up stored days and compute the
others here (rollups.selectors) — one code path, so stored and raw figures cannot drift apart."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from inquiries.models import EffortLog, Inquiry
from shifts.business_time import BusinessCalendar
from shifts.models import Team

# Resolutions that point to an answer someone could have found (the topics report's "documentation").
DOCUMENTATION_KINDS = ("answered", "documentation", "workaround")
MINUTE = dt.timedelta(minutes=1)


@dataclass
class Figures:
    received: int = 0
    responded: int = 0
    within_target: int = 0
    within_guarantee: int = 0
    pending_target: int = 0
    pending_guarantee: int = 0
    resolved: int = 0
    documentation: int = 0
    effort_minutes: int = 0
    # The resolution target (SPEC 3.1/3.5): inquiries that have one, resolved by it, and still open
    # before it (or waiting on the requester, which pauses it).
    with_resolution_target: int = 0
    resolved_within_target: int = 0
    pending_resolution: int = 0
    calendar_minutes: list[float] = field(default_factory=list)
    business_minutes: list[float] = field(default_factory=list)
    # channel -> [received, responded, responded within target] (the report's by-channel table)
    channels: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        for name in (
            "received",
            "responded",
            "within_target",
            "within_guarantee",
            "pending_target",
            "pending_guarantee",
            "resolved",
            "documentation",
            "effort_minutes",
            "with_resolution_target",
            "resolved_within_target",
            "pending_resolution",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.calendar_minutes.extend(other.calendar_minutes)
        self.business_minutes.extend(other.business_minutes)
        for channel, counts in other.channels.items():
            mine = self.channels.setdefault(channel, [0, 0, 0])
            for index, value in enumerate(counts):
                mine[index] += value


Key = tuple[dt.date, int | None]  # (local day received, topic id)


def calendar_key(team: Team) -> str:
    """What day boundaries and business minutes depend on besides the rows: a stored day computed
    under another time zone, coverage or holiday list is not used."""
    data = [team.timezone, team.coverage, team.holidays, team.holiday_country, team.holiday_subdivision]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:40]


def day_ranges(days: Iterable[dt.date], tz: zoneinfo.ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """Runs of consecutive local days as [start, end) instants: few ranges for a period's edges."""
    ranges: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [
        (
            dt.datetime.combine(first, dt.time(), tzinfo=tz),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
        )
        for first, last in ranges
    ]


def _received_in(ranges, prefix: str = "") -> Q:
    condition = Q()
    for start, end in ranges:
        condition |= Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end})
    return condition


def raw_figures(
    *, team: Team, days: Iterable[dt.date], now: dt.datetime
) -> tuple[dict[Key, Figures], dict[dt.date, dt.datetime | None]]:
    """Figures per (day, topic) of the inquiries received on `days`, and per day the instant after which
    none of its unanswered inquiries is pending any more (None: nothing pending)."""
    tz = zoneinfo.ZoneInfo(team.timezone)
    days = set(days)
    figures: dict[Key, Figures] = defaultdict(Figures)
    settled: dict[dt.date, dt.datetime | None] = dict.fromkeys(days)
    if not days:
        return figures, settled
    ranges = day_ranges(days, tz)
    calendar = BusinessCalendar.for_team(team)
    rows = (
        Inquiry.objects.filter(team=team)
        .filter(_received_in(ranges))
        .values_list(
            "received_at",
            "responded_at",
            "response_due_at",
            "response_guarantee_at",
            "topic_id",
            "status",
            "resolution_kind",
            "resolved_at",
            "resolution_due_at",
            "channel",
        )
        .order_by()
    )
    for (
        received,
        responded,
        due,
        guarantee,
        topic_id,
        status,
        kind,
        resolved_at,
        resolution_due,
        channel,
    ) in rows:
        day = received.astimezone(tz).date()
        f = figures[(day, topic_id)]
        f.received += 1
        by_channel = f.channels.setdefault(channel, [0, 0, 0])
        by_channel[0] += 1
        by_channel[1] += responded is not None
        by_channel[2] += responded is not None and due is not None and responded <= due
        f.resolved += status == Inquiry.Status.RESOLVED
        f.documentation += kind in DOCUMENTATION_KINDS
        if resolution_due is not None:
            f.with_resolution_target += 1
            f.resolved_within_target += resolved_at is not None and resolved_at <= resolution_due
            if resolved_at is None and (resolution_due > now or status == Inquiry.Status.WAITING):
                # Still open before its target: the day stays raw until then (a change of status marks
                # the day dirty anyway).
                f.pending_resolution += 1
                if resolution_due > now and (settled[day] is None or resolution_due > settled[day]):
                    settled[day] = resolution_due
        if responded is not None:
            f.responded += 1
            f.within_target += due is not None and responded <= due
            f.within_guarantee += guarantee is not None and responded <= guarantee
            f.calendar_minutes.append((responded - received) / MINUTE)
            f.business_minutes.append(calendar.minutes_between(received, responded))
            continue
        f.pending_target += due is not None and due > now
        f.pending_guarantee += guarantee is not None and guarantee > now
        latest = max((d for d in (due, guarantee) if d is not None), default=None)
        if latest is not None and (settled[day] is None or latest > settled[day]):
            settled[day] = latest
    effort = (
        EffortLog.objects.filter(inquiry__team=team)
        .filter(_received_in(ranges, "inquiry__"))
        .values("inquiry__received_at", "inquiry__topic_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    for row in effort:
        day = row["inquiry__received_at"].astimezone(tz).date()
        figures[(day, row["inquiry__topic_id"])].effort_minutes += row["total"] or 0
    return figures, settled
