"""Action items remind their owner (SPEC 3.5): told when given one, reminded once a day while overdue."""

import datetime as dt
import threading

import pytest
from django.db import connection

from inquiries.sla import sla_sweep
from notices.models import Notification, OutboundMessage
from postmortems import services
from postmortems.models import ActionItemReminder
from postmortems.services.reminders import action_items_sweep

pytestmark = pytest.mark.django_db

# Friday 2026-04-03 10:00 in Zurich; the item was due Wednesday.
FRIDAY_10 = dt.datetime(2026, 4, 3, 8, 0, tzinfo=dt.UTC)
DUE = dt.date(2026, 4, 1)


def reminders(member) -> int:
    return Notification.objects.filter(kind="action_item_overdue", recipient=member.user).count()


@pytest.fixture
def item(draft, primary, teammate):
    return services.recommendation_add(
        postmortem=draft,
        actor=primary.user,
        data={"description": "Add the exam FAQ", "owner": teammate.pk, "due_date": DUE.isoformat()},
    )


def test_the_owner_is_told_when_given_an_action_item(item, teammate, primary):
    told = Notification.objects.get(kind="action_item_assigned")
    assert told.recipient == teammate.user
    assert "Add the exam FAQ" in told.title and "Wed 01 Apr 2026" in told.body
    assert OutboundMessage.objects.filter(notification=told, to=teammate.user.email).exists()


def test_a_new_owner_is_told_but_not_someone_taking_it_themselves(item, primary, manager):
    services.recommendation_update(recommendation=item, actor=primary.user, data={"owner": manager.pk})
    services.recommendation_update(recommendation=item, actor=primary.user, data={"owner": primary.pk})

    told = Notification.objects.filter(kind="action_item_assigned").values_list(
        "recipient__username", flat=True
    )
    assert sorted(told) == ["maria", "tom"]


def test_an_overdue_item_reminds_its_owner_once_a_day(item, teammate):
    assert sla_sweep(now=FRIDAY_10)["action_item_overdue"] == 1
    assert action_items_sweep(now=FRIDAY_10 + dt.timedelta(hours=3)) == 0
    assert reminders(teammate) == 1

    # Saturday morning in Zurich: a new day, one more reminder.
    assert action_items_sweep(now=FRIDAY_10 + dt.timedelta(hours=20)) == 1
    assert action_items_sweep(now=FRIDAY_10 + dt.timedelta(hours=21)) == 0
    assert reminders(teammate) == 2
    bodies = sorted(Notification.objects.filter(kind="action_item_overdue").values_list("body", flat=True))
    assert [body[:32] for body in bodies] == [
        "Due Wed 01 Apr 2026 (2 days ago)",
        "Due Wed 01 Apr 2026 (3 days ago)",
    ]


def test_items_not_yet_overdue_done_or_without_owner_remind_nobody(item, draft, primary, teammate):
    services.recommendation_add(
        postmortem=draft,
        actor=primary.user,
        data={"description": "Later", "owner": teammate.pk, "due_date": "2026-04-03"},
    )
    services.recommendation_add(
        postmortem=draft, actor=primary.user, data={"description": "Nobody's", "due_date": "2026-03-01"}
    )
    services.recommendation_update(recommendation=item, actor=teammate.user, data={"status": "done"})

    assert action_items_sweep(now=FRIDAY_10) == 0
    assert not ActionItemReminder.objects.exists()


def test_the_day_is_the_teams_day(item, teammate):
    # Wednesday 23:30 UTC is already Thursday in Zurich: the Wednesday deadline has passed there.
    assert action_items_sweep(now=dt.datetime(2026, 4, 1, 22, 30, tzinfo=dt.UTC)) == 1
    assert ActionItemReminder.objects.get().day == dt.date(2026, 4, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_once(item, teammate):
    results: list[int] = []
    start = threading.Barrier(2)

    def sweep() -> None:
        try:
            start.wait()
            results.append(action_items_sweep(now=FRIDAY_10))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 1]
    assert reminders(teammate) == 1
