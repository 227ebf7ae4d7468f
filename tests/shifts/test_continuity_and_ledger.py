"""Continuity (SPEC 3.2): the shift in progress is covered, beat keeps rotations planned to the horizon
and tells managers about slots nobody can take; the load report's fair share is the scheduler's ledger."""

import datetime as dt

import pytest
import time_machine

from notices.models import Notification
from shifts.business_time import BusinessCalendar
from shifts.fairness import Candidate, replay
from shifts.models import Absence, Rotation, RotationMembership, Shift, UnfilledSlot
from shifts.services import (
    absence_create,
    rotation_create,
    rotation_schedule,
    rotation_update,
    rotations_extend,
)
from tests.factories import AbsenceFactory, make_member

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
THURSDAY_MORNING = dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.UTC)  # 10:30 in Zurich, in coverage


def _schedule_primary(api, length: int, members: list, *, until: str) -> dict:
    """A manager creates a primary rotation from MONDAY with a 09:00 handoff and schedules it (API)."""
    created = api.post(
        "/api/v1/teams/ads/rotations/",
        {
            "role": "primary",
            "shift_length_minutes": length,
            "handoff_time": "09:00",
            "starts_on": MONDAY.isoformat(),
            "members": [m.pk for m in members],
        },
        format="json",
    ).json()
    made = api.post(f"/api/v1/teams/ads/rotations/{created['id']}/schedule/", {"until": until}, format="json")
    assert made.status_code == 201, made.json()
    return created


def test_a_weekly_rotation_scheduled_on_a_thursday_has_its_primary_now(
    team, manager, primary, teammate, as_member
):
    with time_machine.travel(THURSDAY_MORNING, tick=False):
        api = as_member(manager)
        created = _schedule_primary(api, 7 * 24 * 60, [primary, teammate], until="2026-03-31")
        oncall = api.get("/api/v1/teams/ads/oncall/").json()
        assert oncall["primary"] is not None
        # The shift under way starts now and ends at the next handoff (Monday 09:00 Zurich).
        running = Shift.objects.get(starts_at__lte=THURSDAY_MORNING, ends_at__gt=THURSDAY_MORNING)
        assert running.starts_at == THURSDAY_MORNING
        assert running.ends_at == dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
        # Scheduling again keeps it.
        api.post(
            f"/api/v1/teams/ads/rotations/{created['id']}/schedule/", {"until": "2026-03-31"}, format="json"
        )
        assert Shift.objects.get(pk=running.pk).member_id == running.member_id


THURSDAY_EVENING = dt.datetime(2026, 3, 5, 17, 43, tzinfo=dt.UTC)  # 18:43 in Zurich, after coverage


def _daily(team, manager, members: list) -> Rotation:
    """A daily primary rotation from MONDAY with a 09:00 handoff (service)."""
    return rotation_create(
        team=team,
        actor=manager.user,
        shift_length_minutes=24 * 60,
        handoff_time=dt.time(9),
        starts_on=MONDAY,
        members=[m.pk for m in members],
    )


def _outside_coverage(team) -> list[tuple[dt.datetime, dt.datetime]]:
    calendar = BusinessCalendar.for_team(team)
    rows = Shift.objects.filter(team=team).values_list("starts_at", "ends_at")
    return [(s, e) for s, e in rows if not calendar.overlaps(s, e)]


def test_a_daily_rotation_scheduled_after_hours_starts_at_the_next_handoff_not_with_an_empty_shift(
    team, manager, primary, teammate, as_member
):
    """The rest of the day's slot (18:43 to 09:00) holds no coverage: no shift is made for it."""
    with time_machine.travel(THURSDAY_EVENING, tick=False):
        _schedule_primary(as_member(manager), 24 * 60, [primary, teammate], until="2026-03-20")
        first = Shift.objects.order_by("starts_at").first()
        assert first.starts_at == dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)  # Friday 09:00 in Zurich
        assert _outside_coverage(team) == []
        # Beat extending it to the horizon (the team is closed) makes no such shift either.
        assert rotations_extend() == 1
        assert Shift.objects.order_by("starts_at").first().pk == first.pk
        assert _outside_coverage(team) == []


