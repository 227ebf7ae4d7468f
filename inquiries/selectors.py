"""Reads for inquiries, shared by pages and the API, including the one permission-checked getter."""

import re

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from shifts.models import Member, Shift
from shifts.selectors import User, teams_for_user
from supportops.errors import InvalidInput, NotFoundError

from .models import OPEN_STATUSES, EffortLog, Escalation, Event, Improvement, Inquiry, Message
from .references import reference_filter

REFERENCE_RE = re.compile(r"^[A-Za-z0-9]{1,12}-\d{1,9}$")


def _effort_minutes() -> Coalesce:
    # A correlated Sum keeps one row per inquiry whatever other joins or filters are applied.
    total = (
        EffortLog.objects.filter(inquiry=OuterRef("pk"))
        .order_by()
        .values("inquiry")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def inquiries_for_user(*, user: User) -> QuerySet[Inquiry]:
    """Inquiries of the user's teams, ready for lists: related rows joined, effort summed in the database."""
    return (
        Inquiry.objects.filter(team__in=teams_for_user(user=user))
        .select_related("team", "topic", "assignee__user")
        .annotate(effort_minutes=_effort_minutes())
    )


def inquiry_get_for_user(*, user: User, reference: str, team_slug: str | None = None) -> Inquiry:
    """The inquiry `ADS-42` among the user's teams; 404 for anything else, never a hint it exists."""
    if not REFERENCE_RE.match(reference or ""):
        raise NotFoundError(f"No inquiry {reference!r} in your teams.")
    matches = inquiries_for_user(user=user).select_related("known_issue").filter(reference_filter(reference))
    if team_slug:
        matches = matches.filter(team__slug=team_slug)
    found = list(matches[:2])
    if not found:
        raise NotFoundError(f"No inquiry {reference} in your teams.")
    if len(found) > 1:
        raise InvalidInput(f"{reference} exists in several of your teams; add ?team=<slug>.")
    return found[0]


def inquiry_get_by_token(*, token: str) -> Inquiry:
    inquiry = Inquiry.objects.select_related("team", "assignee__user").filter(tracking_token=token).first()
    if inquiry is None or len(token) < 22:
        raise NotFoundError("This tracking link is not valid.")
    return inquiry


def public_thread(*, inquiry: Inquiry) -> QuerySet[Message]:
    """What the requester may see: their messages, public replies and automatic notices, never notes."""
    return inquiry.messages.exclude(kind=Message.Kind.NOTE).select_related("author")


def thread(*, inquiry: Inquiry) -> QuerySet[Message]:
    return inquiry.messages.select_related("author")


def events_of(*, inquiry: Inquiry) -> QuerySet[Event]:
    return inquiry.events.select_related("actor")


def escalations_of(*, inquiry: Inquiry) -> QuerySet[Escalation]:
    return inquiry.escalations.select_related("member__user", "requested_by")


def escalation_get_for_user(*, user: User, escalation_id: int) -> Escalation:
    escalation = (
        Escalation.objects.filter(pk=escalation_id, inquiry__team__in=teams_for_user(user=user))
        .select_related("inquiry__team", "member__user")
        .first()
    )
    if escalation is None:
        raise NotFoundError(f"No escalation {escalation_id} in your teams.")
    return escalation


def improvements_for_user(*, user: User) -> QuerySet[Improvement]:
    return Improvement.objects.filter(team__in=teams_for_user(user=user)).select_related(
        "team", "source_inquiry", "created_by"
    )


def improvement_get_for_user(*, user: User, improvement_id: int) -> Improvement:
    improvement = improvements_for_user(user=user).filter(pk=improvement_id).first()
    if improvement is None:
        raise NotFoundError(f"No improvement {improvement_id} in your teams.")
    return improvement


# Words too common to say two questions are alike.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "but",
        "can",
        "cannot",
        "could",
        "does",
        "doing",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "my",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "problem",
        "question",
        "the",
        "this",
        "that",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "why",
        "with",
        "would",
        "you",
        "your",
        "help",
        "issue",
        "error",
        "get",
        "hello",
        "thanks",
        "thank",
        "tried",
        "hi",
    ]
)


def _keywords(text: str, limit: int = 8) -> list[str]:
    words = []
    for word in re.findall(r"[A-Za-z0-9_]{3,}", text.lower()):
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:limit]


def similar_inquiries(*, inquiry: Inquiry, limit: int = 5) -> list[Inquiry]:
    """Past inquiries of the same team that look like this one: candidates for "known issue"."""
    words = _keywords(f"{inquiry.subject} {inquiry.body[:500]}")
    if not words:
        return []
    if settings.IS_POSTGRES:
        return _similar_postgres(inquiry=inquiry, words=words, limit=limit)
    candidates = Inquiry.objects.filter(team_id=inquiry.team_id).exclude(pk=inquiry.pk)
    # SQLite fallback: count how many keywords each candidate mentions, best first.
    match = Q()
    score = Value(0)
    for word in words:
        hit = Q(subject__icontains=word) | Q(body__icontains=word)
        match |= hit
        score = score + Case(When(hit, then=Value(1)), default=Value(0))
    ranked = (
        candidates.filter(match)
        .annotate(rank=score)
        .filter(rank__gte=min(2, len(words)))
        .order_by("-rank", "-received_at")
    )
    return list(ranked.select_related("team")[:limit])


# Candidates are the team's most recent inquiries (newest first, the team's list index): the search is
# bounded whatever the history's size. Among them, matches of any keyword (the stored tsvector) are ranked.
SIMILAR_WINDOW = 5000
SIMILAR_MIN_RANK = 0.05


