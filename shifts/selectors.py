"""Reads for teams and members, including the one permission-checked getter per kind."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from supportops.errors import NotFoundError

from .models import Member, Rotation, Shift, Team

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


def primary_for_arrival(*, team: Team, at: dt.datetime) -> Member | None:
    """Who owns an inquiry arriving at `at`: the Primary on shift, else the Primary of the next shift."""
    shift = shift_at(team=team, at=at) or next_shift(team=team, after=at)
    return shift.member if shift else None
