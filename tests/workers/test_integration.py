"""End to end with real processes: `celery worker` and `celery beat` (and gunicorn) against the real
PostgreSQL test database and a dedicated Redis database, with a sweep every second.

These tests run in real time: they poll the database with a timeout. Every process is started in its
own session and killed in teardown; their logs are printed when a test fails."""

import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from inquiries.models import Event, Handoff, Inquiry, Message, SlaNotice
from notices.models import Notification, OutboundMessage
from shifts.models import Shift
from tests.factories import RotationFactory, make_inquiry, make_shift

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TIMEOUT = 30.0


def wait_for(predicate, *, what: str, timeout: float = TIMEOUT, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dedicated_redis_url() -> str:
    """A Redis database of our own on the same server, so the tests never consume anyone's tasks."""
    parsed = urlparse(settings.REDIS_URL)
    db = (int(parsed.path.strip("/") or 0) + 8) % 16
    return f"redis://{parsed.hostname}:{parsed.port or 6379}/{db}"


def database_url() -> str:
    """The pytest test database (test_<name>), which the processes must share with the test."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Stack:
    """Real worker, beat and gunicorn processes, with their output in log files."""

    def __init__(self, tmp: Path, redis_url: str):
        self.tmp = tmp
        self.mail = tmp / "mail"
        self.mail.mkdir()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "supportops.settings.integration",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "CONN_MAX_AGE": "0",
            "SLA_SWEEP_SECONDS": "1",
            "SUPPORTOPS_VAR_DIR": str(tmp / "var"),
            "EMAIL_FILE_PATH": str(self.mail),
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills its pool children too
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker(
        self, name: str = "w1", queues: str = "celery,notifications,sweeps,webhooks", **env: str
    ) -> subprocess.Popen:
        process = self.start(
            name,
            str(BIN / "celery"),
            "-A",
            "supportops",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "-Q",
            queues,
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            **env,
        )
        wait_for(lambda: " ready." in self.log(name) or process.poll() is not None, what=f"worker {name}")
        assert process.poll() is None, self.log(name)
        return process

    def beat(self, name: str = "beat", **env: str) -> subprocess.Popen:
        return self.start(
            name,
            str(BIN / "celery"),
            "-A",
            "supportops",
            "beat",
            "--loglevel=INFO",
            f"--schedule={self.tmp / (name + '-schedule')}",
            **env,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def stop_all(self) -> None:
        """Teardown: kill every process group at once (a graceful stop, one process after the other, took
        seconds per test and is no part of what the tests check; the ones that stop a process gracefully
        do it themselves with `kill(name, SIGTERM)`). Pool children die with their group, so nothing
        touches the database any more when the test database is flushed."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait(timeout=15)

    def all_logs(self) -> str:
        return "\n".join(f"===== {name} =====\n{self.log(name)[-6000:]}" for name in self.processes)


@pytest.fixture
def stack(transactional_db, tmp_path, request):
    import redis

    url = dedicated_redis_url()
    redis.Redis.from_url(url).flushdb()
    running = Stack(tmp_path, url)
    yield running
    running.stop_all()
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        print(running.all_logs())


def overdue_rows(inquiry: Inquiry) -> tuple[int, int]:
    notices = SlaNotice.objects.filter(inquiry=inquiry, kind="response_overdue").count()
    notifications = Notification.objects.filter(inquiry=inquiry, kind="response_overdue").count()
    return notices, notifications


def test_an_overdue_inquiry_is_notified_once_by_the_real_worker_and_beat(
    stack, team, primary, manager, secondary
):
    now = timezone.now()
    make_shift(team, secondary, now - dt.timedelta(hours=1), hours=8, role="secondary")
    inquiry = make_inquiry(team, primary, received_at=now - dt.timedelta(hours=4), response_due_at=now)

    stack.worker()
    stack.beat()

    wait_for(lambda: overdue_rows(inquiry)[0], what="the overdue notice")
    wait_for_handoff_sweeps(stack, 3, task="sla_sweep")  # three more sweeps
    assert overdue_rows(inquiry) == (1, 3)
    emails = OutboundMessage.objects.filter(inquiry=inquiry, notification__kind="response_overdue")
    wait_for(lambda: set(emails.values_list("status", flat=True)) == {"sent"}, what="the emails sent")
    assert sorted(emails.values_list("to", flat=True)) == [
        "maria@example.org",
        "pat@example.org",
        "sam@example.org",
    ]
    assert "Sending due task sla-sweep" in stack.log("beat")


def sweeps_done(stack: Stack, worker: str, task: str = "handoff_sweep") -> int:
    """Sweeps finished by the worker(s) `worker` (names joined with ",")."""
    pattern = rf"inquiries\.tasks\.{task}\[[^\]]+\] succeeded"
    return sum(len(re.findall(pattern, stack.log(name))) for name in worker.split(","))


def wait_for_handoff_sweeps(
    stack: Stack, count: int, worker: str = "w1", task: str = "handoff_sweep"
) -> None:
    """Wait until `count` more sweeps have finished: with count >= 2, at least one of them started
    after this call (a condition on the processes, not a guess at how long they take)."""
    seen = sweeps_done(stack, worker, task)
    wait_for(
        lambda: sweeps_done(stack, worker, task) >= seen + count,
        what=f"{count} more {task} runs by {worker}",
        timeout=60,
    )


def wait_until(at: dt.datetime) -> None:
    wait_for(lambda: timezone.now() >= at, what=f"the clock to pass {at.isoformat()}", interval=0.05)


def test_a_real_shift_boundary_hands_off_once(stack, team, primary, teammate):
    stack.worker()
    stack.beat()
    wait_for_handoff_sweeps(stack, 1)  # the stack is up and sweeping before the shift ends, however slow
    boundary = timezone.now() + dt.timedelta(seconds=2)
    make_shift(team, primary, boundary - dt.timedelta(hours=4))
    make_shift(team, teammate, boundary)
    moving = [make_inquiry(team, primary, received_at=boundary - dt.timedelta(hours=1)) for _ in range(3)]
    kept = make_inquiry(team, primary, keep=True, received_at=boundary - dt.timedelta(hours=1))

    handoff = wait_for(lambda: Handoff.objects.filter(boundary=boundary).first(), what="the handoff")
    assert handoff.processed_at >= boundary  # handed off by a sweep that ran after the boundary, not before
    wait_for_handoff_sweeps(stack, 2)  # later sweeps find nothing more to do
    handoff.refresh_from_db()
    assert (handoff.moved_count, handoff.kept_count, Handoff.objects.count()) == (3, 1, 1)
    assert set(Inquiry.objects.filter(pk__in=[i.pk for i in moving]).values_list("assignee", flat=True)) == {
        teammate.pk
    }
    assert Inquiry.objects.get(pk=kept.pk).assignee == primary
    assert Event.objects.filter(kind="handed_off").count() == 3
    assert Notification.objects.filter(kind="handoff_digest", recipient=teammate.user).count() == 1
    assert Message.objects.filter(kind="system").count() == 3


def test_a_starting_worker_plans_rotations_to_the_horizon_without_waiting_for_beat(
    stack, team, primary, teammate
):
    """Beat's extension runs every 15 minutes; a worker that starts plans short rotations at once (no
    beat here at all), so a fresh or restarted installation shows no "planned less than the horizon"."""

    today = timezone.localdate()
    rotation = RotationFactory(
        team=team,
        shift_length_minutes=24 * 60,
        handoff_time=dt.time(9),
        starts_on=today,
        scheduled_until=today,
    )
    rotation.members.set([primary, teammate])

    stack.worker(queues="celery,notifications,sweeps")

    def planned():
        rotation.refresh_from_db()
        return rotation.scheduled_until >= team.planning_horizon()

    wait_for(planned, what="the rotation planned to the horizon")
    assert Shift.objects.filter(rotation=rotation).exists()


def test_workers_down_across_several_boundaries_catch_up_with_one_move(
    stack, team, primary, teammate, manager
):
    from tests.factories import make_member

    lena = make_member(team, "lena", percent_time=80)
    stack.worker("w1")
    stack.beat("beat1")
    wait_for_handoff_sweeps(stack, 1, "w1")
    b1 = timezone.now() + dt.timedelta(seconds=2)
    make_shift(team, primary, b1 - dt.timedelta(hours=4))
    toms = make_shift(team, teammate, b1, hours=8)
    before_b1 = b1 - dt.timedelta(hours=1)
    with_pat = [
        make_inquiry(team, primary, received_at=before_b1, requester_email="lea@example.net"),
        make_inquiry(team, primary, received_at=before_b1, requester_email="lea@example.net"),
        make_inquiry(team, primary, received_at=before_b1, requester_email="ben@example.net"),
    ]
    wait_for(lambda: Handoff.objects.filter(boundary=b1).exists(), what="the first handoff")

    # The workers stop; three short shifts (Maria, Lena, then Pat again) pass while they are down.
    stack.kill("beat1", signal.SIGTERM)
    stack.kill("w1", signal.SIGTERM)
    b2 = timezone.now() + dt.timedelta(seconds=1)
    b3, b4 = b2 + dt.timedelta(seconds=1), b2 + dt.timedelta(seconds=2)
    Shift.objects.filter(pk=toms.pk).update(ends_at=b2)
    make_shift(team, manager, b2, hours=1 / 3600)
    make_shift(team, lena, b3, hours=1 / 3600)
    make_shift(team, primary, b4, hours=8)
    # Asked during Maria's short shift and given to her; asked during Pat's current shift, with Pat.
    wait_until(b2 + dt.timedelta(milliseconds=300))
    with_maria = make_inquiry(team, manager, received_at=timezone.now(), requester_email="lea@example.net")
    wait_until(b4 + dt.timedelta(milliseconds=300))
    new_with_pat = make_inquiry(team, primary, received_at=timezone.now(), requester_email="cy@example.net")
    events_before = Event.objects.filter(kind="handed_off").count()
    assert events_before == 3  # Pat → Tom at b1
    mail_before = set(OutboundMessage.objects.values_list("pk", flat=True))

    stack.worker("w2")
    stack.beat("beat2")
    wait_for(lambda: Handoff.objects.count() == 4, what="the three missed boundaries handed off")
    wait_for_handoff_sweeps(stack, 2, "w2")

    for inquiry in [*with_pat, with_maria, new_with_pat]:
        inquiry.refresh_from_db()
        assert inquiry.assignee == primary, inquiry.reference
    caught_up = Event.objects.filter(kind="handed_off").exclude(
        pk__in=Event.objects.filter(kind="handed_off").order_by("pk")[:events_before].values("pk")
    )
    per_inquiry = list(caught_up.values_list("inquiry", flat=True))
    assert sorted(per_inquiry) == sorted([*(i.pk for i in with_pat), with_maria.pk])  # once each
    assert set(caught_up.values_list("from_value", "to_value")) == {("Tom", "Pat"), ("Maria", "Pat")}
    now_with = OutboundMessage.objects.exclude(pk__in=mail_before).filter(subject__icontains="now with")
    requesters = list(now_with.values_list("to", flat=True))
    assert sorted(requesters) == ["ben@example.net", "lea@example.net"]  # one email each, Lea's lists 3
    assert Notification.objects.filter(kind="handoff_digest", recipient=primary.user).count() == 1
    assert "on shift now" in now_with.get(to="ben@example.net").body


def _wait_until_a_backend_waits_on_our_lock() -> None:
    def blocked() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] > 0

    wait_for(blocked, what="the worker to block mid-transaction on the test's lock")


