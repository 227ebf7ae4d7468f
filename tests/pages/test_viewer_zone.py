"""Every time on every signed-in page names its zone and follows the viewer's preference.

A manager and a developer of a team in Europe/Zurich read in America/New_York (their profile). The crawl
reads every page's text (not attributes, scripts or typed text) and finds each clock time: it must be
followed by a zone, and the zone must be the viewer's, except inside an element marked
`data-zone="team"` (the team's clock, shown where it matters) or `data-zone="written"` (notice text as it
was sent), which must still be labelled."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from accounts.models import Profile
from audit.services import audit_record
from inquiries.services import effort_log, inquiry_resolve, inquiry_respond
from integrations.models import Integration
from postmortems.models import Milestone, Postmortem
from shifts.models import Swap
from supportops.notifications import notify
from tests.factories import (
    AbsenceFactory,
    BookingFactory,
    RotationFactory,
    ShiftFactory,
    inquiry_through_intake,
)

pytestmark = pytest.mark.django_db

VIEWER_ZONE = "America/New_York"
VIEWER_LABELS = {"EST", "EDT", VIEWER_ZONE}
TEAM_LABELS = {"CET", "CEST", "Europe/Zurich"}
TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
# A time, perhaps the start of a range ("09:00–13:00"), then what follows it.
CLOCK = re.compile(
    rf"(?<![\d:.])({TIME})((?:\s*[–-]\s*(?:[A-Z][a-z]{{2}} \d{{1,2}} [A-Z][a-z]{{2}} )?{TIME})*)"
)
LABEL = re.compile(r"\s+\(?([A-Z]{2,5}|[+-]\d{2,4}|[A-Z][A-Za-z_]+/[A-Za-z_/]+)\b")


class _Text(HTMLParser):
    """Text nodes with the `data-zone` of their nearest marked ancestor (None: the viewer's zone)."""

    # Not times shown to be read as times: scripts, typed text, format examples (<code>).
    SKIP = {"script", "style", "textarea", "title", "code"}
    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.chunks: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        zone = dict(attrs).get("data-zone") or (self.stack[-1][1] if self.stack else None)
        self.stack.append((tag, zone))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in self.SKIP:
            return
        if any(tag in self.SKIP for tag, _ in self.stack):
            return
        zone = self.stack[-1][1] if self.stack else None
        if self.chunks and self.chunks[-1][0] == zone:
            self.chunks[-1] = (zone, self.chunks[-1][1] + " " + data)
        else:
            self.chunks.append((zone, data))


def zone_problems(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    problems = []
    for zone, text in parser.chunks:
        for match in CLOCK.finditer(text):
            after = text[match.end() :]
            label = LABEL.match(after)
            shown = " ".join((match.group(0) + after[:12]).split())
            if label is None:
                problems.append(f"unlabelled: {shown!r}")
            elif zone is None and label.group(1) not in VIEWER_LABELS:
                problems.append(f"not the viewer's zone: {shown!r}")
            elif zone == "team" and label.group(1) not in TEAM_LABELS:
                problems.append(f"marked as the team's time but is not: {shown!r}")
    return problems


def test_the_checker_finds_what_it_is_for():
    assert zone_problems("<p>at 09:00</p>") == ["unlabelled: '09:00'"]
    assert zone_problems("<p>09:00–13:00 EST</p><p>Mon 2 Mar 09:00 EDT</p>") == []
    assert zone_problems("<p>09:00 CET</p>") == ["not the viewer's zone: '09:00 CET'"]
    assert zone_problems('<p>03:00 EST <span data-zone="team">· team 09:00 CET</span></p>') == []
    assert zone_problems('<p data-zone="team">09:00 EST</p>') == [
        "marked as the team's time but is not: '09:00 EST'"
    ]
    assert zone_problems("<script>var t = '09:00';</script><input value='09:00'>") == []


@pytest.fixture
def world(team, manager, primary, teammate, open_team, topic):
    """A week of the team's life: rotations and shifts, an absence and a swap, inquiries, a postmortem,
    an integration, sessions, notices and audit rows."""
    now = timezone.now()
    for member in (manager, primary):
        Profile.objects.update_or_create(user=member.user, defaults={"timezone": VIEWER_ZONE})
    rotation = RotationFactory(
        team=team, shift_length_minutes=240, handoff_time=dt.time(9), starts_on=timezone.localdate()
    )
    rotation.members.set([primary, teammate])
    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    shifts = []
    for n in range(6):
        member = primary if n % 2 == 0 else teammate
        shifts.append(
            ShiftFactory(
                team=team,
                rotation=rotation,
                role="primary",
                member=member,
                scheduled_member=member,
                starts_at=start + dt.timedelta(hours=4 * n),
                ends_at=start + dt.timedelta(hours=4 * n + 4),
            )
        )
    ShiftFactory(
        team=team, role="secondary", member=teammate, starts_at=start, ends_at=start + dt.timedelta(days=1)
    )
    AbsenceFactory(member=teammate, starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=4))
    Swap.objects.create(team=team, shift=shifts[2], requester=primary, counterpart=teammate)
    inquiry = inquiry_through_intake(open_team, subject="Kernel dies when loading the dataset")
    inquiry_through_intake(open_team, subject="Grading is stuck", topic=topic)
    answered = inquiry_through_intake(open_team, subject="Where is the exercise sheet")
    inquiry_respond(inquiry=answered, actor=primary.user, body="Here it is.")
    effort_log(inquiry=answered, actor=primary.user, minutes=20, note="Looked it up")
    done = inquiry_through_intake(open_team, subject="Login fails")
    inquiry_resolve(inquiry=done, actor=primary.user, kind="answered", note="Fixed")
    postmortem = Postmortem.objects.create(
        team=team, title="Grading outage", summary="What happened", status="in_review", submitted_at=now
    )
    Milestone.objects.create(postmortem=postmortem, at=now - dt.timedelta(days=1), description="Reported")
    Integration.objects.create(
        team=team,
        kind="alertmanager",
        name="Alerts",
        last_received_at=now,
        last_error="boom",
        last_error_at=now,
    )
    BookingFactory(
        team=team,
        host=primary,
        shift=shifts[1],
        learner_name="Lea",
        learner_email="lea@example.org",
        learner_key="lea@example.org",
        starts_at=shifts[1].starts_at + dt.timedelta(minutes=30),
        ends_at=shifts[1].starts_at + dt.timedelta(minutes=60),
    )
    for member in (manager, primary):
        notify(recipient=member.user, kind="shift_reminder", title="Your shift starts soon", team=team)
    audit_record(actor=manager.user, action="team.updated", team=team, obj=team)
    return {
        "team": team,
        "inquiry": inquiry,
        "answered": answered,
        "done": done,
        "postmortem": postmortem,
        "shift": shifts[2],
    }


def _pages(world) -> list[str]:
    team = world["team"].slug
    integration = Integration.objects.get()
    return [
        "/",
        "/dashboard/queue/",
        "/reports/health/",
        "/inquiries/",
        "/inquiries/?status=all&sort=oldest",
        f"/inquiries/{world['inquiry'].reference}/",
        f"/inquiries/{world['answered'].reference}/",
        f"/inquiries/{world['done'].reference}/",
        "/inquiries/new/",
        f"/calendar/?team={team}",
        f"/calendar/?team={team}&view=month",
        f"/rotations/?team={team}",
        "/sessions/",
        "/backlog/",
        "/postmortems/",
        f"/postmortems/{world['postmortem'].pk}/",
        f"/postmortems/agenda/?team={team}",
        "/reports/",
        f"/reports/load/?team={team}",
        f"/reports/response-times/?team={team}",
        f"/reports/cost/?team={team}",
        f"/reports/topics/?team={team}",
        f"/reports/team-load/?team={team}",
        f"/reports/sessions/?team={team}",
        "/teams/",
        f"/teams/{team}/",
        f"/teams/{team}/canned-replies/",
        f"/teams/{team}/audit/",
        f"/teams/{team}/integrations/",
        f"/teams/{team}/integrations/{integration.pk}/",
        "/inbox/",
        "/profile/",
    ]


def test_every_time_on_every_signed_in_page_is_in_the_viewers_zone_and_says_so(
    client, world, manager, primary
):
    found = {}
    for viewer in (manager, primary):
        client.force_login(viewer.user)
        for path in _pages(world):
            response = client.get(path)
            if response.status_code in (403, 404) and viewer is primary:
                continue  # a manager's page: the manager's crawl covers it
            assert response.status_code == 200, (viewer, path)
            problems = zone_problems(response.content.decode())
            if problems:
                found[(viewer.user.username, path)] = problems
        confirm = client.post(
            "/rotations/override/",
            {"team": world["team"].slug, "shift": world["shift"].pk, "member": manager.pk},
        )
        assert confirm.status_code == 200
        if problems := zone_problems(confirm.content.decode()):
            found[(viewer.user.username, "override confirmation")] = problems
    assert found == {}


def test_the_calendar_puts_a_shift_on_the_viewers_day_and_shows_the_teams_clock_too(client, world, primary):
    """A shift at 02:00 in Zurich is on the previous evening in New York (20:00 EST)."""
    team = world["team"]
    import zoneinfo

    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    late = ShiftFactory(
        team=team,
        role="secondary",
        member=primary,
        starts_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=zurich),
        ends_at=dt.datetime(2026, 3, 10, 6, 0, tzinfo=zurich),
    )
    client.force_login(primary.user)
    html = client.get(f"/calendar/?team={team.slug}&date=2026-03-09").content.decode()
    monday = html.split("09 Mar</strong>", 1)[1].split("</td>", 1)[0]
    # US summer time began on 8 March, Europe's begins on 29 March.
    assert "21:00–Tue 10 Mar 01:00 EDT" in monday, monday
    assert "team 02:00 CET" in monday
    assert late.pk and "Times in your zone, America/New_York" in html and "Europe/Zurich" in html


def test_durations_read_in_hours_and_days():
    from supportops.templatetags.zones import duration

    assert [duration(m) for m in (30, 60, 100, 240, 1440, 2160, 10080)] == [
        "30 min",
        "1 h",
        "1 h 40 min",
        "4 h",
        "1 day",
        "1.5 days",
        "7 days",
    ]
