"""Which zone a person reads times in."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Q

from shifts.coverage import validate_timezone  # noqa: F401 - re-exported for the profile form
from supportops.notifications import PreferenceJoin, Preferences

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


def _preloaded(kinds, zone) -> tuple[frozenset[str], str]:
    """A Profile's columns as the Primary's SELECT reads them (NULLs: no profile row) -> what
    `notice_preferences` would say about that person: the mutable kinds they muted, their zone."""
    kinds = Profile._meta.get_field("email_muted_kinds").from_db_value(kinds, None, connection)
    return frozenset(kinds or ()) & EMAIL_NOTICE_KINDS.keys(), zone or ""


PROFILE_JOIN = PreferenceJoin(
    table=Profile._meta.db_table,
    user_column=Profile._meta.get_field("user").column,
    columns=("email_muted_kinds", "timezone"),
    build=_preloaded,
)


def notice_preferences(*, wanted: dict[int, set[str]], zones_for: set[int]) -> Preferences:
    """For supportops.notifications: the (user id, kind) pairs people asked not to receive by email, and
    the zones they chose (of `zones_for`), in one query; none when no kind can be muted and no zone is
    asked for."""
    wanted = {user: kinds & EMAIL_NOTICE_KINDS.keys() for user, kinds in wanted.items()}
    wanted = {user: kinds for user, kinds in wanted.items() if kinds}
    muted: set[tuple[int, str]] = set()
    zones: dict[int, str] = {}
    if not wanted and not zones_for:
        return Preferences(muted=muted, zones=zones)
    rows = Profile.objects.filter(user_id__in=sorted(wanted.keys() | zones_for))
    rows = rows.exclude(Q(email_muted_kinds=[]) & Q(timezone=""))
    for user_id, kinds, zone in rows.values_list("user_id", "email_muted_kinds", "timezone"):
        muted |= {(user_id, kind) for kind in wanted.get(user_id, ()) if kind in (kinds or [])}
        if zone and user_id in zones_for:
            zones[user_id] = zone
    return Preferences(muted=muted, zones=zones)
