"""Business time (SPEC 3.1): coverage windows in the team's zone, holidays, DST, deadlines at window ends."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shifts.business_time import BusinessCalendar, add_business_minutes, business_minutes_between
from shifts.models import Team

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC

WEEKDAYS_9_17 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
EVERY_DAY_9_17 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]
LUNCH_BREAK = [
    w
    for d in range(5)
    for w in (
        {"weekday": d, "start": "09:00", "end": "12:00"},
        {"weekday": d, "start": "13:00", "end": "17:00"},
    )
]


def at(tz, *args):
    return dt.datetime(*args, tzinfo=tz)


def cal(tz="Europe/Zurich", coverage=WEEKDAYS_9_17, **kw):
    return BusinessCalendar(timezone=tz, coverage=coverage, **kw)


def test_counting_inside_a_window_adds_wall_clock_minutes():
    assert cal().add_minutes(at(ZURICH, 2025, 6, 3, 10, 0), 90) == at(ZURICH, 2025, 6, 3, 11, 30)


def test_arrival_before_opening_counts_from_the_opening():
    assert cal().add_minutes(at(ZURICH, 2025, 6, 3, 7, 12), 30) == at(ZURICH, 2025, 6, 3, 9, 30)


def test_arrival_at_the_weekend_counts_from_monday_morning():
    saturday = at(ZURICH, 2025, 6, 7, 10, 0)
    assert cal().add_minutes(saturday, 30) == at(ZURICH, 2025, 6, 9, 9, 30)


def test_deadline_landing_on_a_window_end_stays_there_not_at_the_next_opening():
    assert cal().add_minutes(at(ZURICH, 2025, 6, 3, 16, 0), 60) == at(ZURICH, 2025, 6, 3, 17, 0)
    friday = at(ZURICH, 2025, 6, 6, 13, 0)
    assert cal().add_minutes(friday, 240) == at(ZURICH, 2025, 6, 6, 17, 0)


def test_lunch_break_is_not_counted():
    lunch = cal(coverage=LUNCH_BREAK)
    assert lunch.add_minutes(at(ZURICH, 2025, 6, 3, 11, 30), 60) == at(ZURICH, 2025, 6, 3, 13, 30)
    assert lunch.add_minutes(at(ZURICH, 2025, 6, 3, 11, 0), 60) == at(ZURICH, 2025, 6, 3, 12, 0)
    assert lunch.add_minutes(at(ZURICH, 2025, 6, 3, 12, 20), 10) == at(ZURICH, 2025, 6, 3, 13, 10)
    assert lunch.minutes_between(at(ZURICH, 2025, 6, 3, 8, 0), at(ZURICH, 2025, 6, 3, 18, 0)) == 420


def test_overnight_deadline_rolls_to_the_next_working_day():
    assert cal().add_minutes(at(ZURICH, 2025, 6, 6, 16, 0), 120) == at(ZURICH, 2025, 6, 9, 10, 0)
    assert cal().minutes_between(at(ZURICH, 2025, 6, 6, 16, 0), at(ZURICH, 2025, 6, 9, 10, 0)) == 120


def test_zurich_spring_forward_week_keeps_windows_on_the_wall_clock():
    # 2025-03-30: clocks jump 02:00 -> 03:00. Friday before is UTC+1, Monday after is UTC+2.
    due = cal().add_minutes(at(ZURICH, 2025, 3, 28, 16, 0), 120)
    assert due == at(ZURICH, 2025, 3, 31, 10, 0)
    assert due == dt.datetime(2025, 3, 31, 8, 0, tzinfo=UTC)
    sunday = cal(coverage=EVERY_DAY_9_17)
    assert sunday.minutes_between(at(ZURICH, 2025, 3, 30, 0, 0), at(ZURICH, 2025, 3, 31, 0, 0)) == 480


def test_zurich_dst_change_days_have_23_and_25_hour_all_day_windows():
    all_day = cal(coverage=[{"weekday": 6, "start": "00:00", "end": "24:00"}])
    spring = all_day.minutes_between(at(ZURICH, 2025, 3, 29, 12, 0), at(ZURICH, 2025, 4, 1, 0, 0))
    autumn = all_day.minutes_between(at(ZURICH, 2025, 10, 25, 12, 0), at(ZURICH, 2025, 10, 28, 0, 0))
    assert (spring, autumn) == (23 * 60, 25 * 60)


def test_window_starting_in_the_spring_forward_gap_opens_when_the_clock_first_shows_it():
    # 02:00 does not exist on 2025-03-30 in Zurich: the window opens at 03:00 CEST, so 02:00-04:00 is 1 hour.
    gap = cal(coverage=[{"weekday": 6, "start": "02:00", "end": "04:00"}])
    assert gap.add_minutes(at(ZURICH, 2025, 3, 30, 0, 0), 0) == at(ZURICH, 2025, 3, 30, 3, 0)
    assert gap.add_minutes(at(ZURICH, 2025, 3, 30, 0, 0), 60) == at(ZURICH, 2025, 3, 30, 4, 0)
    assert gap.minutes_between(at(ZURICH, 2025, 3, 29, 0, 0), at(ZURICH, 2025, 3, 31, 0, 0)) == 60


def test_window_in_the_repeated_autumn_hour_takes_its_first_occurrence():
    # 02:30 happens twice on 2025-10-26 in Zurich; 02:30-03:30 spans 2 real hours.
    ambiguous = cal(coverage=[{"weekday": 6, "start": "02:30", "end": "03:30"}])
    start = ambiguous.add_minutes(at(ZURICH, 2025, 10, 26, 0, 0), 0)
    assert start == dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert ambiguous.minutes_between(at(ZURICH, 2025, 10, 25), at(ZURICH, 2025, 10, 27)) == 120


def test_new_york_fall_back_week_counts_eight_hours_a_day():
    ny = cal("America/New_York", EVERY_DAY_9_17)
    # 2025-11-02: clocks fall back 02:00 -> 01:00; EDT (UTC-4) before, EST (UTC-5) after.
    due = ny.add_minutes(at(NEW_YORK, 2025, 11, 1, 16, 30), 60)
    assert due == dt.datetime(2025, 11, 2, 14, 30, tzinfo=UTC)  # 09:30 EST
    week = ny.minutes_between(at(NEW_YORK, 2025, 10, 30), at(NEW_YORK, 2025, 11, 6))
    assert week == 7 * 480


def test_new_york_spring_forward_week():
    ny = cal("America/New_York", WEEKDAYS_9_17)
    # 2025-03-09: 02:00 -> 03:00. Friday 16:00 EST + 90 business minutes = Monday 09:30 EDT.
    due = ny.add_minutes(at(NEW_YORK, 2025, 3, 7, 16, 0), 90)
    assert due == dt.datetime(2025, 3, 10, 13, 30, tzinfo=UTC)
    assert ny.minutes_between(at(NEW_YORK, 2025, 3, 3), at(NEW_YORK, 2025, 3, 15)) == 10 * 480


def test_explicit_holiday_is_closed_all_day():
    closed_monday = cal(holidays=["2025-06-09"])
    assert closed_monday.add_minutes(at(ZURICH, 2025, 6, 6, 16, 0), 120) == at(ZURICH, 2025, 6, 10, 10, 0)
    assert not closed_monday.is_open(at(ZURICH, 2025, 6, 9, 11, 0))


def test_country_holiday_calendar_closes_national_days():
    zurich = cal(holiday_country="CH", holiday_subdivision="ZH")
    # 1 August 2025 (Swiss National Day) is a Friday.
    assert zurich.add_minutes(at(ZURICH, 2025, 7, 31, 16, 0), 120) == at(ZURICH, 2025, 8, 4, 10, 0)
    us = cal("America/New_York", holiday_country="US")
    # 4 July 2025 is a Friday.
    assert us.add_minutes(at(NEW_YORK, 2025, 7, 3, 16, 30), 60) == at(NEW_YORK, 2025, 7, 7, 9, 30)


def test_empty_coverage_is_open_around_the_clock():
    always = cal(coverage=[])
    start = at(ZURICH, 2025, 6, 7, 23, 0)
    assert always.add_minutes(start, 90) == start + dt.timedelta(minutes=90)
    assert always.is_open(start)


def test_no_opening_within_two_years_gives_none():
    mondays = [dt.date(2025, 1, 6) + dt.timedelta(weeks=w) for w in range(200)]
    only_mondays = cal(coverage=[{"weekday": 0, "start": "09:00", "end": "10:00"}], holidays=mondays)
    assert only_mondays.add_minutes(at(ZURICH, 2025, 1, 1, 0, 0), 1) is None


def test_is_open_follows_half_open_windows():
    c = cal()
    assert c.is_open(at(ZURICH, 2025, 6, 3, 9, 0))
    assert c.is_open(at(ZURICH, 2025, 6, 3, 16, 59))
    assert not c.is_open(at(ZURICH, 2025, 6, 3, 17, 0))
    assert not c.is_open(at(ZURICH, 2025, 6, 7, 12, 0))


def test_minutes_between_is_zero_for_inverted_ranges():
    assert cal().minutes_between(at(ZURICH, 2025, 6, 3, 12), at(ZURICH, 2025, 6, 3, 10)) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        cal().add_minutes(dt.datetime(2025, 6, 3, 10), 10)


def test_team_level_functions_use_the_teams_zone_coverage_and_holidays():
    team = Team(timezone="America/New_York", coverage=WEEKDAYS_9_17, holidays=["2025-06-09"])
    start = at(NEW_YORK, 2025, 6, 6, 16, 0)
    due = add_business_minutes(team=team, start=start, minutes=120)
    assert due == at(NEW_YORK, 2025, 6, 10, 10, 0)
    assert business_minutes_between(team=team, start=start, end=due) == 120


def test_a_year_of_minutes_is_computed_quickly():
    import time

    c = cal(holiday_country="CH", holiday_subdivision="ZH")
    begin = time.perf_counter()
    due = c.add_minutes(at(ZURICH, 2025, 1, 1), 250 * 480)
    assert c.minutes_between(at(ZURICH, 2025, 1, 1), due) == 250 * 480
    # A figure, not an assertion: wall-clock limits fail on a loaded machine (the benchmarks measure speed).
    print(f"a year of business minutes there and back: {time.perf_counter() - begin:.3f} s")


CALENDARS = {
    "zurich-lunch": cal(coverage=LUNCH_BREAK, holiday_country="CH", holiday_subdivision="ZH"),
    "new-york-every-day": cal("America/New_York", EVERY_DAY_9_17, holidays=["2025-12-25"]),
    "zurich-night-windows": cal(
        coverage=[{"weekday": d, "start": "00:00", "end": "03:30"} for d in range(7)]
        + [{"weekday": 6, "start": "22:00", "end": "24:00"}]
    ),
    "around-the-clock": cal(coverage=[]),
}


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    start=st.datetimes(
        min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=30_000),
)
def test_minutes_between_inverts_add_minutes(name, start, minutes):
    calendar = CALENDARS[name]
    due = calendar.add_minutes(start, minutes)
    assert due is not None and due >= start
    assert calendar.minutes_between(start, due) == minutes
    if minutes:
        # The deadline is inside coverage or exactly at the end of a window.
        assert calendar.is_open(due - dt.timedelta(microseconds=1))


def test_for_team_shares_a_calendar_while_the_teams_values_are_the_same():
    """`for_team` keeps one calendar per zone, coverage and holidays: an unsaved copy with the same values
    gets it, any edit gets a new one, and it answers as a calendar built afresh."""
    coverage = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    team = Team(slug="cal", timezone="Europe/Zurich", coverage=coverage, holidays=["2026-12-24"])
    same = Team(slug="other", timezone="Europe/Zurich", coverage=list(coverage), holidays=["2026-12-24"])
    calendar = BusinessCalendar.for_team(team)
    assert BusinessCalendar.for_team(same) is calendar
    start = dt.datetime(2026, 12, 23, 16, 0, tzinfo=dt.UTC)
    fresh = BusinessCalendar(timezone="Europe/Zurich", coverage=coverage, holidays=["2026-12-24"])
    assert calendar.add_minutes(start, 600) == fresh.add_minutes(start, 600)
    for edit in (
        {"timezone": "America/New_York"},
        {"coverage": coverage[:4]},
        {"holidays": []},
        {"holiday_country": "CH"},
        {"holiday_country": "CH", "holiday_subdivision": "ZH"},
    ):
        edited = Team(
            **{
                "slug": "cal",
                "timezone": "Europe/Zurich",
                "coverage": coverage,
                "holidays": ["2026-12-24"],
                **edit,
            }
        )
        other = BusinessCalendar.for_team(edited)
        assert other is not calendar
        assert other.add_minutes(start, 600) == BusinessCalendar(
            timezone=edited.timezone,
            coverage=edited.coverage,
            holidays=edited.holidays,
            holiday_country=edited.holiday_country,
            holiday_subdivision=edited.holiday_subdivision,
        ).add_minutes(start, 600)
