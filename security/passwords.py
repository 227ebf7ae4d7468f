"""Password reset without account enumeration: the request does the same work whether or not the address
belongs to an account (check the limits, publish one task), and the task looks the account up and writes
the email to the outbox. No SMTP in the request, so no timing difference of seconds either."""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from supportops.notifications import outbox_email

from .ratelimit import Rate, hit_or_allow

logger = logging.getLogger(__name__)


def password_reset_ip_allowed(ip: str) -> bool:
    return hit_or_allow("pwreset-ip", ip, Rate.parse(settings.PASSWORD_RESET_IP_RATE)).allowed


def password_reset_email_allowed(email: str) -> bool:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return hit_or_allow("pwreset-email", digest, Rate.parse(settings.PASSWORD_RESET_EMAIL_RATE)).allowed


def password_reset_request(*, email: str) -> None:
    """Publish the reset task after commit; never raise (a broker outage loses the email, not the page)."""
    from django.db import transaction

    from .tasks import send_password_reset

    def publish() -> None:
        try:
            send_password_reset.delay(email)
        except Exception:  # noqa: BLE001 - the same answer either way; the person can ask again
            logger.warning("could not queue a password reset email", exc_info=True)

    transaction.on_commit(publish)


def password_reset_send(*, email: str) -> int:
    """Write a reset email to the outbox for each active account with that address; returns how many."""
    sent = 0
    for user in PasswordResetForm().get_users(email):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        outbox_email(
            to=user.email,
            subject="Reset your SupportOps password",
            body=(
                f"Hello {user.get_full_name() or user.username},\n\n"
                f"Someone asked to reset the password of your SupportOps account ({user.username}).\n"
                f"Choose a new password here:\n{link}\n\n"
                "If that was not you, ignore this email: your password stays as it is.\n"
            ),
        )
        sent += 1
    return sent
