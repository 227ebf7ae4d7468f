"""Reads for postmortems, shared by pages and the API, including the one permission-checked getter."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from inquiries.models import EffortLog, Inquiry
from shifts.models import Team
from shifts.selectors import User, teams_for_user
from supportops.errors import InvalidInput, NotFoundError

from .models import Change, Milestone, Postmortem, Recommendation


def _effort_subquery(aggregate) -> Coalesce:
    # Correlated and grouped by the postmortem, so it stays one row per postmortem whatever else is
    # joined; an EffortLog counts once because an inquiry is linked to a postmortem at most once.
    rows = (
        EffortLog.objects.filter(inquiry__postmortems=OuterRef("pk"))
        .order_by()
        .values("inquiry__postmortems")
        .annotate(value=aggregate)
        .values("value")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_resources(queryset: QuerySet[Postmortem]) -> QuerySet[Postmortem]:
    """Annotate effort minutes and the number of people who logged effort, in the database."""
    return queryset.annotate(
        effort_minutes=_effort_subquery(Sum("minutes")),
        people_count=_effort_subquery(Count("member", distinct=True)),
    )


def postmortems_for_user(*, user: User) -> QuerySet[Postmortem]:
    """Postmortems of the user's teams, ready for lists: team joined, inquiries prefetched, effort summed."""
    return with_resources(
        Postmortem.objects.filter(team__in=teams_for_user(user=user))
        .select_related("team", "created_by")
        .prefetch_related(Prefetch("inquiries", queryset=Inquiry.objects.only("pk", "reference", "subject")))
        .annotate(recommendation_count=Count("recommendations", distinct=True))
    )


def postmortem_get_for_user(*, user: User, postmortem_id: int | str) -> Postmortem:
    """The postmortem if it belongs to one of the user's teams; 404 for anything else."""
    try:
        pk = int(postmortem_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"No postmortem {postmortem_id!r} in your teams.") from None
    found = postmortems_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(f"No postmortem {pk} in your teams.")
    return found


def milestones_of(*, postmortem: Postmortem) -> QuerySet[Milestone]:
    return postmortem.milestones.all()


def recommendations_of(*, postmortem: Postmortem) -> QuerySet[Recommendation]:
    return postmortem.recommendations.select_related("owner__user", "improvement")


def changes_of(*, postmortem: Postmortem) -> QuerySet[Change]:
    return postmortem.changes.select_related("actor")


def milestone_get(*, postmortem: Postmortem, milestone_id: int | str) -> Milestone:
    milestone = postmortem.milestones.filter(pk=_int_or_none(milestone_id)).first()
    if milestone is None:
        raise NotFoundError(f"No milestone {milestone_id} on this postmortem.")
    milestone.postmortem = postmortem
    return milestone


def recommendation_get(*, postmortem: Postmortem, recommendation_id: int | str) -> Recommendation:
    recommendation = (
        recommendations_of(postmortem=postmortem).filter(pk=_int_or_none(recommendation_id)).first()
    )
    if recommendation is None:
        raise NotFoundError(f"No recommendation {recommendation_id} on this postmortem.")
    recommendation.postmortem = postmortem
    return recommendation


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str
    minutes: int


@dataclass(frozen=True)
class Resources:
    minutes: int
    people: list[Person]

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def postmortem_resources(*, postmortem: Postmortem) -> Resources:
    """Effort and people from the linked inquiries' effort logs: one grouped query."""
    rows = (
        EffortLog.objects.filter(inquiry__postmortems=postmortem)
        .values("member", "member__user__username", "member__user__first_name", "member__user__last_name")
        .annotate(minutes=Sum("minutes"))
        .order_by("-minutes", "member__user__username")
    )
    people = [
        Person(
            member_id=row["member"],
            name=f"{row['member__user__first_name']} {row['member__user__last_name']}".strip()
            or row["member__user__username"],
            minutes=row["minutes"],
        )
        for row in rows
    ]
    return Resources(minutes=sum(p.minutes for p in people), people=people)


def postmortems_in_review(*, team: Team) -> QuerySet[Postmortem]:
    """What the next meeting discusses, oldest submission first, everything the agenda prints prefetched."""
    return with_resources(
        Postmortem.objects.filter(team=team, status=Postmortem.Status.IN_REVIEW)
        .select_related("team")
        .prefetch_related(
            Prefetch("inquiries", queryset=Inquiry.objects.only("pk", "reference", "subject")),
            "milestones",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("owner__user", "improvement"),
            ),
        )
        .order_by("submitted_at", "pk")
    )


def inquiries_by_reference(*, user: User, team: Team, references: list[str]) -> list[Inquiry]:
    """The team's inquiries named by reference, for linking; a clear 400 for any that is not there."""
    wanted = [str(r).strip().upper() for r in references if str(r).strip()]
    found = {
        i.reference.upper(): i
        for i in Inquiry.objects.filter(team=team, reference__in=wanted).select_related("team")
    }
    missing = [r for r in wanted if r not in found]
    if missing:
        elsewhere = set(
            Inquiry.objects.filter(team__in=teams_for_user(user=user), reference__in=missing)
            .exclude(team=team)
            .values_list("reference", flat=True)
        )
        if elsewhere:
            raise InvalidInput(
                f"{', '.join(sorted(elsewhere))} belong(s) to another team; a postmortem covers one team's "
                "inquiries.",
                field="inquiries",
            )
        raise InvalidInput(f"No inquiry {', '.join(missing)} in {team.name}.", field="inquiries")
    return [found[r] for r in dict.fromkeys(wanted)]
