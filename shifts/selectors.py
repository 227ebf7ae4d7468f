"""Reads for teams and members, including the one permission-checked getter per kind."""

import datetime as dt
import functools

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from supportops.db import execute_prepared
from supportops.errors import NotFoundError
from supportops.notifications import PRELOADED, PreferenceJoin, preference_joins

from .models import Absence, CalendarFeed, Member, Rotation, Shift, Swap, Team

User = AbstractBaseUser | AnonymousUser


def teams_for_user(*, user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(members__user=user, members__is_active=True).distinct()


def team_get_for_user(*, user: User, slug: str) -> Team:
    """The team if the user belongs to it (or is a superuser); otherwise 404, never a hint it exists."""
    team = teams_for_user(user=user).filter(slug=slug).first()
    if team is None:
        raise NotFoundError(f"No team {slug!r} among your teams.")
    return team


def membership_of(*, user: User, team: Team) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user, team=team, is_active=True).first()


def user_manages(*, user: User, team: Team) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    member = membership_of(user=user, team=team)
    return member is not None and member.is_manager


def members_of(*, team: Team) -> QuerySet[Member]:
    return Member.objects.filter(team=team, is_active=True).select_related("user").order_by("user__username")


def member_get_for_user(*, user: User, member_id: int) -> Member:
    member = (
        Member.objects.filter(pk=member_id, team__in=teams_for_user(user=user))
        .select_related("user", "team")
        .first()
    )
    if member is None:
        raise NotFoundError(f"No member {member_id} in your teams.")
    return member


def shift_at(*, team: Team, at: dt.datetime, role: str = Rotation.Role.PRIMARY) -> Shift | None:
    """The shift of `role` covering the instant `at`, if any."""
    return (
        Shift.objects.filter(team=team, role=role, starts_at__lte=at, ends_at__gt=at)
        .select_related("member__user")
        .order_by("-starts_at")
        .first()
    )


def next_shift(*, team: Team, after: dt.datetime, role: str = Rotation.Role.PRIMARY) -> Shift | None:
    """The first shift of `role` starting after `after`."""
    return (
        Shift.objects.filter(team=team, role=role, starts_at__gt=after)
        .select_related("member__user")
        .order_by("starts_at")
        .first()
    )


# Rotation.shift_length_minutes is at most 28 days: a shift covering an instant started at most that long
# before it, which turns the probe below into a short range scan of the member's shifts.
MAX_SHIFT_MINUTES = 28 * 24 * 60


def on_primary_shift(*, member: str, at: str) -> Exists:
    """A correlated EXISTS: the member (outer column `member`) was on a primary shift at the instant in
    the outer column `at` — e.g. effort logged or a session held during their own shift."""
    return Exists(
        Shift.objects.filter(
            member=OuterRef(member),
            role=Rotation.Role.PRIMARY,
            starts_at__gt=OuterRef(at) - dt.timedelta(minutes=MAX_SHIFT_MINUTES),
            starts_at__lte=OuterRef(at),
            ends_at__gt=OuterRef(at),
        )
    )


class _Loader:
    """Builds instances of `model` from the columns of a hand-written SELECT, as the ORM would: the same
    columns in the same order, the database's and the fields' converters applied (dates on SQLite, JSON,
    encrypted fields). For the few reads every submission makes, where building the ORM query costs
    more than running it."""

    def __init__(self, model, alias: str, only: tuple[str, ...] = ()) -> None:
        """`only`: these fields (and the primary key) instead of all, the others deferred (as `.only()`:
        reading one of them later costs a query)."""
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        if only:
            fields = [f for f in fields if f.primary_key or f.name in only]
        self.model = model
        self.width = len(fields)
        self.names = [f.attname for f in fields]
        self.columns = ", ".join(f"{alias}.{quote(f.column)}" for f in fields)
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def build(self, row, db=None):
        """The instance from its columns of `row`; `db`: the connection it was read on (default: the
        default one, looked up once here)."""
        db = db if db is not None else connections[DEFAULT_DB_ALIAS]
        values = list(row[: self.width])
        for index, column, converters in self.converters:
            for converter in converters:
                values[index] = converter(values[index], column, db)
        return self.model.from_db(db.alias, self.names, values)


