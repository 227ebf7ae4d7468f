"""Keeping the stored day figures current: the sweep recomputes the days the triggers marked, and
`rollups_rebuild` (command) recomputes a team's whole history."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from inquiries.models import Inquiry
from shifts.models import Team

from .figures import Figures, calendar_key, day_figures_json, raw_figures, raw_member_figures, week_of
from .minutes import pack, unpack_values
from .models import DayMemberFigures, DayTopicFigures, DirtyDay, RolledDay, RolledWeek

SWEEP_DAYS = 400  # days recomputed per sweep run (a busy day of one team is a few hundred rows)
REBUILD_CHUNK_DAYS = 31


def days_store(*, team: Team, days: list[dt.date], now: dt.datetime | None = None) -> None:
    """Recompute and store the figures of `days` of `team` from the raw rows."""
    now = now or timezone.now()
    figures, settled, pending = raw_figures(team=team, days=days, now=now, pending_apart=True)
    members = raw_member_figures(team=team, days=days, repeats=True)
    key = calendar_key(team)
    by_day: dict[dt.date, Figures] = defaultdict(Figures)
    for (day, _topic), f in figures.items():
        by_day[day].add(f)
    calendar = {day: pack(by_day[day].calendar_minutes if day in by_day else ()) for day in days}
    business = {day: pack(by_day[day].business_minutes if day in by_day else ()) for day in days}
    with transaction.atomic():
        DayMemberFigures.objects.filter(team=team, day__in=days).delete()
        DayMemberFigures.objects.bulk_create(_member_rows(team, members))
        DayTopicFigures.objects.filter(team=team, day__in=days).delete()
        DayTopicFigures.objects.bulk_create(
            DayTopicFigures(
                team=team,
                day=day,
                topic_id=topic_id,
                received=f.received,
                responded=f.responded,
                within_target=f.within_target,
                within_guarantee=f.within_guarantee,
                resolved=f.resolved,
                documentation=f.documentation,
                effort_minutes=f.effort_minutes,
                with_resolution_target=f.with_resolution_target,
                resolved_within_target=f.resolved_within_target,
                pending_resolution=f.pending_resolution,
            )
            for (day, topic_id), f in figures.items()
            if f.received or f.effort_minutes
        )
        RolledDay.objects.bulk_create(
            [
                RolledDay(
                    team=team,
                    day=day,
                    calendar_key=key,
                    settled_at=settled.get(day),
                    pending_ids=sorted(pending.get(day, ())),
                    figures=day_figures_json(by_day[day]) if day in by_day else {},
                    calendar_minutes=calendar[day][0],
                    calendar_buckets=calendar[day][1],
                    business_minutes=business[day][0],
                    business_buckets=business[day][1],
                )
                for day in days
            ],
            update_conflicts=True,
            unique_fields=["team", "day"],
            update_fields=[
                "calendar_key",
                "settled_at",
                "pending_ids",
                "figures",
                "calendar_minutes",
                "business_minutes",
                "calendar_buckets",
                "business_buckets",
                "computed_at",
            ],
        )
        weeks_store(team=team, weeks={week_of(day) for day in days})


def weeks_store(*, team: Team, weeks: Iterable[dt.date]) -> None:
    """Merge the minutes of each week's seven stored days into its RolledWeek (in the caller's
    transaction, after storing days of it); a week missing a day, or whose days were computed under
    different calendars, has none. PostgreSQL only (elsewhere stored days are never read)."""
    if connection.vendor != "postgresql":
        return
    merged, incomplete = [], []
    for week in sorted(weeks):
        with connection.cursor() as cursor:
            # Two sweeps storing days of one week: the second merges after the first has committed
            # (READ COMMITTED: it then reads both's days), never each from one old day.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [team.pk, week.toordinal()])
        days = list(
            RolledDay.objects.filter(team=team, day__gte=week, day__lte=week + dt.timedelta(days=6))
            .order_by("day")
            .values_list("calendar_key", "computed_at", "calendar_minutes", "business_minutes")
        )
        if len(days) < 7 or len({key for key, *_ in days}) > 1:
            incomplete.append(week)
            continue
        calendar = pack(value for _, _, minutes, _ in days for value in unpack_values(minutes))
        business = pack(value for *_, minutes in days for value in unpack_values(minutes))
        merged.append(
            RolledWeek(
                team=team,
                week=week,
                days_computed=[computed_at.isoformat() for _, computed_at, *_ in days],
                calendar_minutes=calendar[0],
                calendar_buckets=calendar[1],
                business_minutes=business[0],
                business_buckets=business[1],
            )
        )
    if incomplete:
        RolledWeek.objects.filter(team=team, week__in=incomplete).delete()
    RolledWeek.objects.bulk_create(
        merged,
        update_conflicts=True,
        unique_fields=["team", "week"],
        update_fields=[
            "days_computed",
            "calendar_minutes",
            "business_minutes",
            "calendar_buckets",
            "business_buckets",
            "computed_at",
        ],
    )


def _member_rows(team: Team, members) -> list[DayMemberFigures]:
    rows = []
    for day, f in members.items():
        for user_id in sorted(set(f.responded) | set(f.resolved)):
            rows.append(
                DayMemberFigures(
                    team=team,
                    day=day,
                    user_id=user_id,
                    responded=f.responded.get(user_id, 0),
                    resolved_count=len(f.resolved.get(user_id, ())),
                    resolved=sorted(f.repeated.get(user_id, ())),
                )
            )
        for member_id, (total, outside) in sorted(f.effort.items()):
            rows.append(
                DayMemberFigures(
                    team=team,
                    day=day,
                    member_id=member_id,
                    effort_minutes=total,
                    effort_outside_minutes=outside,
                )
            )
    return rows


def rollups_refresh(*, limit: int = SWEEP_DAYS, now: dt.datetime | None = None) -> int:
    """Recompute the days marked dirty (oldest marks first); returns how many marks were consumed.
    Marks of writers still in their transaction are not visible yet: the next run takes them, after the
    change they stand for has committed. Another sweep's marks are skipped (SKIP LOCKED)."""
    with transaction.atomic():
        marked = list(
            DirtyDay.objects.select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("pk", "team_id", "day")[:limit]
        )
        if not marked:
            return 0
        DirtyDay.objects.filter(pk__in=[pk for pk, _, _ in marked]).delete()
        by_team: dict[int, set[dt.date]] = defaultdict(set)
        for _, team_id, day in marked:
            by_team[team_id].add(day)
        for team in Team.objects.filter(pk__in=by_team):
            days_store(team=team, days=sorted(by_team[team.pk]), now=now)
    return len(marked)


