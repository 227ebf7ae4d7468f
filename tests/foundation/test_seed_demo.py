import io

import pytest
from django.core.management import call_command

from inquiries.models import Inquiry
from shifts.models import Member, Shift, Team

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_every_page_and_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    counts = (Team.objects.count(), Member.objects.count(), Inquiry.objects.count(), Shift.objects.count())
    assert counts[0] == 3 and counts[2] > 0 and counts[3] > 0
    assert set(Inquiry.objects.values_list("status", flat=True)) == set(Inquiry.Status.values)
    assert not Inquiry.objects.filter(assignee__isnull=True).exists()
    assert len(set(Member.objects.values_list("percent_time", flat=True))) > 3

    call_command("seed_demo", stdout=io.StringIO())
    assert (Team.objects.count(), Member.objects.count(), Inquiry.objects.count()) == counts[:3]
    assert Shift.objects.count() == counts[3]


def test_seed_demo_puts_a_postmortem_up_for_review():
    from postmortems.models import Postmortem

    call_command("seed_demo", stdout=io.StringIO())
    postmortem = Postmortem.objects.filter(team__slug="ads").get()
    assert postmortem.status == "in_review"
    assert postmortem.recommendations.count() == 1 and postmortem.milestones.exists()


def test_the_demo_tells_a_believable_story(client):
    """Replies mostly on time (not all), varied effort, each team's own questions, a topic worth automating
    in every team, and one team visibly overloaded with boosters suggested."""
    from django.contrib.auth import get_user_model

    from inquiries.models import EffortLog

    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="maria"))
    for team in ("ads", "lse"):
        summary = client.get("/api/v1/reports/response-times/", {"team": team}).json()["summary"]
        assert 70 <= summary["within_target_percent"] < 100, summary
    assert EffortLog.objects.values("minutes").distinct().count() >= 5
    subjects = {
        slug: set(Inquiry.objects.filter(team__slug=slug).values_list("subject", flat=True))
        for slug in ("ads", "pyfit", "lse")
    }
    assert not subjects["ads"] & subjects["lse"] and not subjects["ads"] & subjects["pyfit"]
    for team in ("ads", "lse"):
        topics = client.get("/api/v1/reports/topics/", {"team": team}).json()
        assert topics["summary"]["candidates"], team
    load = client.get("/api/v1/reports/team-load/", {"team": "ads"}).json()
    assert load["summary"]["overloaded"] == ["lse"]
    assert next(row for row in load["rows"] if row["team"] == "lse")["boosters"]


def test_a_fresh_demo_warns_of_no_short_rotation(client):
    """The seed plans every rotation as far ahead as beat keeps it: the managers' health view (and the
    rotations page) show no "planned less than the horizon" warning before beat's first extension."""
    from django.contrib.auth import get_user_model

    from shifts.models import Rotation

    call_command("seed_demo", stdout=io.StringIO())
    for rotation in Rotation.objects.select_related("team"):
        assert rotation.scheduled_until >= rotation.team.planning_horizon(), rotation
    for manager in get_user_model().objects.filter(username__in=["maria", "grace"]):
        client.force_login(manager)
        html = client.get("/reports/health/").content.decode()
        assert "team health" in html and "rotation planned only" not in html
