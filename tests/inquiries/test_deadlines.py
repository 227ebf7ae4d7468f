import datetime as dt

import pytest
import time_machine

from inquiries import services
from inquiries.deadlines import recompute_open_deadlines
from inquiries.models import Inquiry

pytestmark = pytest.mark.django_db

SATURDAY_NOON_UTC = dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.UTC)


def _ask(team):
    return services.inquiry_create(
        team=team, subject="s", body="b", requester_name="n", requester_email="n@example.org"
    )


def test_coverage_change_recomputes_only_unresponded_inquiries(team, primary):
    with time_machine.travel(SATURDAY_NOON_UTC, tick=False):
        waiting_for_response, answered = _ask(team), _ask(team)
        services.inquiry_respond(inquiry=answered, actor=primary.user, body="Hi")
    monday_1pm_zurich = dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)
    assert Inquiry.objects.get(pk=answered.pk).response_due_at == monday_1pm_zurich

    # From now on the team also covers Saturdays 10:00-16:00 Zurich (09:00-15:00 UTC).
    team.coverage = [*team.coverage, {"weekday": 5, "start": "10:00", "end": "16:00"}]
    team.save()
    assert recompute_open_deadlines(team=team) == 1
    # Received Saturday 13:00 local: three business hours that Saturday, the fourth Monday 09:00-10:00.
    assert Inquiry.objects.get(pk=waiting_for_response.pk).response_due_at == dt.datetime(
        2026, 3, 9, 9, 0, tzinfo=dt.UTC
    )
    assert Inquiry.objects.get(pk=answered.pk).response_due_at == monday_1pm_zurich
