"""Intake is lean: a fixed, small number of statements per submission, one delivery publish per
transaction, and the Primary for the arrival time found in one indexed query."""

import datetime as dt

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries.models import Event, Inquiry, Message
from notices.models import OutboundMessage
from shifts.selectors import primary_for_arrival
from supportops.db import prepared_sql
from tests.factories import PUBLIC_FORM, ShiftFactory

FORM = PUBLIC_FORM
# On PostgreSQL: the team, the Primary for the arrival with their email mutes and zone (the Profile LEFT
# JOINed: accounts' PROFILE_JOIN, so notices asks accounts nothing) and the team's next reference number
# (its sequence) in one SELECT, then one statement for the inquiry, its first message, both events, the
# notification and the outbox rows (the acknowledgement and the assignee's email), each pointing to the
# rows before it (supportops.db.insert_rows_together). Elsewhere (SQLite): team, Primary, the team's
# counter (UPDATE … RETURNING), then inquiry, message, events, notification, outbox one by one.
STATEMENTS_PER_SUBMISSION = 2 if connection.vendor == "postgresql" else 8


def test_public_submission_takes_a_fixed_number_of_statements_and_one_publish(
    api, on_shift, django_capture_on_commit_callbacks
):
    # The warm-up's delivery is published (as its commit would in production, where each submission
    # commits on its own): otherwise the test's one transaction would publish both submissions together.
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/public/inquiries/", {**FORM, "subject": "warm-up"}, format="json")
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/public/inquiries/", FORM, format="json")
    assert response.status_code == 201, response.content
    # SQLite's INSERTs run in a transaction (a savepoint inside the test's); PostgreSQL's one statement
    # needs none.
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_number_comes_with_the_team_and_the_write_is_one_statement_without_a_transaction(
    api, on_shift, monkeypatch
):
    """The team's sequence gives the number in the SELECT that reads the team and its Primary: no row
    lock, no UPDATE of the team's row. The rows are one statement, atomic by itself: no BEGIN/COMMIT
    round trips, and the connection is left in autocommit."""
    monkeypatch.setattr("notices.services._enqueue_delivery", lambda *ids: None)  # tasks run inline here
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/public/inquiries/", FORM, format="json")
        again = api.post("/api/v1/public/inquiries/", FORM, format="json")
    assert (response.status_code, again.status_code) == (201, 201), response.content
    # Both are prepared statements of the connection (supportops.db.execute_prepared): their text.
    sql = [prepared_sql(q["sql"]) for q in queries]
    assert len(sql) == 2 * STATEMENTS_PER_SUBMISSION, "\n".join(s[:90] for s in sql)
    assert sql[2].startswith("SELECT") and "nextval(" in sql[2] and "shifts_shift" in sql[2]
    assert sql[3].startswith("WITH g0 AS (INSERT INTO")
    assert [q["sql"].startswith("EXECUTE ") for q in queries[2:]] == [True, True]
    assert not [s for s in sql if s in ("BEGIN", "COMMIT") or "UPDATE" in s]
    assert connection.get_autocommit()
    assert (response.json()["reference"], again.json()["reference"]) == ("ADS-1", "ADS-2")
    inquiry = Inquiry.objects.get(reference="ADS-2")
    assert inquiry.number == 2 and inquiry.assignee == on_shift.member
    assert OutboundMessage.objects.filter(inquiry=inquiry).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_write_leaves_nothing_behind_and_only_skips_its_number(api, on_shift, monkeypatch):
    """Without a transaction around it the write is still all or nothing (one statement); the number it
    took is skipped, never given twice."""
    from notices.models import Notification

    body = {**FORM, "subject": "A" * 200}
    original = Message.__init__

    def broken(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.kind = "k" * 100  # longer than the column: the statement fails in the database

    monkeypatch.setattr(Message, "__init__", broken)
    with pytest.raises(DataError):
        api.post("/api/v1/public/inquiries/", body, format="json")
    monkeypatch.undo()
    assert not Inquiry.objects.exists() and not Notification.objects.exists()
    assert not OutboundMessage.objects.exists() and not Event.objects.exists()
    assert api.post("/api/v1/public/inquiries/", FORM, format="json").json()["reference"] == "ADS-2"


def test_team_by_slug_loads_the_team_as_the_orm_does(team):
    from shifts.selectors import team_by_slug

    team.coverage = [{"weekday": 0, "start": "09:00", "end": "17:00"}]
    team.mail_password = "s3cret"
    team.save()
    with CaptureQueriesContext(connection) as queries:
        found = team_by_slug(slug="ads")
    assert len(queries) == 1 and team_by_slug(slug="nope") is None
    expected = type(team).objects.get(pk=team.pk)
    # JSON decoded, the secret decrypted, every field as the ORM loads it.
    assert found.coverage == [{"weekday": 0, "start": "09:00", "end": "17:00"}]
    assert found.mail_password == "s3cret"
    for field in type(team)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name


@pytest.mark.parametrize(
    ("muted", "emailed"), [(["assigned"], False), (["shift_reminder"], True), (None, True)]
)
def test_the_primarys_email_mutes_hold_at_the_same_statement_count(api, on_shift, muted, emailed):
    from accounts.models import Profile
    from notices.models import Notification

    if muted is not None:  # None: the Primary has no profile row at all
        Profile.objects.update_or_create(user=on_shift.member.user, defaults={"email_muted_kinds": muted})
    api.post("/api/v1/public/inquiries/", {**FORM, "subject": "warm-up"}, format="json")
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/public/inquiries/", FORM, format="json")
    assert response.status_code == 201, response.content
    assert len([q for q in queries if "SAVEPOINT" not in q["sql"]]) == STATEMENTS_PER_SUBMISSION
    inquiry = Inquiry.objects.get(reference=response.json()["reference"])
    assert Notification.objects.filter(inquiry=inquiry, kind="assigned").count() == 1  # in-app always
    to = set(OutboundMessage.objects.filter(inquiry=inquiry).values_list("to", flat=True))
    assert (on_shift.member.user.email in to) is emailed
    assert "lea@example.org" in to


@pytest.mark.parametrize("zone", ["Pacific/Auckland", ""])
def test_the_primarys_chosen_zone_comes_with_the_primary(api, on_shift, zone):
    """The "assigned" notice gives its deadline in the Primary's chosen zone (else the team's), read in
    the Primary's SELECT: no Profile query of its own, the same text as notices' own lookup writes."""
    from accounts.models import Profile
    from notices.models import Notification
    from supportops.notifications import PRELOADED, at, clock, in_zone

    Profile.objects.update_or_create(user=on_shift.member.user, defaults={"timezone": zone})
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/public/inquiries/", FORM, format="json")
    assert response.status_code == 201, response.content
    assert not [q for q in queries if "accounts_profile" in q["sql"] and "shifts_shift" not in q["sql"]]
    inquiry = Inquiry.objects.get(reference=response.json()["reference"])
    notice = Notification.objects.get(inquiry=inquiry, kind="assigned")
    expected_zone = zone or inquiry.team.timezone
    assert clock(inquiry.response_due_at, expected_zone) in notice.body
    assert notice.body == in_zone(f"From Lea. Respond by {at(inquiry.response_due_at)}.", expected_zone)
    found = primary_for_arrival(team=inquiry.team, at=timezone.now())
    assert getattr(found.user, PRELOADED) == (frozenset(), zone)


def _written(reference: str) -> str:
    """Every row an intake wrote, ids replaced by what they point to, its reference and tracking token
    by placeholders, times (each row's own clock) left out: the same text for two submissions that wrote
    the same rows."""
    from inquiries.models import Message
    from notices.models import Notification

    inquiry = Inquiry.objects.get(reference=reference)
    skip = {"id", "number"}
    notification_ids = list(Notification.objects.filter(inquiry=inquiry).order_by("pk").values_list("pk"))
    rows = {
        model.__name__: [
            {k: v for k, v in row.items() if k not in skip and not isinstance(v, dt.datetime)}
            for row in model.objects.filter(**{"pk" if model is Inquiry else "inquiry_id": inquiry.pk})
            .order_by("pk")
            .values()
        ]
        for model in (Inquiry, Message, Event, Notification, OutboundMessage)
    }
    for row in rows["OutboundMessage"]:
        if row["notification_id"] is not None:
            row["notification_id"] = f"notification {notification_ids.index((row['notification_id'],))}"
    for table in rows.values():
        for row in table:
            row["inquiry_id" if "inquiry_id" in row else "id"] = "the inquiry"
    return repr(rows).replace(reference, "REF").replace(inquiry.tracking_token, "TOKEN")


@pytest.mark.parametrize("muted", [["assigned"], ["shift_reminder"], None])
def test_one_statement_writes_the_same_rows_as_one_insert_per_table(api, on_shift, muted, monkeypatch):
    """The chained INSERT (inquiry, message, events, notification, outbox in one statement) writes what
    one INSERT per table (`insert_rows` group by group, as SQLite does) writes, for a muted, an unmuted
    and a profile-less Primary, with a team webhook (a third outbox row)."""
    import notices.services
    from accounts.models import Profile
    from supportops import db

    team = on_shift.member.team
    team.webhook_url = "https://hooks.example.org/ads"
    team.save()
    if muted is not None:
        Profile.objects.update_or_create(user=on_shift.member.user, defaults={"email_muted_kinds": muted})
    chained = api.post("/api/v1/public/inquiries/", FORM, format="json").json()["reference"]
    monkeypatch.setattr(
        notices.services, "insert_rows_together", lambda *groups: [db.insert_rows(g) for g in groups if g]
    )
    with CaptureQueriesContext(connection) as queries:
        one_by_one = api.post("/api/v1/public/inquiries/", FORM, format="json").json()["reference"]
    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 5
    written = _written(chained)
    assert written == _written(one_by_one)
    emails = OutboundMessage.objects.filter(inquiry__reference=chained, channel="email").count()
    assert emails == (1 if muted == ["assigned"] else 2) and "hooks.example.org" in written


def test_plain_values_go_to_the_database_as_get_db_prep_save_would_give_them(team, primary):
    """supportops.db passes str/int/bool values of plain fields as they are: the same as the ORM."""
    from inquiries.models import Message
    from notices.models import Notification
    from supportops.db import _db_value

    inquiry = Inquiry(team=team, number=7, reference="ADS-7", subject="S", body="B", assignee=primary)
    rows = [
        inquiry,
        Message(inquiry_id=3, kind=Message.Kind.REQUEST, body="B"),
        Event(inquiry_id=3, kind="created", to_value="new"),
        Notification(recipient=primary.user, kind="assigned", title="T", team=team),
        OutboundMessage(channel="email", to="a@example.org", payload={"x": 1}, automatic=False),
        team,
    ]
    for row in rows:
        for field in type(row)._meta.concrete_fields:
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                continue
            expected = field.get_db_prep_save(field.pre_save(row, True), connection)
            found = _db_value(field, row)
            same = getattr(found, "adapted", found) == getattr(expected, "adapted", expected)  # JSON
            assert type(found) is type(expected) and same, field


def test_the_nudge_follows_celerys_eager_setting_however_it_is_changed(settings, monkeypatch):
    """`notices.services._redis_for_nudges` reads task_always_eager once from the configuration (each read
    walks Celery's settings chain), but a value set on the app at run time or a changed Django setting
    still decides, as `app.conf.task_always_eager` would."""
    from notices import services
    from supportops.celery import app

    monkeypatch.setattr(services, "_nudge_client", None)  # this test's client is not kept
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"  # a client is made, never connected here
    configured = bool(app.conf.task_always_eager)  # (the first read loads the configuration)
    before = app.conf.changes.pop("task_always_eager", None)
    try:
        assert services._eager() is configured is bool(app.conf.task_always_eager)
        for eager in (False, True, False):
            app.conf.task_always_eager = eager
            assert services._eager() is eager
            assert (services._redis_for_nudges() is None) is eager
        del app.conf.changes["task_always_eager"]
        settings.CELERY_TASK_ALWAYS_EAGER = not app.conf.task_always_eager
        assert services._eager() is settings.CELERY_TASK_ALWAYS_EAGER is bool(app.conf.task_always_eager)
    finally:
        app.conf.changes.pop("task_always_eager", None)
        if before is not None:
            app.conf.changes["task_always_eager"] = before
