"""The one place test data is made: factory_boy factories and the small functions the tests call.

- `make_user`, `make_team`, `make_member`: people and teams (the personas in tests/conftest.py).
- `make_inquiry(team, assignee, **fields)`: an inquiry *row* with deadlines (not through intake), for
  workers, reports and benchmarks that need exact timestamps.
- `replied_inquiry(team, received_at, responded_at=, by=)`: a row with deadlines from the team's calendar
  and, when it was replied to, the replies (for the reports).
- `inquiry_through_intake(team, **fields)`: an inquiry made by the intake service, as a learner's
  question arrives (deadlines from the team's calendar, the Primary assigned, notifications queued).
- `make_shift(team, member, starts_at, hours)`: a shift row.
- `TopicFactory`, `RotationFactory`, `AbsenceFactory`, `ShiftFactory`, `OutboundMessageFactory`,
  `BookingFactory`: rows the tests name the fields of.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from bookings.models import Booking
from inquiries.models import Inquiry
from notices.models import OutboundMessage
from shifts.models import Absence, Member, Rotation, Shift, Team, Topic

ALWAYS = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]
WEEKDAYS_9_TO_5 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Zurich


class UserFactory(DjangoModelFactory):
    """Password `pw-<username>` (the browser tests log in with it)."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.LazyAttribute(lambda u: u.username.capitalize())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password="pw-" + kwargs["username"], **kwargs)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"team{n}")
    name = factory.LazyAttribute(lambda t: t.slug.upper())
    timezone = "Europe/Zurich"
    coverage = factory.LazyFunction(lambda: list(WEEKDAYS_9_TO_5))
    reference_prefix = factory.LazyAttribute(lambda t: t.slug.replace("-", "").upper()[:6])


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = "developer"
    percent_time = 100


class InquiryFactory(DjangoModelFactory):
    """A row with deadlines four hours (response goal) and a day (guarantee) after `received_at`."""

    class Meta:
        model = Inquiry

    team = factory.SubFactory(TeamFactory)
    number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda i: f"{i.team.reference_prefix}-{i.number}")
    subject = factory.LazyAttribute(lambda i: f"Question {i.number}")
    body = "How do I …?"
    requester_name = "Lea Learner"
    requester_email = factory.LazyAttribute(lambda i: f"learner{i.number}@example.net")
    received_at = T0
    status = Inquiry.Status.NEW
    response_due_at = factory.LazyAttribute(lambda i: i.received_at + dt.timedelta(hours=4))
    response_guarantee_at = factory.LazyAttribute(lambda i: i.received_at + dt.timedelta(hours=24))
    responded_at = factory.LazyAttribute(
        lambda i: (
            i.received_at + dt.timedelta(minutes=30)
            if i.status in (Inquiry.Status.RESPONDED, Inquiry.Status.WAITING)
            else None
        )
    )
    resolved_at = factory.LazyAttribute(
        lambda i: i.received_at + dt.timedelta(hours=1) if i.status == Inquiry.Status.RESOLVED else None
    )
    resolution_kind = factory.LazyAttribute(
        lambda i: Inquiry.ResolutionKind.ANSWERED if i.status == Inquiry.Status.RESOLVED else ""
    )


class ShiftFactory(DjangoModelFactory):
    class Meta:
        model = Shift

    team = factory.LazyAttribute(lambda s: s.member.team)
    member = factory.SubFactory(MemberFactory)
    scheduled_member = factory.SelfAttribute("member")
    role = "primary"
    starts_at = T0
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=4))


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


class RotationFactory(DjangoModelFactory):
    """A primary rotation of eight-hour shifts handed over at 09:00 from Monday 2 March 2026."""

    class Meta:
        model = Rotation

    team = factory.SubFactory(TeamFactory)
    role = "primary"
    shift_length_minutes = 480
    handoff_time = dt.time(9)
    starts_on = dt.date(2026, 3, 2)


class OutboundMessageFactory(DjangoModelFactory):
    """A row of the outbox (queued): an email unless `channel="webhook"` with its `to` URL and `payload`."""

    class Meta:
        model = OutboundMessage

    channel = "email"
    to = "lea@example.net"


