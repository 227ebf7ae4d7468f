"""Intake is lean: a fixed, small number of statements per submission, one delivery publish per
transaction, and the Primary for the arrival time found in one indexed query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries.models import Event, Inquiry
from notices.models import OutboundMessage
from shifts.selectors import primary_for_arrival
from tests.factories import ShiftFactory

FORM = {
    "team": "ads",
    "subject": "Kernel dies",
    "body": "It dies when loading data.",
    "name": "Lea",
    "email": "lea@example.org",
}
# team, primary for the arrival, reference number (UPDATE … RETURNING), inquiry, first message, both
# events, acknowledgement email, notification, the assignee's email preferences (accounts), its email.
STATEMENTS_PER_SUBMISSION = 10


def test_public_submission_takes_a_fixed_number_of_statements_and_one_publish(
    api, on_shift, django_capture_on_commit_callbacks
):
    api.post("/api/v1/public/inquiries/", {**FORM, "subject": "warm-up"}, format="json")
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/public/inquiries/", FORM, format="json")
    assert response.status_code == 201, response.content
    # The test's transaction turns the service's atomic block into a savepoint; in production it is
    # BEGIN/COMMIT on the connection, not statements of their own.
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    print(f"\nstatements per public submission: {len(statements)}")
    assert len(statements) == STATEMENTS_PER_SUBMISSION, "\n".join(sql[:90] for sql in statements)
    # Acknowledgement and the Primary's email: two outbox rows, one publish after commit.
    inquiry = Inquiry.objects.get(reference=response.json()["reference"])
    assert OutboundMessage.objects.filter(inquiry=inquiry).count() == 2
    assert len(callbacks) == 1 and sorted(callbacks[0].ids) == sorted(
        OutboundMessage.objects.filter(inquiry=inquiry).values_list("pk", flat=True)
    )
    kinds = list(Event.objects.filter(inquiry=inquiry).values_list("kind", flat=True))
    assert kinds == ["created", "assigned"] and inquiry.assignee == on_shift.member


def test_rolled_back_savepoint_publishes_nothing_for_its_rows(
    team, primary, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from supportops.notifications import outbox_email

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        kept = outbox_email(to="a@example.org", subject="kept", body="x")
        try:
            with transaction.atomic():
                outbox_email(to="b@example.org", subject="dropped", body="x")
                raise RuntimeError
        except RuntimeError:
            pass
        also = outbox_email(to="c@example.org", subject="also kept", body="x")
    assert [callback.ids for callback in callbacks] == [[kept.pk, also.pk]]


@pytest.mark.parametrize(
    "offset_hours, expected",
    [(-100, "first"), (1, "first"), (5, "overlap"), (9, "gap-next"), (40, None)],
)
def test_primary_for_arrival_in_one_query(team, primary, teammate, manager, offset_hours, expected):
    base = timezone.now().replace(microsecond=0)
    h = dt.timedelta(hours=1)
    ShiftFactory(team=team, role="primary", member=primary, starts_at=base, ends_at=base + 6 * h)
    # An override that starts inside the first shift wins while it runs (the later start).
    ShiftFactory(team=team, role="primary", member=teammate, starts_at=base + 4 * h, ends_at=base + 8 * h)
    ShiftFactory(team=team, role="primary", member=manager, starts_at=base + 10 * h, ends_at=base + 20 * h)
    ShiftFactory(team=team, role="secondary", member=teammate, starts_at=base + 8 * h, ends_at=base + 9 * h)
    owner = {"first": primary, "overlap": teammate, "gap-next": manager, None: None}[expected]
    with CaptureQueriesContext(connection) as queries:
        found = primary_for_arrival(team=team, at=base + offset_hours * h)
    assert found == owner and len(queries) == 1
