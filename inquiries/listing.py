"""Inquiry lists whose cost does not grow with the data: keyset pages in index order, effort summed for
the page's rows only, counts capped, search through the stored tsvector and trigram indexes.

A page is "the next `size` rows after (received_at, id)" in the order of the index
`inquiry_team_received_id` (or `inquiry_received_id` across teams); the database walks the index and
stops, instead of sorting every row of a team to skip to page N. The cursor in links is opaque
(`a.<ts>.<id>` = older than that row, `b.<ts>.<id>` = newer than that row)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Sum
from django.db.models.expressions import OrderBy, RawSQL

# Row-value comparison "(a, b, id) > (x, y, z)" (Django's composite-key lookups; a plain OR of
# comparisons where the database has no row values).
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Coalesce

from shifts.selectors import User, teams_for_user
from supportops import keyset
from supportops.errors import InvalidInput
from supportops.keyset import EPOCH, MICROSECOND

from .models import DUE_KEY, PRIORITY_RANK, REQUESTER_KEY, STATUS_RANK, EffortLog, Inquiry

COUNT_CAP = 1000
# A search the planner expects to match more than SEARCH_MANY rows counts only to SEARCH_CAP, a page ("50+
# matching"): finding a thousand matches of a frequent term costs a scan that grows with the table
# (`kernel lovelace` at 1M: 41,700 rows, 5,758 pages, 105 ms for 1,001; 2 ms for 101), and its page is
# walked in list order whatever the count (`search_matches`). A page's worth, so that the first page's
# walk is its count too (`_newest_or_ids`; `ada lovelace` at 1M: the 51st match is 7,143 rows down the
# team's list, the 101st 15,668).
SEARCH_CAP = 50
SEARCH_MANY = 2 * COUNT_CAP
# The first page of such a search walks the list for its matches and its count at once when the estimate
# of its words says that takes at least SEARCH_WALK_FROM rows (fewer: a frequent word, whose ids any scan
# finds at once, and whose page the list's walk finds after a few hundred rows), reading at most WALK_SLACK
# times the rows it says, and at most SEARCH_WALK (`search_matches`).
SEARCH_WALK_FROM = 2_500
SEARCH_WALK = 20_000
WALK_SLACK = 2
# A search whose other filters narrow it to fewer than NARROW_WALK / WALK_SLACK rows (the planner's
# estimate), cheap to read (at most NARROW_COST in the planner's units: through an index of those filters,
# not a scan of the team), tests those rows one by one (`_narrowed_matches`) instead of reading the word
# and trigram indexes, whose scans grow with the table where such a set does not: the list page's
# default, a team's open inquiries (107 rows of `ads` at 1M, 1-5 ms, where `ada lovelace` through the
# indexes took 29 ms).
NARROW_WALK = 2_000
NARROW_COST = 10_000
ORDER = ("-received_at", "-id")
# Trigram indexes only help with at least three characters; shorter terms use the exact-match arms.
TRIGRAM_MIN = 3
DIGITS = re.compile(r"[0-9]+")


def inquiry_list_for_user(*, user: User, teams: list | None = None) -> QuerySet[Inquiry]:
    """The user's teams' inquiries for lists: team ids resolved first (one small query, or the `teams`
    the caller already has), so a member of one team gets `team_id = X` and the per-team index; no
    per-row effort subquery (see `with_effort`)."""
    if teams is None:
        team_ids = list(teams_for_user(user=user).values_list("pk", flat=True))
    else:
        team_ids = [team.pk for team in teams]
    rows = Inquiry.objects.select_related("team", "topic", "assignee__user")
    if user.is_superuser:
        return rows
    if len(team_ids) == 1:
        return rows.filter(team_id=team_ids[0])
    return rows.filter(team_id__in=team_ids)


def with_effort(rows: list[Inquiry]) -> list[Inquiry]:
    """Set `effort_minutes` on each of the page's rows from one GROUP BY over just their ids."""
    if not rows:
        return rows
    totals = dict(
        _by_ids(EffortLog.objects.all(), [row.pk for row in rows], "inquiry_id")
        .values("inquiry_id")
        .annotate(total=Sum("minutes"))
        .order_by()
        .values_list("inquiry_id", "total")
    )
    for row in rows:
        row.effort_minutes = totals.get(row.pk) or 0
    return rows