def gaps_fill(*, now: dt.datetime | None = None, limit: int = SWEEP_DAYS) -> int:
    """Store the days nobody marked (no inquiry arrived) between a team's first stored day and
    yesterday, so a report over quiet days reads no raw rows either; returns how many."""
    if connection.vendor != "postgresql":  # without the triggers stored days are never read
        return 0
    now = now or timezone.now()
    filled = 0
    for team in Team.objects.filter(pk__in=RolledDay.objects.values("team_id")):
        yesterday = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date() - dt.timedelta(days=1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d::date FROM generate_series("
                " (SELECT min(day) FROM rollups_rolledday WHERE team_id = %s), %s::date, interval '1 day') d"
                " WHERE NOT EXISTS"
                " (SELECT 1 FROM rollups_rolledday r WHERE r.team_id = %s AND r.day = d::date)"
                " LIMIT %s",
                [team.pk, yesterday, team.pk, limit - filled],
            )
            missing = [row[0] for row in cursor.fetchall()]
        if missing:
            days_store(team=team, days=missing, now=now)
            filled += len(missing)
        if filled >= limit:
            break
    return filled


def rollups_rebuild(*, team: Team, now: dt.datetime | None = None) -> int:
    """Recompute every day of the team from its first inquiry up to today; returns the days stored."""
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(team.timezone)
    first = Inquiry.objects.filter(team=team).aggregate(first=Min("received_at"))["first"]
    if first is None:
        return 0
    day, today, stored = first.astimezone(tz).date(), now.astimezone(tz).date(), 0
    while day <= today:
        chunk = [
            day + dt.timedelta(days=n)
            for n in range(REBUILD_CHUNK_DAYS)
            if day + dt.timedelta(days=n) <= today
        ]
        days_store(team=team, days=chunk, now=now)
        stored += len(chunk)
        day += dt.timedelta(days=REBUILD_CHUNK_DAYS)
    return stored