def _primary_parts(joins: tuple[PreferenceJoin, ...]) -> tuple[_Loader, _Loader, str, str]:
    """The Primary's read: member, user, then each registered preference join's columns (LEFT JOIN:
    a user without a row there gets NULLs); (member, user, columns, FROM … ORDER BY … LIMIT 1 with the
    parameters team id, role and three times the instant)."""
    quote = connection.ops.quote_name
    user_model = Member._meta.get_field("user").related_model
    member, user = _Loader(Member, "m"), _Loader(user_model, "u")
    extra = "".join(f", p{n}.{quote(column)}" for n, join in enumerate(joins) for column in join.columns)
    joined = "".join(
        f" LEFT JOIN {quote(join.table)} p{n} ON p{n}.{quote(join.user_column)} = u.id"
        for n, join in enumerate(joins)
    )
    rest = (
        f"FROM {quote(Shift._meta.db_table)} s "
        f"JOIN {quote(Member._meta.db_table)} m ON m.id = s.member_id "
        f"JOIN {quote(user_model._meta.db_table)} u ON u.id = m.user_id{joined} "
        "WHERE s.team_id = %s AND s.role = %s AND s.ends_at > %s "
        "ORDER BY CASE WHEN s.starts_at <= %s THEN 0 ELSE 1 END, "
        "CASE WHEN s.starts_at <= %s THEN s.starts_at END DESC NULLS LAST, s.starts_at, s.id LIMIT 1"
    )
    return member, user, f"{member.columns}, {user.columns}{extra}", rest


@functools.cache
def _primary_query(vendor: str, joins: tuple[PreferenceJoin, ...]) -> tuple[_Loader, _Loader, str]:
    member, user, columns, rest = _primary_parts(joins)
    return member, user, f"SELECT {columns} {rest}"


@functools.cache
def _team_query(vendor: str) -> tuple[_Loader, str]:
    team = _Loader(Team, "t")
    return (
        team,
        f"SELECT {team.columns} FROM {connection.ops.quote_name(Team._meta.db_table)} t WHERE t.slug = %s",
    )


def team_by_slug(*, slug: str) -> Team | None:
    """A team by its public slug (public intake: no permission involved), in one hand-written SELECT."""
    team, sql = _team_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    return team.build(row) if row is not None else None


def _primary_build(member: _Loader, user: _Loader, row, joins: tuple[PreferenceJoin, ...], db=None) -> Member:
    """The Primary from its columns (member, user, preference joins'), its user attached as
    `select_related` would, with the email mutes and zone for the notice intake sends them (no query
    there)."""
    found = member.build(row, db)
    found.user = user.build(row[member.width : member.width + user.width], db)
    if joins:
        rest = row[member.width + user.width :]
        muted: frozenset[str] = frozenset()
        zone = ""
        for join in joins:
            kinds, chosen = join.build(*rest[: len(join.columns)])
            rest = rest[len(join.columns) :]
            muted, zone = muted | kinds, zone or chosen
        setattr(found.user, PRELOADED, (muted, zone))
    return found


def primary_for_arrival(*, team: Team, at: dt.datetime) -> Member | None:
    """Who owns an inquiry arriving at `at`: the Primary on shift, else the Primary of the next shift.

    One statement over `shift_team_role_end` (only shifts still running at `at` or later, not the
    team's history): the covering shift that started last wins, else the first to start after `at`.
    Written in SQL once (intake calls it for every submission; building the ORM query cost more than
    running it), returning the member with its user as `select_related` would."""
    joins = tuple(preference_joins)
    member, user, sql = _primary_query(connection.vendor, joins)
    value = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [team.pk, Rotation.Role.PRIMARY, value, value, value])
        row = cursor.fetchone()
    return None if row is None else _primary_build(member, user, row, joins)


@functools.cache
def _team_and_primary_query(
    vendor: str, joins: tuple[PreferenceJoin, ...], also: tuple[str, ...], team_fields: tuple[str, ...]
) -> tuple[_Loader, _Loader, _Loader, str]:
    team = _Loader(Team, "t", team_fields)
    member, user, columns, rest = _primary_parts(joins)
    extra = "".join(f", {expression}" for expression in also)
    primary = rest.replace("s.team_id = %s", "s.team_id = t.id", 1)
    sql = (
        f"SELECT {team.columns}{extra}, pr.* FROM {connection.ops.quote_name(Team._meta.db_table)} t "
        f"LEFT JOIN LATERAL (SELECT {columns} {primary}) pr ON true WHERE t.slug = %s"
    )
    return team, member, user, sql


# The text psycopg2 sends for the enum member, without its adapter lookup (a str subclass).
_PRIMARY = str(Rotation.Role.PRIMARY)