# -- search --------------------------------------------------------------------------------------------


def _like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sql(condition: str, params: list) -> Q:
    return Q(RawSQL(condition, params, output_field=BooleanField()))


def _search_arms(value: str) -> list[tuple[str, list]]:
    """A search box's conditions on PostgreSQL as (SQL, params), the cheap ones first: words in
    subject/body/name (the stored `search_vector`, GIN), the exact requester email, part of a reference
    (pg_trgm); then part of a requester name (pg_trgm), whose trigrams are each in 1 name in 4 to 14, so
    collecting its matches costs the most (`search_matches` skips it when the others fill the count)."""
    table = Inquiry._meta.db_table
    words = f"({table}.search_vector @@ websearch_to_tsquery('english', %s))"
    email = f"(upper({table}.requester_email) = upper(%s))"
    if len(value) < TRIGRAM_MIN:
        return [(f"{words} OR {email} OR (upper({table}.reference) = upper(%s))", [value, value, value])]
    pattern = _like_pattern(value)
    reference, reference_params = f"(upper({table}.reference) LIKE upper(%s))", [pattern]
    digits = max(DIGITS.findall(value), key=len, default="")
    if len(digits) >= TRIGRAM_MIN and digits != value:
        # Every reference of a team starts with the team's prefix, so a fragment's letters ("ADS" of
        # "ADS-4999") have trigrams in every row of the team and its GIN scan reads a posting list as
        # long as the team (9 ms at 1M); its number's trigrams tell references apart. The index is asked
        # for the digits only and the whole fragment checked on the rows found (strpos: no index answers
        # it, so it stays a filter). Same rows: the digits are part of the fragment.
        reference = f"(upper({table}.reference) LIKE %s AND strpos(upper({table}.reference), upper(%s)) > 0)"
        reference_params = [_like_pattern(digits), value]
    return [
        (f"{words} OR {email} OR {reference}", [value, value, *reference_params]),
        (f"upper({table}.requester_name) LIKE upper(%s)", [pattern]),
    ]


def search_condition(value: str) -> Q:
    """Rows matching a search box: words in subject/body/name (stemmed, English), part of a reference or
    requester name, or the exact requester email. PostgreSQL uses the stored `search_vector` (GIN) and
    the pg_trgm indexes; SQLite falls back to LIKE."""
    value = value.strip()
    if not settings.IS_POSTGRES:
        return (
            Q(reference__iexact=value)
            | Q(subject__icontains=value)
            | Q(body__icontains=value)
            | Q(requester_name__icontains=value)
            | Q(requester_email__iexact=value)
        )
    return _sql(*_search_sql(value))


def _search_sql(value: str) -> tuple[str, list]:
    """`search_condition` on PostgreSQL as (SQL, params)."""
    arms = _search_arms(value)
    return " OR ".join(f"({sql})" for sql, _ in arms), [p for _, params in arms for p in params]


