"""A person changes their own name, email, zone, email notices and API token. Nobody else does."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from rest_framework.authtoken.models import Token

from security.tokens import token_issue, token_revoke
from shifts.coverage import validate_timezone
from supportops.errors import InvalidInput

from .models import EMAIL_NOTICE_KINDS, Profile

User = get_user_model()


def profile_update(*, user, data: dict[str, Any]) -> Profile:
    """Validate everything first, then save everything: one bad field changes nothing."""
    errors: dict[str, str] = {}
    first = str(data.get("first_name", user.first_name)).strip()[:150]
    last = str(data.get("last_name", user.last_name)).strip()[:150]
    email = str(data.get("email", user.email)).strip()
    zone = str(data.get("timezone", "")).strip()
    muted = data.get("email_muted_kinds")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    else:
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            errors["email"] = "Another account already uses this email address."
    if zone:
        try:
            validate_timezone(zone)
        except InvalidInput as exc:
            errors["timezone"] = exc.message
    if muted is not None:
        unknown = set(muted) - set(EMAIL_NOTICE_KINDS)
        if unknown:
            errors["email_muted_kinds"] = f"Unknown notice kind(s): {', '.join(sorted(unknown))}."
    if errors:
        raise ProfileInvalid(errors)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(first_name=first, last_name=last, email=email)
        user.first_name, user.last_name, user.email = first, last, email
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        profile.timezone = zone
        if muted is not None:
            profile.email_muted_kinds = sorted(set(muted))
        profile.save()
    return profile


class ProfileInvalid(InvalidInput):
    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), field=next(iter(errors)))
        self.errors = errors


def api_token_create(*, user) -> Token:
    """A fresh key; any previous key of this person stops working at once (both audited, with the
    expiry rules of security.tokens)."""
    with transaction.atomic():
        token_revoke(user=user, reason="rotated")
        return token_issue(user=user)


def api_token_revoke(*, user) -> bool:
    return token_revoke(user=user)
