"""Response-time and topic figures of a team's inquiries per (local day received, topic), computed from
the raw rows. The sweep stores them (rollups.services); reports add up stored days and compute the
others here (rollups.selectors) — one code path, so stored and raw figures cannot drift apart."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Q, Sum
from django.db.models.expressions import RawSQL

from inquiries.models import EffortLog, Inquiry
from shifts.business_time import BusinessCalendar
from shifts.models import Team
from shifts.selectors import on_primary_shift

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

# What a stored day keeps of its Figures (RolledDay.figures; pending ones are 0 in a stored day).
DAY_COUNTS = (
    "received",
    "responded",
    "within_target",
    "within_guarantee",
    "resolved",
    "documentation",
    "effort_minutes",
    "with_resolution_target",
    "resolved_within_target",
    "pending_resolution",
)


def day_figures_json(figures: Figures) -> dict:
    return {**{name: getattr(figures, name) for name in DAY_COUNTS}, "channels": figures.channels}


def day_figures_from_json(data: dict) -> Figures:
    return Figures(
        **{name: data.get(name, 0) for name in DAY_COUNTS},
        channels={channel: list(counts) for channel, counts in (data.get("channels") or {}).items()},
    )


def calendar_key(team: Team) -> str:
    """What day boundaries and business minutes depend on besides the rows: a stored day computed
    under another time zone, coverage or holiday list is not used."""
    data = [team.timezone, team.coverage, team.holidays, team.holiday_country, team.holiday_subdivision]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:40]


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week (a RolledWeek's and the reports' weeks)."""
    return day - dt.timedelta(days=day.weekday())


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


def _pending(responded, due, guarantee, resolved_at, resolution_due, now: dt.datetime) -> bool:
    """Whether an inquiry's figures still change with time alone: unanswered before a response deadline,
    or open before its resolution target."""
    if responded is None and ((due is not None and due > now) or (guarantee is not None and guarantee > now)):
        return True
    return resolved_at is None and resolution_due is not None and resolution_due > now


def _id_in(column: str, ids: Collection[int] | None, model=Inquiry) -> Q:
    """`column = ANY(ids)` (PostgreSQL: stored days, hence pending ids, exist only there): unlike
    `pk__in`, an empty list still runs the query, so a report's statements do not depend on whether
    anything is pending."""
    if ids is None:
        return Q()
    table = connection.ops.quote_name(model._meta.db_table)
    condition = f"{table}.{connection.ops.quote_name(column)} = ANY(%s)"
    return Q(RawSQL(condition, [list(ids)], output_field=BooleanField()))