class _IdAny(Func):
    """`<column> = ANY(%s)` with the ids as one array parameter (PostgreSQL); the column is resolved like
    any other, so it names the right table in a subquery too."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: list[int], column: str = "pk") -> None:
        super().__init__(F(column))
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.get_source_expressions()[0])
        return f"{column} = ANY(%s::bigint[])", [*params, self.ids]


def _by_ids(rows: QuerySet, ids: list[int], column: str = "pk") -> QuerySet:
    """`rows` whose `column` (the primary key) is one of `ids`: on PostgreSQL one array parameter
    (`_IdAny`), not an `IN` list, whose every parameter Django prepares in Python (the 889 ids of
    `segfault ada lovelace` at 1M: ~12 ms of a request, nothing for the 9 at 10k); SQLite keeps `IN`."""
    if not settings.IS_POSTGRES or not ids:
        return rows.filter(**{f"{column}__in": ids})
    return rows.filter(_IdAny(ids, column))


def _ids_by_arm(rows: QuerySet, value: str, limit: int) -> QuerySet:
    """The ids of at most `limit` rows matching the search, one statement: `UNION ALL` of its arms
    (`_search_arms`), each without the rows of the arms before it (`IS NOT TRUE`: none of their terms is
    NULL anyway) and limited, so each is planned on its own and PostgreSQL reads them in order, never
    starting an arm once `limit` ids are found."""
    parts, before = [], []
    for sql, params in _search_arms(value):
        condition = f"({sql})" + "".join(f" AND ({other}) IS NOT TRUE" for other, _ in before)
        values = params + [p for _, other_params in before for p in other_params]
        matched = rows.filter(_sql(condition, values)).order_by()
        parts.append(matched.values_list("pk", "received_at")[:limit])
        before.append((sql, params))
    return parts[0].union(*parts[1:], all=True)[:limit] if len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class Search:
    """A search box's value and the rows it narrows (every other filter applied, not the search:
    `InquiryFilter.split_search`)."""

    rows: QuerySet
    value: str


@dataclass
class Matches:
    """A search's rows narrowed before its page is read (`search_matches`): `rows` is the queryset to page
    through, `count`/`capped` its capped count."""

    rows: QuerySet
    count: int
    capped: bool
    # Read by id (not capped): the rows with their joins, from which `page_rows` reads the page's ids.
    joined: QuerySet | None = None


class Estimates(NamedTuple):
    """The planner's estimates for a search (`_estimates`)."""

    matching: float  # rows matching the search
    worded: float  # rows matching its words (the stored vector alone)
    rows: float  # rows it narrows (every other filter)
    cost: float  # reading those rows (the planner's total cost)


def _estimates(search: Search) -> Estimates:
    """The planner's estimates, in one statement (`supportops_plan_rows`, migration 0015, and
    `supportops_plan_cost`, 0016: each part's EXPLAIN, not executed, ~0.5 ms), of the rows matching the
    search, of those matching its words (the stored vector alone), of the rows it narrows and of what
    reading those costs."""
    if search.rows.query.is_empty():
        return Estimates(0.0, 0.0, 0.0, 0.0)
    words = _sql(
        f"{Inquiry._meta.db_table}.search_vector @@ websearch_to_tsquery('english', %s)", [search.value]
    )
    parts = [search.rows.filter(search_condition(search.value)), search.rows.filter(words), search.rows]
    # Each part as one SQL text with its values quoted by the driver (mogrify), for the functions to plan.
    texts = [
        connection.ops.compose_sql(*part.order_by().values("pk").query.sql_with_params()) for part in parts
    ]
    calls = ["supportops_plan_rows(%s)"] * len(texts) + ["supportops_plan_cost(%s)"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(calls), [*texts, texts[-1]])
        return Estimates(*(float(value or 0.0) for value in cursor.fetchone()))


# Whether every word of a search (each lexeme of its tsquery) is among the most common ones of the stored
# vectors (pg_stats, from ANALYZE): only then is the planner's estimate of its words a measured frequency.
# A word it has not seen gets a default share (at 1M 2,476 rows of the team for `knuth`, which no row has),
# and a walk down the list would read up to SEARCH_WALK rows for nothing.
FREQUENT_WORDS = """(SELECT bool_and(m[1] = ANY(s.most_common_elems::text::text[]))
    FROM pg_stats s, regexp_matches(websearch_to_tsquery('english', %s)::text, '''((?:[^'']|'''')+)''', 'g') m
    WHERE s.schemaname = current_schema() AND s.tablename = %s AND s.attname = 'search_vector')"""