def _locking_connection():
    import psycopg2

    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    conn.autocommit = False
    return conn


def test_a_worker_killed_mid_handoff_loses_and_duplicates_nothing(stack, team, primary, teammate):
    boundary = timezone.now() - dt.timedelta(minutes=1)
    make_shift(team, primary, boundary - dt.timedelta(hours=4))
    make_shift(team, teammate, boundary)
    inquiries = [make_inquiry(team, primary, received_at=boundary - dt.timedelta(hours=2)) for _ in range(50)]
    # Hold one of the inquiries: the worker inserts the Handoff row, then waits for this lock.
    holder = _locking_connection()
    with holder.cursor() as cursor:
        cursor.execute("SELECT id FROM inquiries_inquiry WHERE id = %s FOR UPDATE", [inquiries[0].pk])

    stack.worker("w1")
    stack.beat()
    _wait_until_a_backend_waits_on_our_lock()
    stack.kill("w1")  # SIGKILL, mid-transaction
    holder.rollback()
    holder.close()
    assert not Handoff.objects.exists()  # the killed transaction left nothing behind

    stack.worker("w2")
    handoff = wait_for(lambda: Handoff.objects.first(), what="the handoff by the second worker")
    wait_for_handoff_sweeps(stack, 2, "w2")
    assert Handoff.objects.count() == 1 and handoff.moved_count == 50
    assert Event.objects.filter(kind="handed_off").count() == 50
    assert Inquiry.objects.filter(assignee=teammate).count() == 50
    assert Notification.objects.filter(kind="handoff_digest").count() == 1
    assert Message.objects.filter(kind="system").count() == 50
    assert OutboundMessage.objects.filter(to__startswith="learner").count() == 50


