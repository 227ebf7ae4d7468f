"""Figures of a reporting period: stored days where they are current, raw rows for the others.

A year reads O(days × topics) stored rows, summed by the database where it can (counts per day or per
topic, channels, effort), plus each stored day's bucket counts of its minutes to first response; medians
and p90 then read only the slices of the days' sorted minutes in the buckets holding their ranks
(`minute_slices`, `reports.stats.bucket_percentiles`, `rollups.minutes`)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.db import connection
from django.db.models import Q, Sum

from shifts.models import Team

from .figures import (
    DAY_COUNTS,
    Figures,
    MemberFigures,
    _received_in,
    calendar_key,
    day_figures_from_json,
    day_ranges,
    raw_figures,
    raw_member_figures,
)
from .minutes import MinuteRun, unpack_values
from .models import DayMemberFigures, DayTopicFigures, DirtyDay, RolledDay

# What raw days add besides: unanswered inquiries still inside a deadline at "now", and the channels.
RAW_COUNTS = (*DAY_COUNTS, "pending_target", "pending_guarantee", "channels")


def _days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


@dataclass
class Stored:
    """The current stored days of a period, the pending inquiries they left out, their minute runs."""

    usable: set[dt.date] = field(default_factory=set)
    pending_ids: list[int] = field(default_factory=list)
    # day -> (its figures as stored, its calendar minutes, its business minutes: runs read by slices)
    minutes: dict[dt.date, tuple[dict, MinuteRun, MinuteRun]] = field(default_factory=dict)


def stored_days(
    *, team: Team, first: dt.date, last: dt.date, now: dt.datetime, settled: bool, minutes: bool = False
) -> Stored:
    """The days first..last whose stored figures are current: stored under the team's current calendar
    and not marked since. With `settled` (figures that depend on "now": response deadlines), also only
    days none of whose stored inquiries can still be pending at `now`. The inquiries a day left out as
    pending when it was computed (`RolledDay.pending_ids`) are returned to be read raw. Without
    PostgreSQL (no triggers, nothing stored) nothing is usable."""
    if not settings.IS_POSTGRES:
        return Stored()
    columns = ["day", "settled_at", "pending_ids"] + (
        ["figures", "calendar_buckets", "business_buckets", "computed_at"] if minutes else []
    )
    rows = (
        RolledDay.objects.filter(team=team, day__gte=first, day__lte=last, calendar_key=calendar_key(team))
        .exclude(day__in=DirtyDay.objects.filter(team=team, day__gte=first, day__lte=last).values("day"))
        .values_list(*columns)
    )
    stored = Stored()
    for day, settled_at, pending_ids, *packed in rows:
        if settled and settled_at is not None and settled_at > now:
            continue
        if minutes:
            figures, calendar, business, computed_at = packed
            runs = (
                MinuteRun.stored(calendar, (day, "calendar_minutes", computed_at)),
                MinuteRun.stored(business, (day, "business_minutes", computed_at)),
            )
            if not all(len(run) == (figures or {}).get("responded", 0) for run in runs):
                continue  # not in this format (written by older code): read raw until recomputed
            stored.minutes[day] = (figures, *runs)
        stored.usable.add(day)
        stored.pending_ids.extend(pending_ids or ())
    return stored


def _raw_rest(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime, stored: Stored) -> dict:
    """Figures per (day, topic) of what the stored days do not hold: the other days, and the pending
    inquiries the stored days left out. Two queries on PostgreSQL, whatever is raw (none raw: two
    queries that find nothing)."""
    ids = stored.pending_ids if settings.IS_POSTGRES else None
    return raw_figures(team=team, days=_days(first, last) - stored.usable, now=now, ids=ids)[0]


@dataclass
class PeriodDays:
    """Response figures of a period per local day: counts (a Figures without minute lists), the runs of
    minutes to first response (calendar, business: a stored day's, read by slices, and one of raw rows)
    and the received/responded/within-target counts per channel over the whole period."""

    counts: dict[dt.date, Figures] = field(default_factory=lambda: defaultdict(Figures))
    calendar: dict[dt.date, list[MinuteRun]] = field(default_factory=lambda: defaultdict(list))
    business: dict[dt.date, list[MinuteRun]] = field(default_factory=lambda: defaultdict(list))
    channels: dict[str, list[int]] = field(default_factory=dict)


def period_days(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> PeriodDays:
    """PeriodDays for the local days first..last: stored days (one row each: counts, channels, minute
    bucket counts) where current and settled, raw rows for the rest and for their pending inquiries."""
    stored = stored_days(team=team, first=first, last=last, now=now, settled=True, minutes=True)
    result = PeriodDays()
    raw_minutes: dict[dt.date, tuple[list, list]] = defaultdict(lambda: ([], []))
    for (day, _topic), f in _raw_rest(team=team, first=first, last=last, now=now, stored=stored).items():
        result.counts[day].add(Figures(**{name: getattr(f, name) for name in RAW_COUNTS}))
        raw_minutes[day][0].extend(f.calendar_minutes)
        raw_minutes[day][1].extend(f.business_minutes)
    for day, (calendar, business) in raw_minutes.items():
        if calendar:
            result.calendar[day].append(MinuteRun.of(calendar))
            result.business[day].append(MinuteRun.of(business))
    for day, (figures, calendar, business) in stored.minutes.items():
        if figures:
            result.counts[day].add(day_figures_from_json(figures))
        if calendar.counts:
            result.calendar[day].append(calendar)
            result.business[day].append(business)
    result.channels = _merged_channels(result.counts.values())
    return result


class StaleDays(Exception):
    """A stored day was recomputed between reading its bucket counts and its minutes."""


def minute_slices(*, team: Team, requests: list[tuple[MinuteRun, int, int]]) -> list[array]:
    """The values `first`..`first + count - 1` of each stored run (of `team`'s days), in one statement:
    the period's rows joined with the slices wanted, a `substring` of the packed column each (reading
    only the TOAST chunks holding it). Each row must still be the one whose counts were read (same
    `computed_at`), else StaleDays (the caller reads again)."""
    sql = f"""
        SELECT s.n, r.computed_at,
               substring(CASE WHEN s.col = 0 THEN r.calendar_minutes ELSE r.business_minutes END
                         FROM s.first * 8 + 1 FOR s.count * 8)
        FROM {RolledDay._meta.db_table} r
        JOIN unnest(%s::int[], %s::date[], %s::int[], %s::int[], %s::int[]) AS s(n, day, col, first, count)
          ON s.day = r.day
        WHERE r.team_id = %s AND r.day BETWEEN %s AND %s
    """
    days = [run.source[0] for run, _, _ in requests]
    columns = (
        range(len(requests)),
        days,
        [0 if run.source[1] == "calendar_minutes" else 1 for run, _, _ in requests],
        [first for _, first, _ in requests],
        [count for _, _, count in requests],
    )
    # As array literals: one parameter each, however many slices (not an ARRAY[...] of as many).
    arrays = ["{" + ",".join(map(str, values)) + "}" for values in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arrays, team.pk, min(days, default=None), max(days, default=None)])
        found = {n: (computed_at, data) for n, computed_at, data in cursor.fetchall()}
    slices = []
    for n, (run, _, count) in enumerate(requests):
        computed_at, data = found.get(n, (None, b""))
        if computed_at != run.source[2] or len(data) != count * 8:
            raise StaleDays
        slices.append(unpack_values(data))
    return slices


def _merged_channels(figures) -> dict[str, list[int]]:
    channels: dict[str, list[int]] = {}
    for f in figures:
        for channel, counts in f.channels.items():
            mine = channels.setdefault(channel, [0, 0, 0])
            for index, value in enumerate(counts):
                mine[index] += value
    return channels


def period_topics(
    *, team: Team, first: dt.date, last: dt.date, now: dt.datetime
) -> dict[int | None, Figures]:
    """Received, resolved and effort per topic of the inquiries received in the local days first..last:
    stored days (current; none of these depends on "now") summed per topic by the database, raw rows
    for the other days and for the stored days' pending inquiries."""
    stored = stored_days(team=team, first=first, last=last, now=now, settled=False)
    topics: dict[int | None, Figures] = defaultdict(Figures)
    for (_day, topic_id), f in _raw_rest(team=team, first=first, last=last, now=now, stored=stored).items():
        topics[topic_id].add(f)
    if stored.usable:
        sums = (
            DayTopicFigures.objects.filter(team=team, day__in=sorted(stored.usable))
            .values("topic_id")
            .annotate(
                received=Sum("received"), resolved=Sum("resolved"), effort_minutes=Sum("effort_minutes")
            )
            .order_by()
        )
        for row in sums:
            topics[row.pop("topic_id")].add(Figures(**row))
    return topics


def period_member_figures(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> MemberFigures:
    """What each member did in the local days first..last (the load report): stored days where current
    (summed per person by the database, plus the few ids resolved on more than one day), raw rows for the
    others; without PostgreSQL every day is raw."""
    stored = stored_days(team=team, first=first, last=last, now=now, settled=False)
    total = MemberFigures()
    for figures in raw_member_figures(team=team, days=_days(first, last) - stored.usable).values():
        total.add(figures)
    if not stored.usable:
        return total
    sums = (
        DayMemberFigures.objects.filter(team=team, day__in=sorted(stored.usable))
        .values("user_id", "member_id")
        .annotate(
            responded=Sum("responded"),
            resolved_total=Sum("resolved_count"),
            minutes=Sum("effort_minutes"),
            outside=Sum("effort_outside_minutes"),
            # The few ids resolved on more than one day (PostgreSQL: stored days exist only there).
            repeated=JSONBAgg("resolved", filter=~Q(resolved=[])),
        )
        .order_by()
    )
    for row in sums:
        if row["user_id"] is not None:
            if row["responded"]:
                total.responded[row["user_id"]] = total.responded.get(row["user_id"], 0) + row["responded"]
            repeated = [inquiry_id for ids in row["repeated"] or () for inquiry_id in ids]
            total.add_resolved(row["user_id"], row["resolved_total"] or 0, repeated)
        if row["member_id"] is not None:
            total.add_effort(row["member_id"], row["minutes"] or 0, row["outside"] or 0)
    return total


def period_effort_minutes(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> int:
    """Minutes of effort the team's members logged in the local days first..last (the cost report): the
    stored days' member figures summed by the database, effort logs counted for the other days."""
    from inquiries.models import EffortLog

    from .figures import _in_ranges

    stored = stored_days(team=team, first=first, last=last, now=now, settled=False)
    raw = _days(first, last) - stored.usable
    minutes = 0
    if raw:
        ranges = day_ranges(raw, zoneinfo.ZoneInfo(team.timezone))
        minutes += (
            EffortLog.objects.filter(_in_ranges("created_at", ranges), member__team=team).aggregate(
                n=Sum("minutes")
            )["n"]
            or 0
        )
    if stored.usable:
        minutes += (
            DayMemberFigures.objects.filter(
                team=team, day__in=sorted(stored.usable), member_id__isnull=False
            ).aggregate(n=Sum("effort_minutes"))["n"]
            or 0
        )
    return minutes


def period_received(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> int:
    """Inquiries the team received in the local days first..last: stored days' counts where current
    (plus the pending inquiries they left out), a count of the raw rows for the others."""
    from inquiries.models import Inquiry

    stored = stored_days(team=team, first=first, last=last, now=now, settled=False)
    raw = _days(first, last) - stored.usable
    received = len(stored.pending_ids)
    if raw:
        ranges = day_ranges(raw, zoneinfo.ZoneInfo(team.timezone))
        received += Inquiry.objects.filter(team=team).filter(_received_in(ranges)).count()
    if stored.usable:
        received += (
            DayTopicFigures.objects.filter(team=team, day__in=sorted(stored.usable)).aggregate(
                n=Sum("received")
            )["n"]
            or 0
        )
    return received
