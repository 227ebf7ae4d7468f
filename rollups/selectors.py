"""Figures of a reporting period: stored days where they are current, raw rows for the others.

A year reads O(days × topics) stored rows, summed by the database where it can (counts per day or per
topic, channels, effort), plus the bucket counts of its minutes to first response per whole week (a merged
`RolledWeek`, where its seven days are current) or per day at the edges; medians and p90 then read only the
slices of those sorted minutes in the buckets holding their ranks (`minute_slices`,
`reports.stats.bucket_percentiles`, `rollups.minutes`)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

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
    week_of,
)
from .minutes import MinuteRun, unpack_values
from .models import DayMemberFigures, DayTopicFigures, DirtyDay, RolledDay, RolledWeek

# What raw days add besides: unanswered inquiries still inside a deadline at "now", and the channels.
RAW_COUNTS = (*DAY_COUNTS, "pending_target", "pending_guarantee", "channels")


def _days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


class Source(NamedTuple):
    """Where a stored run's values are read by slices: a RolledDay's or a RolledWeek's column, as it was
    when its bucket counts were read."""

    week: bool  # a RolledWeek (`day` is its Monday)
    day: dt.date
    column: str  # calendar_minutes or business_minutes
    computed_at: dt.datetime


@dataclass
class Stored:
    """The current stored days of a period, the pending inquiries they left out, their minute runs."""

    usable: set[dt.date] = field(default_factory=set)
    pending_ids: list[int] = field(default_factory=list)
    # day -> its figures as stored (with `minutes`)
    figures: dict[dt.date, dict] = field(default_factory=dict)
    # (calendar minutes, business minutes): runs read by slices, of a day or of a whole week (under its
    # Monday) whose seven days are all usable and merged in a RolledWeek
    minutes: dict[dt.date, tuple[MinuteRun, MinuteRun]] = field(default_factory=dict)


def stored_days(
    *, team: Team, first: dt.date, last: dt.date, now: dt.datetime, settled: bool, minutes: bool = False
) -> Stored:
    """The days first..last whose stored figures are current: stored under the team's current calendar
    and not marked since. With `settled` (figures that depend on "now": response deadlines), also only
    days none of whose stored inquiries can still be pending at `now`. The inquiries a day left out as
    pending when it was computed (`RolledDay.pending_ids`) are returned to be read raw. With `minutes`,
    the runs of their minutes to first response (a week's merged run where the period holds all of it).
    Without PostgreSQL (no triggers, nothing stored) nothing is usable."""
    if not settings.IS_POSTGRES:
        return Stored()
    columns = ["day", "settled_at", "pending_ids"] + (
        ["figures", "computed_at", "calendar_buckets", "business_buckets"] if minutes else []
    )
    rows = (
        RolledDay.objects.filter(team=team, day__gte=first, day__lte=last, calendar_key=calendar_key(team))
        .exclude(day__in=DirtyDay.objects.filter(team=team, day__gte=first, day__lte=last).values("day"))
        .values_list(*columns)
    )
    stored, pending, packed = Stored(), {}, {}
    for day, settled_at, pending_ids, *rest in rows:
        if settled and settled_at is not None and settled_at > now:
            continue
        pending[day] = pending_ids or ()
        if minutes:
            packed[day] = rest
    stored.usable = set(pending)
    if minutes:
        _minute_runs(stored, team=team, first=first, last=last, packed=packed)
    stored.pending_ids = [inquiry_id for day in stored.usable for inquiry_id in pending[day]]
    return stored


def _minute_runs(stored: Stored, *, team: Team, first: dt.date, last: dt.date, packed: dict) -> None:
    """The runs of the usable days: merged weeks where they are current, days for the rest. A day (or
    week) not in this format (written by older code) is read raw until recomputed."""
    weeks = _merged_weeks(team=team, first=first, last=last, packed=packed)
    for day, (figures, computed_at, calendar, business) in packed.items():
        if week_of(day) in weeks:
            stored.figures[day] = figures
            continue
        runs = (
            MinuteRun.stored(calendar, Source(False, day, "calendar_minutes", computed_at)),
            MinuteRun.stored(business, Source(False, day, "business_minutes", computed_at)),
        )
        if all(len(run) == (figures or {}).get("responded", 0) for run in runs):
            stored.figures[day] = figures
            stored.minutes[day] = runs
        else:
            stored.usable.discard(day)
    stored.minutes.update(weeks)


def _merged_weeks(
    *, team: Team, first: dt.date, last: dt.date, packed: dict
) -> dict[dt.date, tuple[MinuteRun, MinuteRun]]:
    """The runs of the RolledWeeks inside first..last whose seven days are all usable (in `packed`) and
    the very versions merged, by Monday."""
    rows = RolledWeek.objects.filter(
        team=team, week__gte=first, week__lte=last - dt.timedelta(days=6)
    ).values_list("week", "days_computed", "computed_at", "calendar_buckets", "business_buckets")
    weeks = {}
    for week, days_computed, computed_at, calendar, business in rows:
        days = [packed.get(week + dt.timedelta(days=n)) for n in range(7)]
        if None in days or [day[1].isoformat() for day in days] != days_computed:
            continue
        runs = (
            MinuteRun.stored(calendar, Source(True, week, "calendar_minutes", computed_at)),
            MinuteRun.stored(business, Source(True, week, "business_minutes", computed_at)),
        )
        responded = sum((day[0] or {}).get("responded", 0) for day in days)
        if all(len(run) == responded for run in runs):
            weeks[week] = runs
    return weeks


def _raw_rest(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime, stored: Stored) -> dict:
    """Figures per (day, topic) of what the stored days do not hold: the other days, and the pending
    inquiries the stored days left out. Two queries on PostgreSQL, whatever is raw (none raw: two
    queries that find nothing)."""
    ids = stored.pending_ids if settings.IS_POSTGRES else None
    return raw_figures(team=team, days=_days(first, last) - stored.usable, now=now, ids=ids)[0]


@dataclass
class PeriodDays:
    """Response figures of a period per local day: counts (a Figures without minute lists), the runs of
    minutes to first response (calendar, business: a stored day's or a merged week's — under its Monday —,
    read by slices, and one of raw rows) and the received/responded/within-target counts per channel over
    the whole period."""

    counts: dict[dt.date, Figures] = field(default_factory=lambda: defaultdict(Figures))
    calendar: dict[dt.date, list[MinuteRun]] = field(default_factory=lambda: defaultdict(list))
    business: dict[dt.date, list[MinuteRun]] = field(default_factory=lambda: defaultdict(list))
    channels: dict[str, list[int]] = field(default_factory=dict)


def period_days(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> PeriodDays:
    """PeriodDays for the local days first..last: stored days (one row each: counts, channels, minute
    bucket counts, or a merged week's bucket counts for its seven days) where current and settled, raw
    rows for the rest and for their pending inquiries."""
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
    for day, figures in stored.figures.items():
        if figures:
            result.counts[day].add(day_figures_from_json(figures))
    for day, (calendar, business) in stored.minutes.items():
        if calendar.counts:
            result.calendar[day].append(calendar)
            result.business[day].append(business)
    result.channels = _merged_channels(result.counts.values())
    return result


class StaleDays(Exception):
    """A stored day was recomputed between reading its bucket counts and its minutes."""


def minute_slices(*, team: Team, requests: list[tuple[MinuteRun, int, int]]) -> list[array]:
    """The values `first`..`first + count - 1` of each stored run (of `team`'s days and weeks), in one
    statement: the period's rows joined with the slices wanted, a `substring` of the packed column each
    (reading only the TOAST chunks holding it). Each row must still be the one whose counts were read
    (same `computed_at`), else StaleDays (the caller reads again)."""
    (days_sql, days_params), (weeks_sql, weeks_params) = (
        _slices_sql(team, requests, week=False),
        _slices_sql(team, requests, week=True),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{days_sql} UNION ALL {weeks_sql}", [*days_params, *weeks_params])
        found = {n: (computed_at, data) for n, computed_at, data in cursor.fetchall()}
    slices = []
    for n, (run, _, count) in enumerate(requests):
        computed_at, data = found.get(n, (None, b""))
        if computed_at != run.source.computed_at or len(data) != count * 8:
            raise StaleDays
        slices.append(unpack_values(data))
    return slices


def _slices_sql(team: Team, requests: list[tuple[MinuteRun, int, int]], *, week: bool) -> tuple[str, list]:
    """The part of `minute_slices` reading the requests of days (or of weeks): (SQL, parameters)."""
    table, key = (RolledWeek._meta.db_table, "week") if week else (RolledDay._meta.db_table, "day")
    mine = [(n, run.source, first, count) for n, (run, first, count) in enumerate(requests)]
    mine = [(n, source, first, count) for n, source, first, count in mine if source.week == week]
    days = [source.day for _, source, _, _ in mine]
    columns = (
        [n for n, *_ in mine],
        days,
        [0 if source.column == "calendar_minutes" else 1 for _, source, _, _ in mine],
        [first for _, _, first, _ in mine],
        [count for *_, count in mine],
    )
    sql = f"""
        SELECT s.n, r.computed_at,
               substring(CASE WHEN s.col = 0 THEN r.calendar_minutes ELSE r.business_minutes END
                         FROM s.first * 8 + 1 FOR s.count * 8)
        FROM {table} r
        JOIN unnest(%s::int[], %s::date[], %s::int[], %s::int[], %s::int[]) AS s(n, day, col, first, count)
          ON s.day = r.{key}
        WHERE r.team_id = %s AND r.{key} BETWEEN %s AND %s
    """
    # As array literals: one parameter each, however many slices (not an ARRAY[...] of as many).
    arrays = ["{" + ",".join(map(str, values)) + "}" for values in columns]
    return sql, [*arrays, team.pk, min(days, default=None), max(days, default=None)]


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