def raw_figures(
    *,
    team: Team,
    days: Iterable[dt.date] = (),
    now: dt.datetime,
    ids: Collection[int] | None = None,
    pending_apart: bool = False,
) -> tuple[dict[Key, Figures], dict[dt.date, dt.datetime | None], dict[dt.date, list[int]]]:
    """Figures per (day, topic) of the team's inquiries received on `days` (or of the inquiries `ids`),
    per day the instant after which none of its unanswered inquiries is pending any more (None: nothing
    pending), and per day the ids left out with `pending_apart` (what the sweep stores: the figures of
    inquiries that time alone cannot change; the pending ones are read raw by every report)."""
    tz = zoneinfo.ZoneInfo(team.timezone)
    days = set(days)
    figures: dict[Key, Figures] = defaultdict(Figures)
    settled: dict[dt.date, dt.datetime | None] = dict.fromkeys(days)
    pending: dict[dt.date, list[int]] = defaultdict(list)
    if not days and ids is None:
        return figures, settled, pending
    ranges = day_ranges(days, tz)
    inquiries = Inquiry.objects.filter(team=team).filter(_received_in(ranges) | _id_in("id", ids))
    calendar = BusinessCalendar.for_team(team)
    rows = inquiries.values_list(
        "pk",
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
    ).order_by()
    left_out: set[int] = set()
    for (
        pk,
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
        if pending_apart and _pending(responded, due, guarantee, resolved_at, resolution_due, now):
            pending[day].append(pk)
            left_out.add(pk)
            continue
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
                if resolution_due > now and (settled.get(day) is None or resolution_due > settled[day]):
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
        if latest is not None and (settled.get(day) is None or latest > settled[day]):
            settled[day] = latest
    effort = EffortLog.objects.filter(inquiry__team=team).filter(
        _received_in(ranges, "inquiry__") | _id_in("inquiry_id", ids, EffortLog)
    )
    if left_out:
        effort = effort.exclude(inquiry_id__in=left_out)
    for row in (
        effort.values("inquiry__received_at", "inquiry__topic_id").annotate(total=Sum("minutes")).order_by()
    ):
        day = row["inquiry__received_at"].astimezone(tz).date()
        figures[(day, row["inquiry__topic_id"])].effort_minutes += row["total"] or 0
    return figures, settled, pending


# -- per member, for the load report ------------------------------------------------------------------


@dataclass
class MemberFigures:
    """What members did on a day (team's local day of the act itself, not of the inquiry's arrival):
    responses written (first public reply, by the day the inquiry was responded to), inquiries resolved
    (ids: an inquiry resolved twice by one person in a period counts once), effort logged and the part
    logged outside their own primary shifts.

    Summed over days (`add`, `add_stored`), resolutions are kept as a count of each day's distinct
    inquiries plus how many of the period's days each repeated inquiry appears in: the distinct count of
    the period is the sum minus the repeats (`resolved_counts`), exact without an id per resolution."""

    responded: dict[int, int] = field(default_factory=dict)  # user id -> inquiries
    resolved: dict[int, set[int]] = field(default_factory=dict)  # user id -> inquiry ids (one day)
    # user id -> ids of that day's resolutions the same person also resolved on another day (the sweep
    # stores only these ids; `raw_member_figures(..., repeats=True)`)
    repeated: dict[int, set[int]] = field(default_factory=dict)
    effort: dict[int, list[int]] = field(default_factory=dict)  # member id -> [minutes, outside shifts]
    resolved_days: dict[int, int] = field(default_factory=dict)  # user id -> sum of daily distinct counts
    seen: dict[int, Counter] = field(default_factory=dict)  # user id -> inquiry id -> days it appears in

    def add(self, day: MemberFigures) -> None:
        """Add one day's raw figures."""
        for user_id, n in day.responded.items():
            self.responded[user_id] = self.responded.get(user_id, 0) + n
        for user_id, ids in day.resolved.items():
            self.add_resolved(user_id, len(ids), ids)
        for member_id, (total, outside) in day.effort.items():
            self.add_effort(member_id, total, outside)

    def add_resolved(self, user_id: int, count: int, ids: Iterable[int]) -> None:
        """`count` distinct inquiries resolved on one day; `ids`: at least those of them resolved on
        another day too."""
        self.resolved_days[user_id] = self.resolved_days.get(user_id, 0) + count
        self.seen.setdefault(user_id, Counter()).update(ids)

    def add_effort(self, member_id: int, total: int, outside: int) -> None:
        mine = self.effort.setdefault(member_id, [0, 0])
        mine[0] += total
        mine[1] += outside

    def resolved_counts(self) -> dict[int, int]:
        """user id -> distinct inquiries resolved over the days added."""
        return {
            user_id: count - sum(n - 1 for n in self.seen.get(user_id, {}).values() if n > 1)
            for user_id, count in self.resolved_days.items()
        }


def _in_ranges(field_name: str, ranges) -> Q:
    condition = Q()
    for start, end in ranges:
        condition |= Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return condition


def raw_member_figures(
    *, team: Team, days: Iterable[dt.date], repeats: bool = False
) -> dict[dt.date, MemberFigures]:
    """MemberFigures per local day of `days`, from the raw rows; with `repeats`, also which of each
    day's resolutions the same person made on another local day too (what the sweep stores)."""
    from django.db.models import OuterRef, Subquery

    from inquiries.models import Event, Message

    tz = zoneinfo.ZoneInfo(team.timezone)
    days = set(days)
    figures: dict[dt.date, MemberFigures] = defaultdict(MemberFigures)
    if not days:
        return figures
    ranges = day_ranges(days, tz)
    first_author = Subquery(
        Message.objects.filter(inquiry=OuterRef("pk"), kind=Message.Kind.REPLY)
        .order_by("created_at", "id")
        .values("author")[:1]
    )
    responded = (
        Inquiry.objects.filter(_in_ranges("responded_at", ranges), team=team)
        .annotate(first_author=first_author)
        .values_list("responded_at", "first_author")
        .order_by()
    )
    for responded_at, author in responded:
        if author is not None:
            by_user = figures[responded_at.astimezone(tz).date()].responded
            by_user[author] = by_user.get(author, 0) + 1
    resolved = (
        Event.objects.filter(_in_ranges("created_at", ranges), inquiry__team=team, kind=Event.Kind.RESOLVED)
        .exclude(actor=None)
        .values_list("created_at", "actor", "inquiry_id")
        .order_by()
    )
    resolved_ids: set[int] = set()
    for created_at, actor, inquiry_id in resolved:
        figures[created_at.astimezone(tz).date()].resolved.setdefault(actor, set()).add(inquiry_id)
        resolved_ids.add(inquiry_id)
    if repeats and resolved_ids:
        # Every resolution of the inquiries resolved on these days, whenever it was made: an inquiry
        # one person resolved on two local days is a repeat on both. The ids just read, not the query
        # again as a subquery: on tables not yet analyzed PostgreSQL planned that semi-join as a nested
        # loop re-evaluating every day range per event (minutes for 2,400 inquiries).
        days_of: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
        for created_at, actor, inquiry_id in (
            Event.objects.filter(kind="resolved", inquiry_id__in=sorted(resolved_ids))
            .exclude(actor=None)
            .values_list("created_at", "actor", "inquiry_id")
            .order_by()
        ):
            days_of[(actor, inquiry_id)].add(created_at.astimezone(tz).date())
        for (actor, inquiry_id), when in days_of.items():
            if len(when) > 1:
                for day in when & days:
                    figures[day].repeated.setdefault(actor, set()).add(inquiry_id)
    on_shift = on_primary_shift(member="member", at="created_at")
    effort = (
        EffortLog.objects.filter(_in_ranges("created_at", ranges), member__team=team)
        .annotate(on_shift=on_shift)
        .values_list("created_at", "member_id", "minutes", "on_shift")
        .order_by()
    )
    for created_at, member_id, minutes, shift in effort:
        mine = figures[created_at.astimezone(tz).date()].effort.setdefault(member_id, [0, 0])
        mine[0] += minutes
        mine[1] += 0 if shift else minutes
    return figures