def test_a_worker_killed_mid_sweep_notifies_exactly_once(stack, team, primary, manager):
    now = timezone.now()
    inquiries = [
        make_inquiry(team, primary, received_at=now - dt.timedelta(hours=5), response_due_at=now)
        for _ in range(5)
    ]
    # Block the sweep after it has written its SlaNotice rows, at the INSERT of the notifications.
    holder = _locking_connection()
    with holder.cursor() as cursor:
        cursor.execute("LOCK TABLE supportops_notification IN SHARE MODE")

    stack.worker("w1")
    stack.beat()
    _wait_until_a_backend_waits_on_our_lock()
    stack.kill("w1")
    holder.rollback()
    holder.close()

    stack.worker("w2")
    wait_for(
        lambda: SlaNotice.objects.filter(kind="response_overdue").count() == 5, what="the overdue notices"
    )
    wait_for_handoff_sweeps(stack, 2, "w2", task="sla_sweep")
    assert SlaNotice.objects.filter(kind="response_overdue").count() == 5
    for inquiry in inquiries:
        assert overdue_rows(inquiry) == (1, 2)  # Pat and Maria, once each


def test_two_beats_and_two_workers_still_notify_and_hand_off_once(stack, team, primary, teammate, manager):
    now = timezone.now()
    boundary = now - dt.timedelta(seconds=30)
    make_shift(team, primary, boundary - dt.timedelta(hours=4))
    make_shift(team, teammate, boundary)
    inquiries = [
        make_inquiry(team, primary, received_at=now - dt.timedelta(hours=5), response_due_at=now)
        for _ in range(30)
    ]

    stack.worker("w1")
    stack.worker("w2")
    stack.beat("beat1")
    stack.beat("beat2")

    wait_for(
        lambda: SlaNotice.objects.filter(kind="response_overdue").count() == 30 and Handoff.objects.exists(),
        what="all notices and the handoff",
    )
    wait_for(
        lambda: all("Sending due task sla-sweep" in stack.log(beat) for beat in ("beat1", "beat2")),
        what="both beats sending sweeps",
    )
    wait_for_handoff_sweeps(stack, 3, "w1,w2", task="sla_sweep")
    wait_for_handoff_sweeps(stack, 3, "w1,w2")
    assert SlaNotice.objects.filter(kind="response_overdue").count() == 30
    assert Handoff.objects.count() == 1
    assert Event.objects.filter(kind="handed_off").count() == 30
    assert Notification.objects.filter(kind="handoff_digest").count() == 1
    # Whoever held each inquiry when its notice was written, plus Maria: two people each, once.
    assert Notification.objects.filter(kind="response_overdue").count() == 60
    for inquiry in inquiries:
        told = Notification.objects.filter(inquiry=inquiry, kind="response_overdue", recipient=manager.user)
        assert told.count() == 1


