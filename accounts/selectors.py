"""Which zone a person reads times in."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from shifts.coverage import validate_timezone  # noqa: F401 - re-exported for the profile form

from .models import EMAIL_NOTICE_KINDS, Profile


def viewer_timezone(*, user) -> str:
    """The person's chosen zone, else their first team's, else the installation's default (one query)."""
    if not getattr(user, "is_authenticated", False):
        return settings.TIME_ZONE
    if hasattr(user, "first_team_zone"):
        # Loaded with the user by accounts.backends (no query here).
        try:
            chosen = user.profile.timezone
        except Profile.DoesNotExist:
            chosen = ""
        return chosen or user.first_team_zone or settings.TIME_ZONE
    from django.contrib.auth import get_user_model
    from django.db.models import OuterRef, Subquery

    from shifts.models import Member

    first_team_zone = (
        Member.objects.filter(user=OuterRef("pk"), is_active=True)
        .order_by("joined_at")
        .values("team__timezone")
    )
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(team_zone=Subquery(first_team_zone[:1]))
        .values_list("profile__timezone", "team_zone")
        .first()
    )
    if row is None:
        return settings.TIME_ZONE
    return row[0] or row[1] or settings.TIME_ZONE


def email_muted(*, user, kind: str) -> bool:
    profile = Profile.objects.filter(user=user).only("email_muted_kinds").first()
    return bool(profile and kind in (profile.email_muted_kinds or []))


def muted_email_pairs(wanted: dict[int, set[str]]) -> set[tuple[int, str]]:
    """(user id, kind) pairs the people asked not to receive by email, in one query."""
    muted: set[tuple[int, str]] = set()
    wanted = {user: kinds & EMAIL_NOTICE_KINDS.keys() for user, kinds in wanted.items()}
    wanted = {user: kinds for user, kinds in wanted.items() if kinds}
    if not wanted:
        return muted  # none of these notices can be muted: no query
    rows = Profile.objects.filter(user_id__in=list(wanted)).exclude(email_muted_kinds=[])
    for user_id, kinds in rows.values_list("user_id", "email_muted_kinds"):
        muted |= {(user_id, kind) for kind in wanted[user_id] if kind in (kinds or [])}
    return muted


def chosen_zones(user_ids: Sequence[int]) -> dict[int, str]:
    """{user id: zone} for those of the people who chose a zone in their profile (one query)."""
    rows = Profile.objects.filter(user_id__in=list(user_ids)).exclude(timezone="")
    return dict(rows.values_list("user_id", "timezone"))