def team_and_primary(
    *, slug: str, at: dt.datetime, also: tuple[str, ...] = (), team_fields: tuple[str, ...] = ()
) -> tuple[Team, Member | None, tuple] | None:
    """`team_by_slug` and `primary_for_arrival` in one statement on PostgreSQL (a LATERAL join), two
    elsewhere: (team, Primary or None, values of `also`), None for an unknown slug. `also`: SQL
    expressions over the team row `t`, evaluated only for a team found (PostgreSQL only: elsewhere
    ValueError). `team_fields`: on PostgreSQL only these of the team's columns are read (the others
    deferred: e.g. the mailbox's password is then neither read nor decrypted)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` is a thread-local lookup
    if db.vendor != "postgresql":
        if also:
            raise ValueError("team_and_primary(also=...) needs PostgreSQL")
        team = team_by_slug(slug=slug)
        return None if team is None else (team, primary_for_arrival(team=team, at=at), ())
    joins = tuple(preference_joins)
    team, member, user, sql = _team_and_primary_query(db.vendor, joins, also, team_fields)
    value = db.ops.adapt_datetimefield_value(at)
    with db.cursor() as cursor:
        execute_prepared(cursor, sql, [_PRIMARY, value, value, value, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    rest = row[team.width + len(also) :]
    primary = _primary_build(member, user, rest, joins, db) if rest[0] is not None else None
    return team.build(row, db), primary, tuple(row[team.width : team.width + len(also)])


def shifts_for_user(*, user: User) -> QuerySet[Shift]:
    """Shifts of the user's teams, with everything a list shows joined in (constant query count)."""
    return Shift.objects.filter(team__in=teams_for_user(user=user)).select_related(
        "team", "member__user", "scheduled_member__user"
    )


def shift_get_for_user(*, user: User, shift_id: int) -> Shift:
    shift = shifts_for_user(user=user).filter(pk=shift_id).first()
    if shift is None:
        raise NotFoundError(f"No shift {shift_id} in your teams.")
    return shift


def rotations_of(*, team: Team) -> QuerySet[Rotation]:
    return Rotation.objects.filter(team=team).prefetch_related("members__user").order_by("role")


def rotation_get_for_user(*, user: User, team: Team, rotation_id: int) -> Rotation:
    rotation = rotations_of(team=team).filter(pk=rotation_id).select_related("team").first()
    if rotation is None or not teams_for_user(user=user).filter(pk=team.pk).exists():
        raise NotFoundError(f"No rotation {rotation_id} in {team.name}.")
    return rotation


def absences_for_user(*, user: User) -> QuerySet[Absence]:
    return Absence.objects.filter(member__team__in=teams_for_user(user=user)).select_related(
        "member__user", "member__team"
    )


def absence_get_for_user(*, user: User, absence_id: int) -> Absence:
    absence = absences_for_user(user=user).filter(pk=absence_id).first()
    if absence is None:
        raise NotFoundError(f"No absence {absence_id} in your teams.")
    return absence


def swaps_for_user(*, user: User) -> QuerySet[Swap]:
    return Swap.objects.filter(team__in=teams_for_user(user=user)).select_related(
        "team", "requester__user", "counterpart__user", "shift", "counterpart_shift"
    )


def swap_get_for_user(*, user: User, swap_id: int) -> Swap:
    swap = swaps_for_user(user=user).filter(pk=swap_id).first()
    if swap is None:
        raise NotFoundError(f"No swap {swap_id} in your teams.")
    return swap


def oncall(*, team: Team, at: dt.datetime) -> dict:
    """Who is Primary and Secondary at `at`, the primary shift under way and the next one."""
    primary = shift_at(team=team, at=at)
    secondary = shift_at(team=team, at=at, role=Rotation.Role.SECONDARY)
    return {
        "primary": primary.member if primary else None,
        "secondary": secondary.member if secondary else None,
        "shift": primary,
        "next": next_shift(team=team, after=at),
    }


def feed_get_by_token(*, token: str) -> CalendarFeed | None:
    """A live feed whose owner still belongs to its team (or is a superuser): a former member's feed is
    dead even if it was made before removal revoked feeds."""
    owner_is_member = Exists(
        Member.objects.filter(team=OuterRef("team"), user=OuterRef("owner"), is_active=True)
    )
    return (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .filter(Q(owner__is_superuser=True) | owner_is_member)
        .select_related("team", "member__user")
        .first()
    )


def feed_shifts(*, feed: CalendarFeed, since: dt.datetime) -> QuerySet[Shift]:
    shifts = Shift.objects.filter(team=feed.team, ends_at__gt=since).select_related("member__user")
    if feed.member_id:
        shifts = shifts.filter(member_id=feed.member_id)
    return shifts.order_by("starts_at")