class BookingFactory(DjangoModelFactory):
    """A half-hour session booked with `host` (its team's) at `starts_at`."""

    class Meta:
        model = Booking

    team = factory.LazyAttribute(lambda b: b.host.team)
    host = factory.SubFactory(MemberFactory)
    learner_name = "Lea Learner"
    learner_email = factory.Sequence(lambda n: f"learner{n}@example.net")
    learner_key = factory.LazyAttribute(lambda b: b.learner_email.lower())
    starts_at = T0
    ends_at = factory.LazyAttribute(lambda b: b.starts_at + dt.timedelta(minutes=30))


class AbsenceFactory(DjangoModelFactory):
    class Meta:
        model = Absence

    member = factory.SubFactory(MemberFactory)
    starts_at = T0
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + dt.timedelta(days=1))


# ---------------------------------------------------------------- the functions the tests call


def make_user(username: str | None = None, **extra):
    if username is not None:
        extra["username"] = username
    return UserFactory(**extra)


def make_team(slug: str | None = None, **fields) -> Team:
    if slug is not None:
        fields["slug"] = slug
    return TeamFactory(**fields)


def make_member(
    team: Team, username: str | None = None, *, role: str = "developer", percent_time: int = 100, user=None
) -> Member:
    user = user or make_user(username)
    return MemberFactory(team=team, user=user, role=role, percent_time=percent_time)


def make_inquiry(team: Team, assignee: Member | None = None, **fields) -> Inquiry:
    """An inquiry row (not through intake): `status` picks matching `responded_at`/`resolved_at`."""
    return InquiryFactory(team=team, assignee=assignee, **fields)


def replied_inquiry(
    team: Team,
    received_at: dt.datetime,
    *,
    responded_at: dt.datetime | None = None,
    by: Member | None = None,
    topic=None,
    status: str | None = None,
) -> Inquiry:
    """An inquiry row received at `received_at` with its response deadline from the team's calendar and,
    with `responded_at`, `by`'s reply then and a later one by nobody (who replied first is the responder)."""
    from inquiries.models import Message
    from shifts.business_time import BusinessCalendar

    calendar = BusinessCalendar.for_team(team)
    inquiry = InquiryFactory(
        team=team,
        body="body",
        requester_name="Lea",
        requester_email="lea@example.org",
        topic=topic,
        status=status or ("responded" if responded_at else "new"),
        received_at=received_at,
        responded_at=responded_at,
        resolved_at=None,
        resolution_kind="",
        response_due_at=calendar.add_minutes(received_at, team.response_target_minutes),
        response_guarantee_at=received_at + dt.timedelta(minutes=team.response_guarantee_minutes),
    )
    if responded_at:
        reply = Message.objects.create(inquiry=inquiry, kind="reply", author=by.user, body="On it")
        Message.objects.filter(pk=reply.pk).update(created_at=responded_at)
        # A later reply by someone else does not make them the responder.
        later = Message.objects.create(inquiry=inquiry, kind="reply", author=None, body="more")
        Message.objects.filter(pk=later.pk).update(created_at=responded_at + dt.timedelta(hours=1))
    return inquiry


def make_shift(
    team: Team, member: Member, starts_at: dt.datetime, hours: float = 4, role: str = "primary"
) -> Shift:
    return ShiftFactory(
        team=team,
        member=member,
        role=role,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
    )


def inquiry_through_intake(team: Team, **fields) -> Inquiry:
    """A learner's question as the intake service stores it (deadlines from the team's calendar)."""
    from inquiries import services

    fields.setdefault("subject", "Notebook kernel dies")
    fields.setdefault("body", "My Jupyter kernel dies when I load the dataset.")
    fields.setdefault("requester_name", "Lea Learner")
    fields.setdefault("requester_email", "lea@example.org")
    return services.inquiry_create(team=team, **fields)


# A learner's submission to the public form for the `ads` team (the intake tests' common request).
PUBLIC_FORM = {
    "team": "ads",
    "subject": "Kernel dies",
    "body": "It dies when loading data.",
    "name": "Lea",
    "email": "lea@example.org",
}
