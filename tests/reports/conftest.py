"""A small hand-made fortnight of the `ads` team with known figures (Europe/Zurich, Mon-Fri 09-17).

Period 2026-03-02 (Mon) to 2026-03-15 (Sun); "now" is Monday 2026-03-16 09:30 local.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from inquiries.models import EffortLog, Event
from tests.factories import AbsenceFactory, RotationFactory, ShiftFactory, TopicFactory, replied_inquiry

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
NOW = dt.datetime(2026, 3, 16, 9, 30, tzinfo=ZURICH)
PERIOD = {"start": "2026-03-02", "end": "2026-03-15"}


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZURICH)


def resolve(inquiry, member, when):
    event = Event.objects.create(inquiry=inquiry, kind="resolved", actor=member.user, to_value="resolved")
    Event.objects.filter(pk=event.pk).update(created_at=when)


def effort(inquiry, member, minutes, when):
    log = EffortLog.objects.create(inquiry=inquiry, member=member, minutes=minutes)
    EffortLog.objects.filter(pk=log.pk).update(created_at=when)


def shift(team, rotation, member, day):
    return ShiftFactory(
        team=team, rotation=rotation, role="primary", member=member, starts_at=at(day, 9), ends_at=at(day, 17)
    )


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def dataset(team, manager, primary, teammate, frozen_now):
    """pat 100% serves 7 shifts, tom 50% serves 3 and is absent Thu-Fri of week two; maria 80% manages."""
    rotation = RotationFactory(
        team=team,
        role="primary",
        shift_length_minutes=480,
        handoff_time=dt.time(9),
        starts_on=dt.date(2026, 3, 2),
    )
    # Both in the rotation from its first day: the fair share counts members only from when they joined.
    rotation.members.set([primary, teammate], through_defaults={"joined_at": at(2, 0)})
    for day in (2, 4, 9):
        shift(team, rotation, teammate, day)
    for day in (3, 5, 6, 10, 11, 12, 13, 16):  # the 16th is after the period
        shift(team, rotation, primary, day)
    AbsenceFactory(member=teammate, starts_at=at(12, 0), ends_at=at(14, 0))

    install = TopicFactory(team=team, name="Install")
    grading = TopicFactory(team=team, name="Grading")
    a = replied_inquiry(team, at(2, 10), responded_at=at(2, 10, 30), by=primary, topic=install)
    b = replied_inquiry(team, at(2, 16), responded_at=at(3, 10), by=teammate, topic=install)
    c = replied_inquiry(team, at(6, 16), responded_at=at(9, 11), by=primary, topic=install)
    d = replied_inquiry(team, at(7, 12), responded_at=at(9, 14), by=primary, topic=install)
    e = replied_inquiry(team, at(10, 9), responded_at=at(10, 9, 10), by=teammate, topic=install)
    f = replied_inquiry(team, at(11, 10), topic=grading)
    g = replied_inquiry(team, at(13, 16, 30), topic=grading)
    replied_inquiry(team, at(27, 10, month=2), responded_at=at(27, 11, month=2), by=primary, topic=grading)

    resolve(a, primary, at(2, 11))
    resolve(a, primary, at(2, 15))  # reopened and resolved again: still one inquiry
    resolve(e, primary, at(10, 10))
    resolve(b, teammate, at(3, 12))
    resolve(c, primary, at(16, 9))  # after the period

    effort(a, primary, 60, at(3, 10))  # on pat's own shift
    effort(b, primary, 30, at(4, 10))  # on tom's shift: outside pat's
    effort(e, teammate, 120, at(10, 20))  # evening, no shift
    effort(f, manager, 120, at(10, 11))
    effort(c, primary, 45, at(16, 10))  # after the period
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "install": install, "grading": grading}
