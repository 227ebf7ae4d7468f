"""Continuity (SPEC 3.2) over random teams and moments: right after a rotation is scheduled, the team has its
Primary whenever it is in coverage and a member can serve, whatever the zone (DST included), shift length,
handoff time, coverage, the role scheduled first, or how far into a shift the scheduling happens."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from shifts.business_time import BusinessCalendar
from shifts.models import Shift
from tests.factories import AbsenceFactory, make_member, make_team

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Zurich", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]
LENGTHS = [240, 480, 720, 1440, 3 * 1440, 7 * 1440, 14 * 1440]
# Mondays to Fridays (or every day) from a start hour for a number of hours.
COVERAGES = st.tuples(
    st.sampled_from([range(5), range(7), range(1, 4)]), st.integers(0, 15), st.integers(1, 9)
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    case=st.fixed_dictionaries(
        {
            "zone": st.sampled_from(ZONES),
            "coverage": COVERAGES,
            "primary_length": st.sampled_from(LENGTHS),
            "secondary_length": st.sampled_from(LENGTHS),
            "handoff_hour": st.integers(0, 23),
            # Around the spring-forward and fall-back Sundays of Europe and North America.
            "now": st.datetimes(min_value=dt.datetime(2026, 3, 5), max_value=dt.datetime(2026, 4, 10)).map(
                lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.UTC)
            )
            | st.datetimes(min_value=dt.datetime(2026, 10, 20), max_value=dt.datetime(2026, 11, 10)).map(
                lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.UTC)
            ),
            "started_days_ago": st.integers(0, 20),
            "secondary_first": st.booleans(),
            "absent_now": st.integers(0, 2),
            "around_now": st.none() | st.tuples(st.integers(0, 6), st.integers(0, 6)),
        }
    )
)
def test_right_after_scheduling_the_team_in_coverage_has_its_primary(case):
    with transaction.atomic():  # each example on a clean slate
        _check(**case)
        transaction.set_rollback(True)


def _check(
    zone,
    coverage,
    primary_length,
    secondary_length,
    handoff_hour,
    now,
    started_days_ago,
    secondary_first,
    absent_now,
    around_now,
):
    days, start_hour, hours = coverage
    if around_now is not None:  # a window of the day under way that holds `now` (or just misses it)
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        back, ahead = around_now
        start_hour, hours = max(0, local.hour - back), min(23, local.hour + ahead) - max(0, local.hour - back)
        days = [local.weekday(), *[d for d in days if d != local.weekday()]]
        if hours <= 0:
            start_hour, hours = 0, 1
    windows = [
        {"weekday": d, "start": f"{start_hour:02d}:00", "end": f"{start_hour + hours:02d}:00"} for d in days
    ]
    team = make_team(timezone=zone, coverage=windows)
    manager = make_member(team, role="manager")
    members = [make_member(team, percent_time=p) for p in (100, 80, 50, 20)]
    # Some members are away right now (never all: someone can serve).
    for m in members[:absent_now]:
        AbsenceFactory(member=m, starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=2))
    local_today = BusinessCalendar.for_team(team).local_date(now)
    with time_machine.travel(now, tick=False):
        api = APIClient()
        api.force_authenticate(manager.user)
        ids = {}
        roles = ["secondary", "primary"] if secondary_first else ["primary", "secondary"]
        for role in roles:
            body = {
                "role": role,
                "shift_length_minutes": primary_length if role == "primary" else secondary_length,
                "handoff_time": f"{handoff_hour:02d}:00",
                "starts_on": (local_today - dt.timedelta(days=started_days_ago)).isoformat(),
                "members": [m.pk for m in members],
            }
            created = api.post(f"/api/v1/teams/{team.slug}/rotations/", body, format="json")
            assert created.status_code == 201, created.json()
            ids[role] = created.json()["id"]
        until = (local_today + dt.timedelta(days=30)).isoformat()
        for role in roles:
            made = api.post(
                f"/api/v1/teams/{team.slug}/rotations/{ids[role]}/schedule/", {"until": until}, format="json"
            )
            assert made.status_code == 201, made.json()
        oncall = api.get(f"/api/v1/teams/{team.slug}/oncall/").json()
        calendar = BusinessCalendar.for_team(team)
        rows = list(Shift.objects.filter(team=team).values_list("role", "starts_at", "ends_at"))
        # No shift outside coverage (SPEC 3.2), the one under way included.
        assert all(calendar.overlaps(s, e) for _, s, e in rows), rows
        # Every covered quarter hour of the planned weeks has its Primary.
        primaries = [(s, e) for role, s, e in rows if role == "primary"]
        end = max((e for _, e in primaries), default=now)
        t = now.replace(minute=now.minute - now.minute % 15) + dt.timedelta(minutes=15)
        while t < end - dt.timedelta(days=1):
            assert not calendar.is_open(t) or any(s <= t < e for s, e in primaries), t
            t += dt.timedelta(minutes=15)
        if BusinessCalendar.for_team(team).is_open(now):
            assert oncall["primary"] is not None, (
                oncall,
                list(Shift.objects.values_list("starts_at", "ends_at")),
            )
            assert oncall["primary"]["id"] not in {m.pk for m in members[:absent_now]}
            if oncall.get("secondary"):
                assert oncall["secondary"]["id"] != oncall["primary"]["id"]
