"""Writes for teams and members. Views, API, admin actions and commands call these, nothing else."""

import datetime as dt
import secrets
from typing import Any

import holidays as holidays_lib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from audit.services import audit_record, changes
from supportops import outbound
from supportops.errors import ConflictError, Forbidden, InvalidInput
from supportops.notifications import outbox_email

from .. import hooks
from ..coverage import parse_coverage, parse_holidays, validate_timezone
from ..models import Member, Team, Topic
from .common import require_manager

User = get_user_model()

TEAM_FIELDS = {
    "name",
    "timezone",
    "coverage",
    "holidays",
    "holiday_country",
    "holiday_subdivision",
    "response_target_minutes",
    "response_guarantee_minutes",
    "resolution_target_minutes",
    "support_budget_percent",
    "low_hanging_fruit_hours",
    "webhook_url",
    "handoff_notifies_requester",
    "reference_prefix",
    "mail_enabled",
    "mail_host",
    "mail_port",
    "mail_use_ssl",
    "mail_username",
    "mail_password",
    "mail_folder",
    "alerts_to",
    "schedule_horizon_days",
    "session_minutes_per_week",
    "session_length_minutes",
    "session_notice_minutes",
    "session_video_url",
}


def _require_manager(actor, team: Team) -> None:
    """Team settings and membership are for the team's managers (and superusers). `actor=None` is the
    system itself (the demo seed, management commands), which is not checked."""
    if actor is not None:
        require_manager(actor=actor, team=team)


