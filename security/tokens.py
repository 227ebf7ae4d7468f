"""API tokens: issued by POST /api/v1/auth/token/, expire API_TOKEN_TTL_DAYS after issue, die with a
password change (security.signals) and can be revoked by their owner (DELETE /api/v1/auth/token/)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from audit.services import audit_record


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


def token_prefix(key: str) -> str:
    """What may be shown of a token anywhere (admin, audit, logs): enough to tell two apart."""
    return f"{key[:6]}…" if key else ""


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's current token, or a new one when they have none or theirs has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    if token is not None:
        token.delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, team=None, action="token.issue", obj=user, new={"token": token.key})
    return token


@transaction.atomic
def token_revoke(*, user, actor=None, reason: str = "revoked") -> bool:
    """Delete the user's API token; True if there was one."""
    tokens = list(Token.objects.select_for_update().filter(user=user))
    for token in tokens:
        audit_record(
            actor=actor or user,
            team=None,
            action=f"token.{reason}",
            obj=user,
            old={"token": token.key},
        )
        token.delete()
    return bool(tokens)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than API_TOKEN_TTL_DAYS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise AuthenticationFailed(
                "This API token has expired. Obtain a new one with POST /api/v1/auth/token/."
            )
        return user, token