def test_an_absence_from_the_evening_ends_the_shift_under_way_with_no_cover_for_the_night(
    team, manager, primary, teammate
):
    """A daily shift (09:00 to 09:00) whose member is away from 18:00: the rest holds no coverage, so
    the shift ends at 18:00 and nobody is given the night; the next day goes to the colleague."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC), tick=False):
        rotation = _daily(team, manager, [primary, teammate])
        rotation_schedule(rotation=rotation, until=dt.date(2026, 3, 13), actor=manager.user)
    thursday = Shift.objects.get(starts_at=dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC))
    away, other = (primary, teammate) if thursday.member_id == primary.pk else (teammate, primary)
    with time_machine.travel(dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC), tick=False):
        absence_create(
            member=away,
            starts_at=dt.datetime(2026, 3, 5, 17, 0, tzinfo=dt.UTC),  # 18:00 in Zurich
            ends_at=dt.datetime(2026, 3, 7, 17, 0, tzinfo=dt.UTC),
            actor=manager.user,
        )
    thursday.refresh_from_db()
    assert thursday.member_id == away.pk
    assert thursday.ends_at == dt.datetime(2026, 3, 5, 17, 0, tzinfo=dt.UTC)
    assert not Shift.objects.filter(
        starts_at__gte=thursday.ends_at, starts_at__lt=dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)
    ).exists()
    friday = Shift.objects.get(rotation=rotation, starts_at=dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC))
    assert friday.member_id == other.pk
    assert _outside_coverage(team) == []
    assert not any(
        s < dt.datetime(2026, 3, 7, 17, 0, tzinfo=dt.UTC)
        and e > dt.datetime(2026, 3, 5, 17, 0, tzinfo=dt.UTC)
        for s, e in Shift.objects.filter(member=away).values_list("starts_at", "ends_at")
    )


def test_beat_extends_every_rotation_to_the_horizon_idempotently_and_tells_managers_once(
    team, manager, primary
):
    team.schedule_horizon_days = 21
    team.save()
    with time_machine.travel(dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC), tick=False):
        rotation = _daily(team, manager, [primary])
        # The only member is away on Wednesday 11 March: nobody can take that day.
        AbsenceFactory(
            member=primary,
            starts_at=dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 3, 12, 7, 0, tzinfo=dt.UTC),
        )
        assert rotations_extend() == 1
        rotation.refresh_from_db()
        assert rotation.scheduled_until == MONDAY + dt.timedelta(days=21)
        shifts = Shift.objects.filter(rotation=rotation)
        assert shifts.count() == 16 - 1  # weekdays up to Monday 23 March, less the unfillable one
        gap = UnfilledSlot.objects.get(rotation=rotation)
        # Wednesday 09:00 in Zurich, the one slot the absence overlaps.
        assert gap.starts_at == dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)
        notices = Notification.objects.filter(kind="rotation_unfilled", recipient=manager.user)
        assert notices.count() == 1
        assert "CET" in notices.get().body  # the team's time, not UTC
        # Idempotent: nothing changes, nobody is told twice.
        assert rotations_extend() == 0
        assert Notification.objects.filter(kind="rotation_unfilled").count() == 1
        assert Shift.objects.filter(rotation=rotation).count() == 15
    with time_machine.travel(dt.datetime(2026, 3, 9, 6, 0, tzinfo=dt.UTC), tick=False):
        assert rotations_extend() == 1  # a week later the horizon moved on by a week
        rotation.refresh_from_db()
        assert rotation.scheduled_until == dt.date(2026, 3, 30)
        assert Notification.objects.filter(kind="rotation_unfilled").count() == 1


def test_the_load_report_fair_share_is_the_schedulers_ledger_for_every_member(team, manager, as_member):
    members = [make_member(team, f"dev{i}", percent_time=p) for i, p in enumerate([100, 100, 80, 50, 20])]
    start = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        rotations = {}
        for role, length in (("primary", 24 * 60), ("secondary", 7 * 24 * 60)):
            rotations[role] = rotation_create(
                team=team,
                actor=manager.user,
                role=role,
                shift_length_minutes=length,
                handoff_time=dt.time(9),
                starts_on=MONDAY,
                members=[m.pk for m in members],
            )
            rotation_schedule(rotation=rotations[role], until=dt.date(2026, 5, 31), actor=manager.user)
        absence_create(
            member=members[0],
            starts_at=dt.datetime(2026, 3, 23, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 3, 28, tzinfo=dt.UTC),
            actor=manager.user,
        )
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        late = make_member(team, "late", percent_time=60)
        for rotation in rotations.values():
            rotation_update(
                rotation=rotation, actor=manager.user, data={"members": [m.pk for m in [*members, late]]}
            )
    with time_machine.travel(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC), tick=False):
        report = as_member(manager).get(
            "/api/v1/reports/load/", {"team": "ads", "start": "2026-03-01", "end": "2026-05-31"}
        )
        assert report.status_code == 200, report.content
        rows = {row["member_id"]: row for row in report.json()["rows"]}
        absences = {}
        for absence in Absence.objects.all():
            absences.setdefault(absence.member_id, []).append((absence.starts_at, absence.ends_at))
        for role, rotation in rotations.items():
            candidates = [
                Candidate(m.member_id, m.member.percent_time, since=m.joined_at)
                for m in RotationMembership.objects.filter(rotation=rotation).select_related("member")
            ]
            ledger = replay(
                rotation.shifts.values_list("starts_at", "ends_at", "member_id"), candidates, absences
            )
            prefix = "" if role == Rotation.Role.PRIMARY else "secondary_"
            for member in [*members, late]:
                row = rows[member.pk]
                assert row[f"{prefix}fair_share"] == round(ledger.expected[member.pk], 2), (role, member)
                assert row[f"{prefix}deviation"] == round(ledger.deviation(member.pk), 2), (role, member)
            # What the manager reads is within the SPEC 3.2 bounds (weekly secondary: 1.5; daily primary:
            # 1.5 plus the share of a week).
            assert ledger.worst_deviation() <= (1.5 if role == "secondary" else 3.0) + 1e-9, role
        late_row = rows[late.pk]
        assert late_row["fair_share"] > 0 and abs(late_row["deviation"]) <= 1.5
        assert late_row["oncall_shifts"] == late_row["primary_shifts"] + late_row["secondary_shifts"]


def test_manager_sets_the_planning_horizon_on_the_team_settings_page(client, manager, team):
    from tests.foundation.test_team_pages import _settings_form

    client.force_login(manager.user)
    page = client.get("/teams/ads/").content.decode()
    assert 'name="schedule_horizon_days" value="56"' in page
    response = client.post("/teams/ads/save/", _settings_form(team, schedule_horizon_days="90"), follow=True)
    assert "Team settings saved." in response.content.decode()
    team.refresh_from_db()
    assert team.schedule_horizon_days == 90
    response = client.post("/teams/ads/save/", _settings_form(team, schedule_horizon_days="3"), follow=True)
    team.refresh_from_db()
    assert team.schedule_horizon_days == 90  # refused: at least a week


def test_beat_runs_the_rotation_extension_task(team):
    from supportops.celery import _schedule_periodic_tasks, app

    _schedule_periodic_tasks(app)  # what the app does when it is finalized (worker, beat)
    assert app.conf.beat_schedule["extend-rotations"]["task"] == "shifts.tasks.extend_rotations"
    from shifts.tasks import extend_rotations

    assert extend_rotations() == 0  # no rotation with members: nothing to plan