def _clean_team_fields(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - TEAM_FIELDS - {"slug", "topics"}
    if unknown:
        raise InvalidInput(f"Unknown team field(s): {', '.join(sorted(unknown))}.")
    cleaned = dict(data)
    if "timezone" in cleaned:
        cleaned["timezone"] = validate_timezone(cleaned["timezone"])
    if "coverage" in cleaned:
        cleaned["coverage"] = [w.as_dict() for w in parse_coverage(cleaned["coverage"])]
    if "holidays" in cleaned:
        cleaned["holidays"] = [d.isoformat() for d in parse_holidays(cleaned["holidays"])]
    country = cleaned.get("holiday_country")
    if country:
        try:
            holidays_lib.country_holidays(country, subdiv=cleaned.get("holiday_subdivision") or None)
        except NotImplementedError:
            raise InvalidInput(
                f"No public-holiday calendar for country {country!r} "
                f"subdivision {cleaned.get('holiday_subdivision') or '-'}.",
                field="holiday_country",
            ) from None
    if "reference_prefix" in cleaned:
        prefix = str(cleaned["reference_prefix"]).upper()
        if not prefix.isalnum() or not 1 <= len(prefix) <= 12:
            raise InvalidInput("reference_prefix must be 1-12 letters or digits.", field="reference_prefix")
        cleaned["reference_prefix"] = prefix
    for key in ("mail_host", "mail_username", "mail_folder"):
        if key in cleaned:
            cleaned[key] = str(cleaned[key] or "").strip()
    if "mail_folder" in cleaned and not cleaned["mail_folder"]:
        cleaned["mail_folder"] = "INBOX"
    cleaned.pop("topics", None)
    return cleaned


def _check_mailbox(team: Team) -> None:
    if team.mail_enabled and not (team.mail_host and team.mail_username and team.mail_password):
        raise InvalidInput(
            "To poll the team mailbox, give its IMAP host, username and password.", field="mail_enabled"
        )


def _check_outbound(team: Team, changed: set[str]) -> None:
    """Webhook and mailbox targets must be public (SPEC 3.11). Checked when they change; the workers
    check again at connect time, since DNS answers can change after this."""
    if "webhook_url" in changed and team.webhook_url:
        try:
            outbound.check_url(team.webhook_url)
        except outbound.OutboundRefused as exc:
            raise InvalidInput(f"webhook_url: {exc}", field="webhook_url") from None
    if changed & {"mail_host", "mail_port", "mail_enabled"} and team.mail_host:
        try:
            outbound.check_host(team.mail_host, team.mail_port)
        except outbound.OutboundRefused as exc:
            raise InvalidInput(f"mail_host: {exc}", field="mail_host") from None


def _full_clean(team: Team) -> None:
    try:
        team.full_clean(exclude=["coverage", "holidays"])
    except ValidationError as exc:
        raise InvalidInput("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None


def _set_topics(team: Team, topics: object) -> None:
    if not isinstance(topics, list) or not all(
        isinstance(t, str) and 0 < len(t.strip()) <= 80 for t in topics
    ):
        raise InvalidInput("topics must be a list of names (1-80 characters).", field="topics")
    names = {t.strip() for t in topics}
    team.topics.exclude(name__in=names).delete()
    existing = set(team.topics.values_list("name", flat=True))
    Topic.objects.bulk_create([Topic(team=team, name=n) for n in sorted(names - existing)])


@transaction.atomic
def team_create(*, creator, data: dict[str, Any]) -> Team:
    """Create a team; the creator becomes its first manager."""
    slug = data.get("slug") or slugify(data.get("name", ""))
    if not slug or slugify(slug) != slug:
        raise InvalidInput("slug must be lowercase letters, digits and hyphens.", field="slug")
    if Team.objects.filter(slug=slug).exists():
        raise ConflictError(f"A team with slug {slug!r} already exists.", field="slug")
    cleaned = _clean_team_fields({k: v for k, v in data.items() if k != "slug"})
    cleaned.setdefault("reference_prefix", slug.replace("-", "")[:6].upper())
    team = Team(slug=slug, **cleaned)
    _full_clean(team)
    _check_mailbox(team)
    _check_outbound(team, set(cleaned))
    try:
        team.save()
    except IntegrityError:
        raise ConflictError(f"A team with slug {slug!r} already exists.", field="slug") from None
    if "topics" in data:
        _set_topics(team, data["topics"])
    Member.objects.create(team=team, user=creator, percent_time=100, role=Member.Role.MANAGER)
    audit_record(actor=creator, team=team, action="team.create", obj=team, new=_audited(team, cleaned))
    return team


def _audited(team: Team, keys) -> dict[str, Any]:
    """The audited values of `keys` (audit.services masks the mailbox password and the webhook URL)."""
    return {key: getattr(team, key) for key in keys if key in TEAM_FIELDS}


@transaction.atomic
def team_update(*, team: Team, data: dict[str, Any], actor=None) -> Team:
    _require_manager(actor, team)
    if "slug" in data and data["slug"] != team.slug:
        raise InvalidInput("A team's slug cannot change: it is part of every link.", field="slug")
    team = Team.objects.select_for_update().get(pk=team.pk)
    cleaned = _clean_team_fields({k: v for k, v in data.items() if k != "slug"})
    coverage_changed = any(
        key in cleaned and cleaned[key] != getattr(team, key)
        for key in (
            "coverage",
            "holidays",
            "timezone",
            "holiday_country",
            "holiday_subdivision",
            "response_target_minutes",
            "response_guarantee_minutes",
            "resolution_target_minutes",
        )
    )
    changed = {key for key, value in cleaned.items() if value != getattr(team, key)}
    before = _audited(team, cleaned)
    for key, value in cleaned.items():
        setattr(team, key, value)
    _full_clean(team)
    _check_mailbox(team)
    _check_outbound(team, changed)
    team.save()
    old, new = changes(before, _audited(team, cleaned))
    if "topics" in data:
        old_topics = sorted(team.topics.values_list("name", flat=True))
        _set_topics(team, data["topics"])
        new_topics = sorted(team.topics.values_list("name", flat=True))
        if old_topics != new_topics:
            old["topics"], new["topics"] = old_topics, new_topics
    if new:
        audit_record(actor=actor, team=team, action="team.update", obj=team, old=old, new=new)
    if coverage_changed:
        # Deadlines of un-responded inquiries follow the new coverage (SPEC 3.1): inquiries registered
        # its recomputation (shifts.hooks), in this transaction.
        hooks.coverage_changed(team=team)
    return team


def _invite(user, team: Team) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    outbox_email(
        to=user.email,
        subject=f"You have been added to {team.name} on SupportOps",
        body=(
            f"Hello {user.get_full_name() or user.username},\n\n"
            f"You are now a member of {team.name} on SupportOps, with the username {user.username}.\n"
            f"Choose your password here:\n{link}\n"
        ),
    )


def _validate_member_fields(data: dict[str, Any]) -> None:
    if "percent_time" in data:
        pct = data["percent_time"]
        if isinstance(pct, bool) or not isinstance(pct, int) or not 1 <= pct <= 100:
            raise InvalidInput(
                f"percent_time must be an integer from 1 to 100, not {pct!r}.", field="percent_time"
            )
    if "role" in data and data["role"] not in Member.Role.values:
        raise InvalidInput(f"role must be one of {', '.join(Member.Role.values)}.", field="role")


@transaction.atomic
def member_add(
    *,
    team: Team,
    username: str,
    percent_time: int,
    role: str = Member.Role.DEVELOPER,
    email: str = "",
    name: str = "",
    actor=None,
) -> Member:
    """Add a person to a team. A new username creates the user and emails an invitation."""
    _require_manager(actor, team)
    _validate_member_fields({"percent_time": percent_time, "role": role})
    if not username or len(username) > 150:
        raise InvalidInput("username is required (at most 150 characters).", field="username")
    user = User.objects.filter(username=username).first()
    if user is None:
        if not email:
            raise InvalidInput("email is required to invite a new user.", field="email")
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(f"{email!r} is not a valid email address.", field="email") from None
        first, _, last = name.strip().partition(" ")
        user = User.objects.create_user(
            username=username,
            email=email,
            first_name=first[:150],
            last_name=last[:150],
            password=secrets.token_urlsafe(24),
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        invite = True
    else:
        invite = False
        # An account is shared by every team its person is in: only someone who already knows the
        # person (their address) may add them, so a manager cannot fish names and emails by username.
        known_here = Member.objects.filter(team=team, user=user).exists()
        if not known_here and email.strip().lower() != user.email.lower():
            raise InvalidInput(
                f"The username {username!r} is taken. To add an existing person, give the email address "
                "of their account; to invite someone new, choose another username.",
                field="email",
            )
    existing = Member.objects.filter(team=team, user=user).first()
    if existing and existing.is_active:
        raise ConflictError(f"{username} is already a member of {team.name}.", field="username")
    if existing:
        existing.is_active, existing.percent_time, existing.role = True, percent_time, role
        existing.save(update_fields=["is_active", "percent_time", "role"])
        member = existing
    else:
        member = Member.objects.create(team=team, user=user, percent_time=percent_time, role=role)
    if invite:
        _invite(user, team)
    audit_record(
        actor=actor,
        team=team,
        action="member.add",
        obj=member,
        new={"username": user.username, "role": member.role, "percent_time": member.percent_time},
    )
    return member


@transaction.atomic
def member_update(*, member: Member, data: dict[str, Any], actor) -> Member:
    """Change percent-time and role (managers), or one's own name and email.

    Name and email belong to the person's account, shared by all their teams: only they (or a
    superuser) change them, never a manager of one of the teams."""
    unknown = set(data) - {"percent_time", "role", "name", "email"}
    if unknown:
        raise InvalidInput(f"These member fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if {"percent_time", "role"} & set(data):
        _require_manager(actor, member.team)
    if {"name", "email"} & set(data) and actor.pk != member.user_id and not actor.is_superuser:
        raise Forbidden(f"Only {member.display_name} can change their own name and email.")
    _validate_member_fields(data)
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if data.get("role") == Member.Role.DEVELOPER and member.is_manager:
        _ensure_another_manager(member)
    before = {"percent_time": member.percent_time, "role": member.role}
    for key in ("percent_time", "role"):
        if key in data:
            setattr(member, key, data[key])
    member.save()
    user_fields = []
    if "email" in data:
        try:
            validate_email(data["email"])
        except ValidationError:
            raise InvalidInput(f"{data['email']!r} is not a valid email address.", field="email") from None
        member.user.email = data["email"]
        user_fields.append("email")
    if "name" in data:
        first, _, last = str(data["name"]).strip().partition(" ")
        member.user.first_name, member.user.last_name = first[:150], last[:150]
        user_fields += ["first_name", "last_name"]
    if user_fields:
        member.user.save(update_fields=user_fields)
    old, new = changes(before, {k: data[k] for k in ("percent_time", "role") if k in data})
    if new:
        action = "member.role" if "role" in new else "member.update"
        audit_record(actor=actor, team=member.team, action=action, obj=member, old=old, new=new)
    return member


def _ensure_another_manager(member: Member) -> None:
    others = Member.objects.filter(team=member.team, role=Member.Role.MANAGER, is_active=True).exclude(
        pk=member.pk
    )
    if not others.exists():
        raise ConflictError("A team needs at least one manager: appoint another before this change.")


@transaction.atomic
def member_remove(*, member: Member, actor=None) -> None:
    """Deactivate (history keeps pointing at the person); future shifts are re-planned by the scheduler.
    Their calendar feeds of this team stop working: the feed token is a credential of a member."""
    _require_manager(actor, member.team)
    member = Member.objects.select_for_update().select_related("user", "team").get(pk=member.pk)
    if member.is_manager:
        _ensure_another_manager(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    from .calendars import feeds_revoke_for_member

    revoked = feeds_revoke_for_member(member=member)
    audit_record(
        actor=actor,
        team=member.team,
        action="member.remove",
        obj=member,
        old={"username": member.user.username, "role": member.role},
        new={"feeds_revoked": revoked},
    )
    member.rotations.clear()
    # Their future shifts go to the others, with as few moves as possible.
    from .rotations import rotations_replan_for_member

    rotations_replan_for_member(
        member=member, start=timezone.now(), end=dt.datetime.max.replace(tzinfo=dt.UTC)
    )