def _similar_postgres(*, inquiry: Inquiry, words: list[str], limit: int) -> list[Inquiry]:
    """The `limit` best-ranked matches among the team's SIMILAR_WINDOW most recent inquiries. Keywords
    OR-ed together match much of a team's history, so walking the newest rows in index order and testing
    the stored `search_vector` stops early; a bitmap of every match would sort most of the team."""
    table = Inquiry._meta.db_table
    query = " || ".join(["plainto_tsquery('english', %s)"] * len(words))
    sql = f"""
        WITH q AS (SELECT ({query}) AS query),
        recent AS (
            SELECT i.id, i.received_at, i.search_vector FROM {table} i
            WHERE i.team_id = %s AND i.id <> %s
            ORDER BY i.received_at DESC, i.id DESC LIMIT %s
        )
        SELECT r.id FROM recent r, q
        WHERE r.search_vector @@ q.query AND ts_rank(r.search_vector, q.query) > %s
        ORDER BY ts_rank(r.search_vector, q.query) DESC, r.received_at DESC, r.id DESC LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*words, inquiry.team_id, inquiry.pk, SIMILAR_WINDOW, SIMILAR_MIN_RANK, limit])
        ids = [row[0] for row in cursor.fetchall()]
    found = Inquiry.objects.select_related("team").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def my_members(*, user: User) -> QuerySet[Member]:
    return Member.objects.filter(user=user, is_active=True)


def my_queue(*, user: User) -> list[Inquiry]:
    """Open inquiries assigned to the user in any of their teams, the nearest response deadline first."""
    handoffs = Event.objects.filter(inquiry=OuterRef("pk"), kind=Event.Kind.HANDED_OFF).order_by(
        "-created_at", "-id"
    )
    queue = (
        inquiries_for_user(user=user)
        .filter(status__in=OPEN_STATUSES, assignee__in=my_members(user=user))
        .annotate(
            was_handed_off=Exists(handoffs),
            # The handoff clears the inquiry's note; the outgoing Primary's words live on the event.
            handed_off_from=Subquery(handoffs.values("from_value")[:1]),
            handed_off_note=Subquery(handoffs.values("note")[:1]),
        )
        .order_by(F("response_due_at").asc(nulls_last=True), "received_at")
    )
    return list(queue[:200])


def queue_context(*, user: User) -> dict:
    now = timezone.now()
    queue = my_queue(user=user)
    overdue = [
        i for i in queue if i.status == Inquiry.Status.NEW and i.response_due_at and i.response_due_at < now
    ]
    return {"now": now, "queue": queue, "overdue_count": len(overdue)}


def dashboard_data(*, user: User) -> dict:
    """Everything on the dashboard in a fixed number of queries (independent of how many inquiries)."""
    context = queue_context(user=user)
    now = context["now"]
    teams = list(
        teams_for_user(user=user)
        .annotate(
            next_primary_id=Subquery(
                Shift.objects.filter(team=OuterRef("pk"), role="primary", starts_at__gt=now)
                .order_by("starts_at")
                .values("pk")[:1]
            ),
            viewer_manages=Exists(
                Member.objects.filter(team=OuterRef("pk"), user=user, is_active=True, role="manager")
            ),
        )
        .order_by("name")
    )
    # Who holds each role now, in every team, and who is next: two queries whatever the number of teams.
    current = list(
        Shift.objects.filter(team__in=teams, starts_at__lte=now, ends_at__gt=now)
        .select_related("member__user", "team")
        .order_by("-starts_at")
    )
    upcoming = {
        shift.pk: shift
        for shift in Shift.objects.filter(
            pk__in=[t.next_primary_id for t in teams if t.next_primary_id]
        ).select_related("member__user")
    }

    def holding(team, role):
        return next((s for s in current if s.team_id == team.pk and s.role == role), None)

    oncall = [
        {
            "team": team,
            "now": holding(team, "primary"),
            "secondary": holding(team, "secondary"),
            "next": upcoming.get(team.next_primary_id),
        }
        for team in teams
    ]
    mine = my_members(user=user)
    unassigned = list(
        inquiries_for_user(user=user)
        .filter(status__in=OPEN_STATUSES, assignee__isnull=True)
        .order_by("received_at")[:50]
    )
    # "Handed to me": in my queue because a shift-end handoff moved it there (a `handed_off` event).
    handed_to_me = [inquiry for inquiry in context["queue"] if inquiry.was_handed_off]
    escalated = list(
        Escalation.objects.filter(member__in=mine, status=Escalation.Status.PENDING)
        .select_related("inquiry__team", "requested_by")
        .order_by("created_at")[:50]
    )
    low_hanging = list(
        improvements_for_user(user=user)
        .filter(kind=Improvement.Kind.LOW_HANGING_FRUIT, status__in=["open", "in_progress"])
        .order_by("estimate_hours", "created_at")[:10]
    )
    return {
        **context,
        "teams": teams,
        "oncall": oncall,
        "handed_to_me": handed_to_me,
        "unassigned": unassigned,
        "escalated": escalated,
        "low_hanging": low_hanging,
        "primary_now": [row["team"] for row in oncall if row["now"] and row["now"].member.user_id == user.pk],
        # Every role the viewer holds right now ("You are Secondary for ADS until …") and their next shift.
        "my_shifts_now": sorted((s for s in current if s.member.user_id == user.pk), key=lambda s: s.ends_at),
        "my_next_shift": Shift.objects.filter(member__in=mine, starts_at__gt=now)
        .select_related("team")
        .order_by("starts_at")
        .first(),
        "manages_a_team": user.is_superuser or any(t.viewer_manages for t in teams),
    }


def team_topics(*, teams) -> QuerySet:
    from shifts.models import Topic

    return Topic.objects.filter(team__in=teams).select_related("team").order_by("team__name", "name")


def inquiry_counts(*, user: User) -> dict[str, int]:
    rows = inquiries_for_user(user=user).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
