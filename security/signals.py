"""API tokens die with a password change.

A signal because passwords change in many places we do not own (Django's password change and reset
views, the admin, `changepassword`): `AbstractBaseUser.set_password` leaves the new raw password in
`_password` until `save()` has run, so post_save sees exactly the saves that changed the password."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=get_user_model(), dispatch_uid="security.rotate_tokens_on_password_change")
def rotate_tokens_on_password_change(sender, instance, created, **kwargs) -> None:
    if created or getattr(instance, "_password", None) is None:
        return
    from .tokens import token_revoke

    token_revoke(user=instance, reason="rotated")
