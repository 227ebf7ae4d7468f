from celery import shared_task
from django.db import transaction

from .passwords import password_reset_send


@shared_task(ignore_result=True)
def send_password_reset(email: str) -> int:
    with transaction.atomic():
        return password_reset_send(email=email)
