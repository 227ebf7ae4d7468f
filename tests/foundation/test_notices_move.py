"""Notification and OutboundMessage moved from `supportops` to `notices` in the project state only: a
database that has rows from before the move keeps them, and the admin's content types follow."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notices.models import Notification, OutboundMessage
from tests.factories import make_inquiry, make_member, make_shift, make_team

BEFORE = [("notices", None), ("supportops", "0004_outbound_github_comment")]


def _executor() -> MigrationExecutor:
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_there_after_it():
    team = make_team("move")
    member = make_member(team, "mover")
    inquiry = make_inquiry(team, assignee=member)
    shift = make_shift(team, member, dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC))
    content_type_id = ContentType.objects.get(app_label="notices", model="notification").pk

    executor = _executor()
    executor.migrate(BEFORE)
    try:
        # The project as it was before the move: the models are supportops's.
        old = _executor().loader.project_state(BEFORE[1:]).apps
        assert ContentType.objects.get(pk=content_type_id).app_label == "supportops"
        OldNotification = old.get_model("supportops", "Notification")
        OldOutbound = old.get_model("supportops", "OutboundMessage")
        notice = OldNotification.objects.create(
            recipient_id=member.user_id,
            team_id=team.pk,
            inquiry_id=inquiry.pk,
            shift_id=shift.pk,
            kind="assigned",
            title="Assigned to you",
            body="before the move",
        )
        OldOutbound.objects.create(
            channel="email",
            to="mover@example.org",
            subject="Assigned",
            notification_id=notice.pk,
            inquiry_id=inquiry.pk,
        )
    finally:
        executor = _executor()
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Notification.objects.select_related("inquiry", "team", "shift").get(pk=notice.pk)
    assert (moved.body, moved.inquiry, moved.team, moved.shift) == ("before the move", inquiry, team, shift)
    email = OutboundMessage.objects.get(notification=moved)
    assert (email.to, email.inquiry_id, email.status) == ("mover@example.org", inquiry.pk, "pending")
    # New rows go to the same tables, after the old ones.
    assert Notification.objects.create(recipient=member.user, kind="assigned", title="after").pk > notice.pk
    assert ContentType.objects.get(pk=content_type_id).app_label == "notices"
    assert not ContentType.objects.filter(app_label="supportops").exists()