def _newest_or_ids(search: Search, want: int, walk: int) -> tuple[list[int], list[tuple[int, dt.datetime]]]:
    """One statement for the first page of a search expected to match many rows: if every word of it is
    frequent (FREQUENT_WORDS), its `want` newest matches in list order, found by walking at most `walk`
    rows of the list (its index, each row's search conditions tested on the way, stopping at the
    `want`-th match); else, or if the walk found fewer, the ids of at most `want` matches in any order
    (`_ids_by_arm`: the word and trigram indexes). Returns (newest, ids), one of them empty. For the page,
    the walk is the page's own, so the count costs nothing more (`ada lovelace` at 1M: 7,143 rows, where
    the word index's scan of 'ada' & 'lovelac' for the count took 6-13 ms before the page's walk)."""
    condition, params = _search_sql(search.value)
    walked = (
        search.rows.order_by(*ORDER)
        .annotate(hit=RawSQL(condition, params, output_field=BooleanField()))
        .values_list("pk", "received_at", "hit")[:walk]
    )
    walk_sql, walk_params = walked.query.sql_with_params()
    ids_sql, ids_params = _ids_by_arm(search.rows, search.value, want).query.sql_with_params()
    sql = (
        f"WITH newest AS MATERIALIZED (SELECT w.pk, w.received_at FROM ({walk_sql}) w"
        f" WHERE w.hit AND {FREQUENT_WORDS} LIMIT %s)"
        " SELECT pk, received_at, true FROM newest"
        f" UNION ALL SELECT found.pk, found.received_at, false FROM ({ids_sql}) found"
        " WHERE (SELECT count(*) FROM newest) < %s"
    )
    table = Inquiry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(sql, [*walk_params, search.value, table, want, *ids_params, want])
        rows = cursor.fetchall()
    newest = sorted(((at, pk) for pk, at, walked_row in rows if walked_row), reverse=True)
    if len(newest) >= want:
        return [pk for _, pk in newest], []
    return [], [(pk, at) for pk, at, walked_row in rows if not walked_row]


