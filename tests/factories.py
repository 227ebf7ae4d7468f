"""Small factories for the tests (plain functions: explicit, and fast)."""

import itertools

from django.contrib.auth import get_user_model

from shifts.models import Member, Team

_seq = itertools.count(1)

ALWAYS = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]
WEEKDAYS_9_TO_5 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


def make_user(username: str | None = None, **extra):
    username = username or f"user{next(_seq)}"
    extra.setdefault("email", f"{username}@example.org")
    extra.setdefault("first_name", username.capitalize())
    return get_user_model().objects.create_user(username=username, password="pw-" + username, **extra)


def make_team(slug: str | None = None, **fields) -> Team:
    slug = slug or f"team{next(_seq)}"
    fields.setdefault("name", slug.upper())
    fields.setdefault("timezone", "Europe/Zurich")
    fields.setdefault("coverage", WEEKDAYS_9_TO_5)
    fields.setdefault("reference_prefix", slug.replace("-", "").upper()[:6])
    return Team.objects.create(slug=slug, **fields)


def make_member(
    team: Team, username: str | None = None, *, role: str = "developer", percent_time: int = 100, user=None
) -> Member:
    user = user or make_user(username)
    return Member.objects.create(team=team, user=user, role=role, percent_time=percent_time)
