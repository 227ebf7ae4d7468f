"""Where an inquiry's number comes from: `<PREFIX>-<n>`, n unique per team (SPEC 3.3). Every channel takes
it here (`reference_next`; the public intake through `NEXT_NUMBER_SQL` in its one read).

On PostgreSQL each team has a sequence of its own, `inquiries_reference_<team id>` (migration
inquiries/0013: a trigger creates it with the team and drops it with the team): `nextval` takes no row lock
and writes no row version, so concurrent submissions to one team never wait for each other, and it can be
read in the same SELECT as the team. A number taken by a change that then fails is skipped (sequences do
not roll back); numbers never repeat. SQLite counts in `Team.last_reference_number` (UPDATE … RETURNING:
its writers take turns anyway)."""

from django.db import connection
from django.db.models import Q

from shifts.models import Team

SEQUENCE_PREFIX = "inquiries_reference_"
# The next number of the team `t` (a SELECT over the team table aliased `t`), PostgreSQL only.
NEXT_NUMBER_SQL = f"nextval(('{SEQUENCE_PREFIX}' || t.id)::regclass)"


def reference_of(prefix: str, number: int) -> str:
    return f"{prefix}-{number}"


def reference_filter(reference: str) -> Q:
    """Inquiries whose reference is `reference` (any case), by its number too where it ends in one
    (`reference_of`): the (team, number) index answers that, where the reference alone takes the trigram
    index, whose posting lists for a team's prefix hold every row of the team (11 ms of each inquiry page
    at 1M inquiries)."""
    head, _, digits = reference.rpartition("-")
    if head and digits.isdigit() and len(digits) <= 18:
        return Q(number=int(digits), reference__iexact=reference)
    return Q(reference__iexact=reference)


def reference_next(*, team: Team) -> tuple[int, str]:
    """Take the team's next number: (number, reference), with the team's prefix as stored."""
    table = connection.ops.quote_name(Team._meta.db_table)
    if connection.vendor == "postgresql":
        sql = f"SELECT {NEXT_NUMBER_SQL}, t.reference_prefix FROM {table} t WHERE t.id = %s"
    else:
        sql = (
            f"UPDATE {table} SET last_reference_number = last_reference_number + 1 WHERE id = %s "
            "RETURNING last_reference_number, reference_prefix"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [team.pk])
        number, prefix = cursor.fetchone()
    return number, reference_of(prefix, number)


def references_restart() -> None:
    """After inquiries were written with numbers of their own (a bulk load): each team's next number is
    past its highest (the counter on SQLite, the sequence on PostgreSQL)."""
    table = connection.ops.quote_name(Team._meta.db_table)
    highest = "coalesce((SELECT max(i.number) FROM inquiries_inquiry i WHERE i.team_id = t.id), 0)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(('{SEQUENCE_PREFIX}' || t.id)::regclass, {highest} + 1, false) FROM {table} t"
            )
        else:
            cursor.execute(f"UPDATE {table} AS t SET last_reference_number = {highest}")