def _narrowed_matches(search: Search, walk: int) -> list[tuple[int, dt.datetime]] | None:
    """Every match among the rows the search narrows, each row tested (one statement, at most `walk`
    rows read, through whatever index their filters have), as (id, received-at); None if they are
    `walk` or more: the search indexes are the cheaper way then."""
    if search.rows.query.is_empty():
        return []
    condition, params = _search_sql(search.value)
    walked = (
        search.rows.order_by()
        .annotate(hit=RawSQL(condition, params, output_field=BooleanField()))
        .values_list("pk", "received_at", "hit")[:walk]
    )
    walk_sql, walk_params = walked.query.sql_with_params()
    sql = (
        f"WITH walked AS MATERIALIZED ({walk_sql}) SELECT pk, received_at FROM walked WHERE hit"
        " UNION ALL SELECT NULL, NULL WHERE (SELECT count(*) FROM walked) >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*walk_params, walk])
        rows = cursor.fetchall()
    if any(pk is None for pk, _ in rows):
        return None
    return rows


def search_matches(search: Search, first: int | None = None) -> Matches:
    """Pick the cheap way to page through a search by how many rows actually match, which the planner
    cannot know (a trigram or word estimate is off by orders of magnitude either way): the ids of at most
    COUNT_CAP + 1 matching rows in any order (`_ids_by_arm`; each arm is planned on its own: a BitmapOr of
    the search indexes for a rare term, a scan that stops early for a frequent one). The costly name-part
    arm is not executed when the words, emails and references already fill the count (a full name, whose
    GIN trigram scan alone collected every match in the table: 6,507 at 1M, 50 ms on a loaded machine).
    At most COUNT_CAP: the page reads just those rows by id (and sorts at most COUNT_CAP); walking the
    list index and filtering would read the whole team for a rare or absent term (seconds at 1M).
    More: a frequent term, whose page the list index's walk finds after a few hundred rows, where a
    bitmap would fetch and sort every match (which grows with the data). The page is read under
    `walk_in_order`, so the planner takes the index in both cases. A search the planner expects to match
    more than SEARCH_MANY rows (its estimate of a word or a name is close: 12,495 for 12.5k at 1M) counts
    to SEARCH_CAP only ("50+"): its page is walked anyway, and each match more costs rows of a scan
    that grows with the table. A wrong estimate costs time, never rows: fewer matches than the cap are
    read by id and counted exactly whichever cap was taken.

    `first`: the page wanted is the first `first` rows in list order (ORDER: the API's and the list's
    first page, newest first). Then a search expected to match many rows whose words the statistics know
    and put at least SEARCH_WALK_FROM rows down the list (`_newest_or_ids`) takes its count and its page
    from one walk down the list, at most WALK_SLACK times the rows its words' estimate needs (and
    SEARCH_WALK); the page reads the rows found, by id. And of
    matches read by id (at most COUNT_CAP), only the newest `first` are read (their received-at comes
    with their ids): 51 primary-key lookups, not 889 (`segfault ada lovelace` at 1M).

    Before all that, a search whose other filters leave few rows, cheap to read (NARROW_WALK,
    NARROW_COST: a team's open inquiries), tests each of them (`_narrowed_matches`): every match found,
    counted exactly, and no search index read."""
    search = Search(rows=search.rows, value=search.value.strip())
    searched = search.rows.filter(search_condition(search.value))
    cap = COUNT_CAP
    if settings.IS_POSTGRES:
        matching, worded, rows, cost = _estimates(search)
        if WALK_SLACK * rows < NARROW_WALK and cost <= NARROW_COST:
            narrowed = _narrowed_matches(search, NARROW_WALK)
            if narrowed is not None:
                return _listed(search, narrowed, first, complete=True)
        if matching > SEARCH_MANY:
            cap = SEARCH_CAP
        want = max(cap + 1, first or 0)
        needed = want * rows / worded if worded >= 1 else SEARCH_WALK + 1
        walk = math.ceil(WALK_SLACK * needed)
        if (
            cap == SEARCH_CAP
            and first
            and worded > SEARCH_MANY
            and SEARCH_WALK_FROM <= needed
            and walk <= SEARCH_WALK
        ):
            newest, found = _newest_or_ids(search, want, walk)
            if newest:
                read = _by_ids(search.rows, newest[:first])
                return Matches(rows=read, count=cap, capped=True, joined=search.rows)
        else:
            found = list(_ids_by_arm(search.rows, search.value, cap + 1))
    else:
        found = list(searched.order_by().values_list("pk", "received_at")[: cap + 1])
    return _listed(search, found, first, cap=cap)


def _listed(
    search: Search,
    found: list[tuple[int, dt.datetime]],
    first: int | None,
    cap: int | None = None,
    complete: bool = False,
) -> Matches:
    """A search's matches from the (id, received-at) pairs found: at most `cap + 1` (COUNT_CAP) of them
    in any order, or, `complete`, every match. Up to `cap` (or a first page of a complete list): read by
    id; more: the search's rows, capped."""
    cap = COUNT_CAP if cap is None else cap
    capped = len(found) > cap
    if capped and not (complete and first):
        return Matches(rows=search.rows.filter(search_condition(search.value)), count=cap, capped=True)
    ids = [pk for pk, _ in found]
    if first:
        # A first page in list order: its rows are the newest `first` of the ids, read alone.
        ids = [pk for at, pk in sorted(((at, pk) for pk, at in found), reverse=True)[:first]]
    count = cap if capped else len(found)
    return Matches(rows=_by_ids(search.rows, ids), count=count, capped=capped, joined=search.rows)


# What a list shows of a row's links (inquiries/list.html, the API's InquiryOutputSerializer): only these
# columns of the joined rows are read. The others (a team's coverage and holidays as JSON, its mail
# settings, a user's password hash…) took longer to turn into objects than the inquiry itself (a page of
# 50: 6.5 -> 4.1 ms of CPU). The known issue's reference is joined too instead of read per row.
SHOWN = (
    *(f.name for f in Inquiry._meta.concrete_fields),
    "team__slug",
    "team__name",
    "topic__name",
    "assignee__user__username",
    "assignee__user__first_name",
    "assignee__user__last_name",
    "known_issue__reference",
)


def _unindexed(order: Sequence[str]) -> list[OrderBy]:
    """The same order by expressions no index answers (`COALESCE(x, x)` is x, nulls and collation
    included): the page's ids among a search's matches (at most COUNT_CAP, listed by id) are then found
    by their primary keys and sorted, not by walking the team's list index until the page's matches
    turn up (889 ids of `segfault ada lovelace` at 1M: 24,966 index rows walked, 11 ms)."""
    keys = []
    for item in order:
        name = item.lstrip("-")
        key = Coalesce(F(name), F(name))
        keys.append(key.desc() if item.startswith("-") else key.asc())
    return keys


def page_rows(
    queryset: QuerySet, order: Sequence, start: int, stop: int, joined: QuerySet | None = None
) -> list[Inquiry]:
    """Rows `start:stop` of `queryset` (`inquiry_list_for_user`, filtered) in `order`, with the columns a
    list shows (`SHOWN`). With `joined` (a search's matches read by id: `Matches.joined`), the page's ids
    are chosen first among the narrow rows and only they are read with their joins, in one statement:
    sorting the joined rows of every match costs their width (111 matches of a reference fragment at 1M:
    3 ms; up to 1,000)."""
    if joined is None:
        return list(queryset.select_related("known_issue").only(*SHOWN).order_by(*order)[start:stop])
    ids = queryset.order_by(*_unindexed(order)).values("pk")[start:stop]
    return list(joined.select_related("known_issue").only(*SHOWN).filter(pk__in=ids).order_by(*order))


@contextmanager
def walk_in_order() -> Iterator[None]:
    """Plan the enclosed queries without bitmap or sequential scans of the inquiries (PostgreSQL, this
    connection, restored after): for a search page narrowed by `search_matches`, the only plans left are
    the ones it wants (the ids' primary-key lookups, or the list index walked in order and filtered)."""
    if not settings.IS_POSTGRES:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_bitmapscan = off; SET enable_seqscan = off")
    aborted = False
    try:
        yield
    except DatabaseError:
        # In a transaction a failed statement aborts it (a RESET would fail and hide the error); its
        # rollback undoes the SETs.
        aborted = connection.in_atomic_block
        raise
    finally:
        if not aborted:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_bitmapscan; RESET enable_seqscan")


# -- keyset pages --------------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list[Inquiry]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    count: int = 0
    count_capped: bool = False  # more than COUNT_CAP rows: `count` is COUNT_CAP
    extra: dict = field(default_factory=dict)

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.count_capped else f"{self.count:,}"

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def cursor_encode(direction: str, row: Inquiry) -> str:
    return keyset.cursor_encode(direction, row.received_at, row.pk)


cursor_decode = keyset.cursor_decode


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """`supportops.keyset.capped_count` to COUNT_CAP unless told."""
    return keyset.capped_count(queryset, COUNT_CAP if cap is None else cap)


def _window(
    queryset: QuerySet,
    beyond: Callable[[bool], QuerySet],
    direction: str | None,
    forward: Sequence,
    backward: Sequence,
    size: int,
    joined: QuerySet | None = None,
) -> tuple[list[Inquiry], bool, bool]:
    """One keyset page: the first page (`direction` None), the page after the cursor ("a") or before
    it ("b"), fetched with one row more than `size` to know whether there is more (`joined`: see
    `page_rows`). Returns the rows in list order, whether more follow, and whether more precede."""
    if direction is None:
        rows = page_rows(queryset, forward, 0, size + 1, joined)
        return rows[:size], len(rows) > size, False
    if direction == "a":
        rows = page_rows(beyond(True), forward, 0, size + 1, joined)
        return rows[:size], len(rows) > size, True
    rows = page_rows(beyond(False), backward, 0, size + 1, joined)
    return rows[:size][::-1], True, len(rows) > size


def _search_page(search: Search, read: Callable[[Matches], Page], first: int | None = None) -> Page:
    """A page of a search: its matches narrowed first (`search_matches`; `first`: the page is the first
    `first` rows of ORDER), the page read from them under `walk_in_order`, the count theirs."""
    matches = search_matches(search, first)
    with walk_in_order():
        page = read(matches)
    page.count, page.count_capped = matches.count, matches.capped
    return page


def keyset_page(
    queryset: QuerySet,
    *,
    cursor: str | None,
    size: int,
    count: bool = True,
    ascending: bool = False,
    search: Search | None = None,
    joined: QuerySet | None = None,
) -> Page:
    """`size` rows of `queryset` (filtered, unordered) newest first (oldest first with `ascending`), after
    or before the cursor's row. Both orders walk the same (received_at, id) index, forwards or back.
    `search`: the queryset is filtered by `search_condition(search.value)`, narrowed first by
    `search_matches` (`joined`: its rows read by id, `page_rows`)."""
    if search:
        return _search_page(
            search,
            lambda found: keyset_page(
                found.rows, cursor=cursor, size=size, count=False, ascending=ascending, joined=found.joined
            ),
            None if cursor or ascending else size + 1,
        )
    direction, at, pk = cursor_decode(cursor) if cursor else ("a", None, None)
    sign = "" if ascending else "-"
    flip = "-" if ascending else ""
    forward = (f"{sign}received_at", f"{sign}id")
    backward = (f"{flip}received_at", f"{flip}id")

    def beyond(forwards: bool) -> QuerySet:
        later = forwards == ascending  # rows with a greater (received_at, id)
        if later:
            return queryset.filter(received_at__gte=at).filter(Q(received_at__gt=at) | Q(pk__gt=pk))
        return queryset.filter(received_at__lte=at).filter(Q(received_at__lt=at) | Q(pk__lt=pk))

    rows, more_after, more_before = _window(
        queryset, beyond, None if at is None else direction, forward, backward, size, joined
    )
    page = Page(rows=with_effort(rows))
    if rows and more_after:
        page.next_cursor = cursor_encode("a", rows[-1])
    if rows and more_before:
        page.previous_cursor = cursor_encode("b", rows[0])
    if count:
        page.count, page.count_capped = capped_count(queryset)
    return page


# -- sorting by a column -------------------------------------------------------------------------------
#
# Newest/oldest first walk the received-at indexes above (`keyset_page`). The other columns a desk sorts
# by each have an index of their own per team, (team, key..., id) in migration 0010, and their pages are
# keysets too: "the next `size` rows after the cursor's (key..., id)" as one row comparison, which
# PostgreSQL answers from that index (an Index Cond, not a filter). One direction per sort for all its
# columns, so one index serves both directions. Across several teams (and for superusers) the database
# sorts the matching rows instead: a member of one team, the common case, gets the index.


@dataclass(frozen=True)
class Sort:
    """A column sort: `?sort=<name>` ascending, `?sort=-<name>` descending (the page's header links and
    menu: inquiries.views.inquiries)."""

    name: str
    keys: tuple  # expressions, in index order, before the id tie-break
    kinds: tuple[type, ...]  # the Python type of each key's value (for the cursor)


SORTS = {
    sort.name: sort
    for sort in (
        # Soonest response deadline first; none at the end.
        Sort("due", (DUE_KEY,), (dt.datetime,)),
        # Critical first, the longest waiting first within a priority.
        Sort("priority", (PRIORITY_RANK, F("received_at")), (int, dt.datetime)),
        # New, then responded, waiting, resolved; the longest waiting first within a status.
        Sort("status", (STATUS_RANK, F("received_at")), (int, dt.datetime)),
        Sort("updated", (F("updated_at"),), (dt.datetime,)),
        Sort("requester", (REQUESTER_KEY,), (str,)),
    )
}


def sort_parse(value: str | None) -> tuple[Sort, bool] | None:
    """(sort, descending) for a `?sort=` value of a column sort; None for newest/oldest or unknown."""
    value = (value or "").strip()
    sort = SORTS.get(value.removeprefix("-"))
    return (sort, value.startswith("-")) if sort else None


def _sorted_cursor_encode(sort: Sort, direction: str, values: list) -> str:
    plain = [(v - EPOCH) // MICROSECOND if isinstance(v, dt.datetime) else v for v in values]
    raw = json.dumps([sort.name, direction, plain], separators=(",", ":"))
    return "s" + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _sorted_cursor_decode(sort: Sort, cursor: str, kinds: list[type]) -> tuple[str, list]:
    try:
        if not cursor.startswith("s"):
            raise ValueError(cursor)
        body = cursor[1:]
        name, direction, plain = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if name != sort.name or direction not in ("a", "b") or len(plain) != len(kinds):
            raise ValueError(name)
        values = []
        for kind, value in zip(kinds, plain, strict=True):
            if kind is dt.datetime:
                values.append(EPOCH + int(value) * MICROSECOND)
            elif not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(value)
            else:
                values.append(value)
        return direction, values
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError, binascii.Error):
        raise InvalidInput(
            "This page link is not valid; start again from the first page.", field="cursor"
        ) from None


def keyset_page_sorted(
    queryset: QuerySet,
    *,
    sort: Sort,
    descending: bool,
    cursor: str | None,
    size: int,
    count: bool = True,
    search: Search | None = None,
    joined: QuerySet | None = None,
) -> Page:
    """`size` rows of `queryset` (filtered, unordered) in the sort's order, after or before the cursor's
    row: (key..., id) compared as one row value, in the order of the sort's index. `search` as in
    `keyset_page`."""
    if search:
        return _search_page(
            search,
            lambda found: keyset_page_sorted(
                found.rows,
                sort=sort,
                descending=descending,
                cursor=cursor,
                size=size,
                count=False,
                joined=found.joined,
            ),
        )
    names = [f"sort_key_{n}" for n in range(len(sort.keys))]
    keys = dict(zip(names, sort.keys, strict=True))
    rows_qs = queryset.annotate(**keys)
    columns = [*names, "id"]
    kinds = [*sort.kinds, int]
    forward = [f"-{c}" if descending else c for c in columns]
    backward = [c if descending else f"-{c}" for c in columns]
    direction, values = _sorted_cursor_decode(sort, cursor, kinds) if cursor else ("a", None)

    def beyond(forwards: bool) -> QuerySet:
        # Forwards in an ascending sort (or backwards in a descending one) is "greater than the cursor".
        lookup = TupleGreaterThan if forwards != descending else TupleLessThan
        return rows_qs.filter(lookup(Tuple(*(F(c) for c in columns)), tuple(values)))

    rows, more_after, more_before = _window(
        rows_qs,
        beyond,
        None if values is None else direction,
        forward,
        backward,
        size,
        None if joined is None else joined.annotate(**keys),
    )
    page = Page(rows=with_effort(rows))

    def key_of(row) -> list:
        return [getattr(row, c) for c in columns]

    if rows and more_after:
        page.next_cursor = _sorted_cursor_encode(sort, "a", key_of(rows[-1]))
    if rows and more_before:
        page.previous_cursor = _sorted_cursor_encode(sort, "b", key_of(rows[0]))
    if count:
        page.count, page.count_capped = capped_count(queryset)
    return page