@pytest.fixture
def outage_redis(tmp_path):
    """A throwaway Redis of our own that the test stops and starts (never the shared one), on a free
    port: a fixed one would meet another checkout's throwaway Redis running the same test."""
    port = free_port()

    def start() -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(tmp_path),
            ],
            check=True,
            capture_output=True,
        )
        wait_for(lambda: _port_open(port), what="the throwaway Redis")

    def stop() -> None:
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        wait_for(lambda: not _port_open(port), what="the throwaway Redis to stop")

    start.port = port
    yield start
    stop()


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


INTAKE = """
import time
from inquiries.services import inquiry_create
from shifts.models import Team

started = time.monotonic()
inquiry = inquiry_create(
    team=Team.objects.get(slug="ads"),
    subject="My grades are missing",
    body="The exam grades do not show up.",
    requester_name="Lea Learner",
    requester_email="lea@example.net",
)
print("INTAKE", inquiry.reference, round(time.monotonic() - started, 2))
"""


def test_intake_during_a_redis_outage_is_delivered_when_redis_returns(stack, outage_redis, team, primary):
    make_shift(team, primary, timezone.now() - dt.timedelta(hours=1), hours=8)
    redis_url = f"redis://127.0.0.1:{outage_redis.port}/0"

    # Redis is down: the intake (a separate process, like a web worker) still succeeds, quickly.
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", INTAKE],
        cwd=ROOT,
        env={**stack.env, "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reference, elapsed = re.search(r"INTAKE (\S+) ([\d.]+)", done.stdout).groups()
    print(f"intake with Redis down took {elapsed} s")
    assert "could not enqueue delivery" in done.stdout + done.stderr
    inquiry = Inquiry.objects.get(reference=reference)
    outbox = OutboundMessage.objects.filter(inquiry=inquiry)
    assert outbox.count() >= 2  # the requester's acknowledgement and the Primary's email
    assert set(outbox.values_list("status", flat=True)) == {"pending"}

    # Redis is back: the outbox sweep sends what the outage held back.
    outage_redis()
    stack.worker(REDIS_URL=redis_url)
    stack.beat(REDIS_URL=redis_url)
    wait_for(lambda: set(outbox.values_list("status", flat=True)) == {"sent"}, what="the held-back mail")
    mailed = "".join(path.read_text(errors="replace") for path in stack.mail.iterdir())
    assert "To: lea@example.net" in mailed
    assert reference in mailed
    assert "To: pat@example.org" in mailed


def test_intake_nudges_the_worker_which_delivers_promptly_without_a_celery_publish(stack, team, primary):
    import redis

    from supportops.notifications import NUDGE_KEY

    make_shift(team, primary, timezone.now() - dt.timedelta(hours=1), hours=8)
    broker = redis.Redis.from_url(stack.env["REDIS_URL"])

    # The intake (a separate process, like a web worker) with no worker running: it publishes no Celery
    # task (no queue, no kombu binding in the broker's database), only one nudge with the rows' ids.
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", INTAKE],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reference = re.search(r"INTAKE (\S+)", done.stdout).group(1)
    inquiry = Inquiry.objects.get(reference=reference)
    outbox = OutboundMessage.objects.filter(inquiry=inquiry)
    ids = sorted(outbox.values_list("pk", flat=True))
    assert len(ids) >= 2  # the requester's acknowledgement and the Primary's email
    assert set(outbox.values_list("status", flat=True)) == {"pending"}
    assert {key.decode() for key in broker.keys("*")} == {NUDGE_KEY}
    [nudge] = broker.lrange(NUDGE_KEY, 0, -1)
    assert sorted(json.loads(nudge)[0]) == ids

    # A worker alone (no beat, so no outbox sweep) pops the nudge and the mail goes out.
    started = time.monotonic()
    stack.worker()
    wait_for(lambda: set(outbox.values_list("status", flat=True)) == {"sent"}, what="the nudged mail")
    print(f"delivered {time.monotonic() - started:.1f} s after the worker started")
    assert broker.llen(NUDGE_KEY) == 0
    assert "notices.tasks.deliver_outbound_batch" in stack.log("w1")
    mailed = "".join(path.read_text(errors="replace") for path in stack.mail.iterdir())
    assert "To: lea@example.net" in mailed and reference in mailed
    assert "To: pat@example.org" in mailed


def test_gunicorn_serves_healthz_and_readyz(stack):
    port = free_port()
    stack.start(
        "gunicorn",
        str(BIN / "gunicorn"),
        "supportops.wsgi:application",
        "--config",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
    )

    def get(path: str) -> tuple[int, str] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            return None

    assert wait_for(lambda: get("/healthz"), what="gunicorn")[0] == 200
    status, body = get("/readyz")
    assert status == 200, body
    assert '"database": "ok"' in body and '"broker": "ok"' in body
