"""A fast generator of realistic inquiries for the scale benchmarks (PostgreSQL only).

`World.grow_to(total)` adds inquiries until the database holds `total`, half of them in the measured team
`ads` and the rest spread over nine other teams, received over three years. Each inquiry gets the
requester's first message, a reply when it was responded to, `created`/`assigned`/`resolved` events,
one or two effort logs and its assignee's notification, like the services would write. Everything is
INSERT … SELECT over generate_series (one statement per team and per child table): 1M inquiries take
minutes, not hours.

Text comes from a technical vocabulary, so "kernel" is in about one inquiry in five and the search
and "similar inquiries" indexes work on realistic selectivities. Old inquiries are resolved; the most
recent ones are open, about as many at 1M rows as at 10k (a team's backlog does not grow with history).
After each growth step and sweep the tables are vacuumed and analyzed (`vacuum_analyze`), as autovacuum
would have done on an installation that grew to that size.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import connection

from inquiries.models import EffortLog, Event, Inquiry, Message
from inquiries.references import references_restart
from notices.models import Notification
from shifts.models import Member, Shift, Team, Topic
from tests.factories import RotationFactory, ShiftFactory, TopicFactory, make_member, make_team

WORDS = [
    "kernel",
    "notebook",
    "jupyter",
    "dataset",
    "python",
    "pandas",
    "numpy",
    "import",
    "module",
    "install",
    "package",
    "conda",
    "pip",
    "environment",
    "version",
    "upgrade",
    "memory",
    "crash",
    "dies",
    "timeout",
    "cluster",
    "slurm",
    "job",
    "queue",
    "gpu",
    "cuda",
    "driver",
    "node",
    "login",
    "password",
    "account",
    "access",
    "permission",
    "denied",
    "quota",
    "storage",
    "disk",
    "file",
    "upload",
    "download",
    "certificate",
    "course",
    "exercise",
    "grade",
    "submission",
    "deadline",
    "video",
    "lecture",
    "slides",
    "link",
    "broken",
    "page",
    "server",
    "error",
    "restart",
    "reboot",
    "network",
    "proxy",
    "vpn",
    "ssh",
    "key",
    "token",
    "api",
    "request",
    "response",
    "json",
    "csv",
    "excel",
    "plot",
    "figure",
    "matplotlib",
    "chart",
    "latex",
    "pdf",
    "export",
    "render",
    "output",
    "cell",
    "widget",
    "extension",
    "plugin",
    "database",
    "query",
    "postgres",
    "sql",
    "table",
    "index",
    "schema",
    "migration",
    "backup",
    "restore",
    "snapshot",
    "volume",
    "mount",
    "docker",
    "container",
    "image",
    "build",
    "compile",
    "fortran",
    "library",
    "linking",
    "segfault",
    "thread",
    "parallel",
    "mpi",
    "license",
    "cost",
    "budget",
    "invoice",
    "renewal",
    "email",
    "notification",
    "calendar",
    "schedule",
    "shift",
    "meeting",
    "team",
]
FIRST_NAMES = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Barbara",
    "Dennis",
    "Ken",
    "Margaret",
    "Katherine",
    "John",
    "Lea",
    "Tim",
    "Radia",
    "Frances",
]
LAST_NAMES = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Liskov",
    "Ritchie",
    "Thompson",
    "Hamilton",
    "Johnson",
    "Backus",
    "Perlman",
]
TEAMS = 10
MEASURED = "ads"
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
YEARS = 3


# What the rollup sweep writes and deletes (dirty-day marks) for the measured team.
ROLLUP_TABLES = (
    "rollups_daytopicfigures",
    "rollups_rolledday",
    "rollups_rolledweek",
    "rollups_daymemberfigures",
    "rollups_dirtyday",
)

# Arrival times are `now - span * random() ** RECENCY`: recent rows are likelier (a growing service).
RECENCY = 1.3


GENERATED = (
    "inquiries_inquiry",
    "inquiries_message",
    "inquiries_event",
    "inquiries_effortlog",
    Notification._meta.db_table,
)


def _open_window(count: int) -> dt.timedelta:
    """How recent a row of a team holding `count` must be to be still open: the last 14 days at 5,000
    rows, less when more arrived over the same three years, so every size holds about as many open.
    The share of rows within `w` of now is (w / span) ** (1 / RECENCY), hence the power."""
    return dt.timedelta(days=14) * min(1.0, 5000 / max(count, 1)) ** RECENCY


def _sql_array(values) -> str:
    return "(ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "])"


def vacuum_analyze(tables: tuple[str, ...]) -> None:
    """What autovacuum does on a real installation after a bulk load (this server may run without it):
    `VACUUM ANALYZE` — statistics, the visibility map, and the GIN indexes' pending lists merged into
    the indexes (a trigram search scans an unmerged pending list whole, on every query). Inside a
    transaction (a test that is not transactional) VACUUM is not allowed: the pending lists are merged
    with `gin_clean_pending_list` and the tables analyzed instead."""
    with connection.cursor() as cursor:
        for table in tables:
            if not connection.in_atomic_block:
                cursor.execute(f"VACUUM ANALYZE {table}")
                continue
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c"
                " ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
                " WHERE i.indrelid = %s::regclass AND am.amname = 'gin'",
                [table],
            )
            cursor.execute(f"ANALYZE {table}")


@dataclass
class World:
    teams: list[Team] = field(default_factory=list)
    members: dict[int, list[Member]] = field(default_factory=dict)
    topics: dict[int, list[Topic]] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    @property
    def team(self) -> Team:
        return self.teams[0]

    @classmethod
    def create(cls) -> World:
        world = cls()
        for n in range(TEAMS):
            slug = MEASURED if n == 0 else f"team{n}"
            team = make_team(slug, name=f"Team {slug}", reference_prefix=slug.upper()[:6])
            world.teams.append(team)
            world.members[team.pk] = [
                make_member(team, f"{slug}-dev{m}", percent_time=(100, 80, 50)[m % 3]) for m in range(5)
            ]
            world.members[team.pk].append(make_member(team, f"{slug}-boss", role="manager"))
            world.topics[team.pk] = [TopicFactory(team=team, name=f"{w} help") for w in WORDS[:8]]
        world._shifts()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
        return world

    def _shifts(self) -> None:
        """Weekday 9-17 primary shifts for the measured team: three years back, eight weeks ahead."""
        team, members = self.team, self.members[self.team.pk][:5]
        first = (self.now - dt.timedelta(days=365 * YEARS)).date()
        rotation = RotationFactory(
            team=team, role="primary", shift_length_minutes=480, handoff_time=dt.time(9), starts_on=first
        )
        rotation.members.set(members)
        days = [first + dt.timedelta(days=n) for n in range((self.now.date() - first).days + 56)]
        Shift.objects.bulk_create(
            Shift(
                team=team,
                rotation=rotation,
                role="primary",
                member=members[index % len(members)],
                starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=ZURICH),
                ends_at=dt.datetime.combine(day, dt.time(17), tzinfo=ZURICH),
            )
            for index, day in enumerate(d for d in days if d.weekday() < 5)
        )
        # Someone is on shift right now (the dashboard and intake have a Primary), whatever the hour.
        ShiftFactory(
            team=team,
            role="primary",
            member=members[0],
            starts_at=self.now - dt.timedelta(minutes=1),
            ends_at=self.now + dt.timedelta(hours=2),
        )

    def grow_to(self, total: int) -> None:
        have = Inquiry.objects.count()
        if total <= have:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM inquiries_inquiry")
            (last_id,) = cursor.fetchone()
        add = total - have
        with connection.cursor() as cursor:
            cursor.execute("SELECT team_id, count(*) FROM inquiries_inquiry GROUP BY team_id")
            held = dict(cursor.fetchall())
        for index, team in enumerate(self.teams):
            share = add // 2 if index == 0 else (add - add // 2) // (TEAMS - 1)
            if index == TEAMS - 1:
                share = add - add // 2 - (add - add // 2) // (TEAMS - 1) * (TEAMS - 2)
            # Open: the rows (new and earlier ones) within the window of the team's size after this step.
            window = _open_window(held.get(team.pk, 0) + share)
            self._inquiries(team, share, window)
            self._settle_backlog(team, last_id, window)
        self._children(last_id)
        references_restart()  # intake goes on after the generated numbers
        vacuum_analyze(GENERATED)

    def sweep(self) -> None:
        """What the every-minute rollup sweep would have done for the measured team while its inquiries
        arrived (the other teams' reports are not measured; their marks wait)."""
        from rollups.models import DirtyDay
        from rollups.services import rollups_rebuild

        rollups_rebuild(team=self.team, now=self.now)
        DirtyDay.objects.filter(team=self.team).delete()
        vacuum_analyze(ROLLUP_TABLES)

    def _inquiries(self, team: Team, count: int, open_window: dt.timedelta) -> None:
        if count <= 0:
            return
        members = [m.pk for m in self.members[team.pk][:5]]
        topics = [t.pk for t in self.topics[team.pk]]
        span = YEARS * 365 * 86400
        words = _sql_array(WORDS)
        # r1: when (recent rows are likelier: a growing service); r2: outcome; r3-r5: who, what, how fast.
        sql = f"""
        WITH base AS (
            SELECT g,
                   coalesce((SELECT max(number) FROM inquiries_inquiry WHERE team_id = %(team)s), 0) + g AS n,
                   %(now)s::timestamptz
                       - make_interval(secs => (power(random(), %(recency)s) * %(span)s)) AS received,
                   random() AS r2, random() AS r3, random() AS r4, random() AS r5
            FROM generate_series(1, %(count)s) g
        ), shaped AS (
            SELECT b.*,
                   CASE WHEN b.received > %(now)s::timestamptz - %(open_window)s
                        THEN (ARRAY['new', 'responded', 'waiting', 'resolved', 'resolved'])
                             [1 + floor(b.r2 * 5)::int]
                        ELSE 'resolved' END AS status,
                   b.received + make_interval(mins => (5 + floor(b.r4 * 600))::int) AS responded
            FROM base b
        )
        INSERT INTO inquiries_inquiry (
            team_id, number, reference, tracking_token, subject, body, requester_name, requester_email,
            channel, source_url, topic_id, priority, reproducible, serious, status, assignee_id, keep,
            handoff_note, received_at, responded_at, resolved_at, response_due_at, response_guarantee_at,
            waiting_seconds, resolution_kind, resolution_note, product_issue_url, known_issue_url,
            constructive_correction, comprehensive_solution, created_at, updated_at, resolution_paused_minutes
        )
        SELECT %(team)s, s.n, %(prefix)s || '-' || s.n, md5(%(team)s || '-' || s.n || '-bench'),
               initcap(w[1 + floor(s.r3 * {len(WORDS)})::int])
                   || ' ' || w[1 + floor(s.r5 * {len(WORDS)})::int]
                   || ' ' || w[1 + floor(random() * {len(WORDS)})::int] || ' problem',
               (SELECT string_agg(w[1 + floor(random() * {len(WORDS)})::int + 0 * k], ' ')
                  FROM generate_series(1, 25 + (s.g %% 20)) k WHERE s.g IS NOT NULL),
               fn || ' ' || ln, lower(fn || '.' || ln || s.n %% 5000 || '@example.org'),
               'web', '',
               CASE WHEN s.r3 < 0.85 THEN (%(topics)s::int[])[1 + floor(s.r4 * {len(topics)})::int] END,
               CASE WHEN s.r5 < 0.9 THEN 'normal' ELSE 'high' END, 'unknown', false, s.status,
               (%(members)s::int[])[1 + floor(s.r5 * {len(members)})::int], false, '',
               s.received,
               CASE WHEN s.status <> 'new' THEN s.responded END,
               CASE WHEN s.status = 'resolved' THEN s.responded + interval '2 hours' END,
               s.received + interval '4 hours', s.received + interval '24 hours',
               0, CASE WHEN s.status = 'resolved' THEN
                   (ARRAY['answered', 'documentation', 'workaround', 'known_issue'])[1 + floor(s.r2 * 4)::int]
                   ELSE '' END,
               '', '', '', '', '', s.received, s.received, 0
        FROM shaped s,
             LATERAL (SELECT {words} AS w) v,
             LATERAL (SELECT {_sql_array(FIRST_NAMES)}[1 + floor(s.r4 * {len(FIRST_NAMES)})::int] AS fn,
                             {_sql_array(LAST_NAMES)}[1 + floor(s.r2 * {len(LAST_NAMES)})::int] AS ln) names
        """
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "team": team.pk,
                    "prefix": team.reference_prefix,
                    "now": self.now,
                    "span": span,
                    "count": count,
                    "open_window": open_window,
                    "recency": RECENCY,
                    "members": members,
                    "topics": topics,
                },
            )

    def _settle_backlog(self, team: Team, before_id: int, open_window: dt.timedelta) -> None:
        """Time went on while the new rows arrived: the team's earlier rows still open but older than the
        new rows' open window were answered and resolved since (with their reply and `resolved` event),
        so its backlog stays about one window's arrivals instead of adding up with every growth."""
        member_user = "(SELECT m.user_id FROM shifts_member m WHERE m.id = i.assignee_id)"
        with connection.cursor() as cursor:
            cursor.execute(
                """WITH stale AS (
                       SELECT id, responded_at IS NULL AS unanswered FROM inquiries_inquiry
                       WHERE team_id = %s AND id <= %s AND status <> 'resolved' AND received_at < %s
                   )
                   UPDATE inquiries_inquiry i
                   SET status = 'resolved', resolution_kind = 'answered',
                       responded_at = coalesce(i.responded_at, i.received_at + interval '1 hour'),
                       resolved_at = coalesce(i.responded_at, i.received_at + interval '1 hour')
                           + interval '2 hours'
                   FROM stale WHERE i.id = stale.id
                   RETURNING i.id, stale.unanswered""",
                [team.pk, before_id, self.now - open_window],
            )
            settled = cursor.fetchall()
            if not settled:
                return
            ids, unanswered = [row[0] for row in settled], [row[0] for row in settled if row[1]]
            cursor.execute(
                f"""INSERT INTO {Message._meta.db_table} (inquiry_id, kind, author_id, body, created_at)
                    SELECT i.id, 'reply', {member_user}, 'Thanks, here is how to fix it.', i.responded_at
                    FROM inquiries_inquiry i WHERE i.id = ANY(%s)""",
                [unanswered],
            )
            cursor.execute(
                f"""INSERT INTO {Event._meta.db_table}
                    (inquiry_id, kind, actor_id, from_value, to_value, note, created_at)
                    SELECT i.id, 'resolved', {member_user}, 'responded', 'resolved', '', i.resolved_at
                    FROM inquiries_inquiry i WHERE i.id = ANY(%s)""",
                [ids],
            )

    def _children(self, after_id: int) -> None:
        """Messages, events and effort of the inquiries with id > after_id, set-based."""
        member_user = (
            "(SELECT m.user_id FROM shifts_member m WHERE m.id = i.assignee_id)"  # the assignee writes
        )
        statements = [
            f"""INSERT INTO {Message._meta.db_table} (inquiry_id, kind, author_id, body, created_at)
                SELECT i.id, 'request', NULL, i.body, i.received_at
                FROM inquiries_inquiry i WHERE i.id > %s""",
            f"""INSERT INTO {Message._meta.db_table} (inquiry_id, kind, author_id, body, created_at)
                SELECT i.id, 'reply', {member_user}, 'Thanks, here is how to fix it.', i.responded_at
                FROM inquiries_inquiry i WHERE i.id > %s AND i.responded_at IS NOT NULL""",
            f"""INSERT INTO {Event._meta.db_table}
                (inquiry_id, kind, actor_id, from_value, to_value, note, created_at)
                SELECT i.id, e.kind, NULL, '', e.to_value, '', i.received_at
                FROM inquiries_inquiry i,
                     (VALUES ('created', 'new'), ('assigned', 'someone')) e(kind, to_value)
                WHERE i.id > %s""",
            f"""INSERT INTO {Event._meta.db_table}
                (inquiry_id, kind, actor_id, from_value, to_value, note, created_at)
                SELECT i.id, 'resolved', {member_user}, 'responded', 'resolved', '', i.resolved_at
                FROM inquiries_inquiry i WHERE i.id > %s AND i.resolved_at IS NOT NULL""",
            f"""INSERT INTO {EffortLog._meta.db_table} (inquiry_id, member_id, minutes, note, created_at)
                SELECT i.id, i.assignee_id, 5 + (i.number * 7) %% 55, '',
                       coalesce(i.responded_at, i.received_at)
                FROM inquiries_inquiry i WHERE i.id > %s AND i.assignee_id IS NOT NULL
                UNION ALL
                SELECT i.id, i.assignee_id, 10 + (i.number * 3) %% 50, '',
                       coalesce(i.resolved_at, i.received_at)
                FROM inquiries_inquiry i
                WHERE i.id > %s AND i.assignee_id IS NOT NULL AND i.number %% 3 = 0""",
        ]
        # The assignee's "assigned to you" in their inbox, read an hour later except one in five (a
        # Primary of a large team holds hundreds of thousands at 1M, tens of thousands unread).
        statements.append(
            f"""INSERT INTO {Notification._meta.db_table}
                (kind, title, body, link, created_at, read_at, inquiry_id, recipient_id, team_id)
                SELECT 'assigned', i.reference || ' assigned to you', left(i.subject, 100),
                       '/inquiries/' || i.reference || '/', i.received_at,
                       CASE WHEN i.number %% 5 = 0 THEN NULL ELSE i.received_at + interval '1 hour' END,
                       i.id, {member_user}, i.team_id
                FROM inquiries_inquiry i WHERE i.id > %s AND i.assignee_id IS NOT NULL"""
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, [after_id] * sql.count("%s"))
