"""Links to inquiries, for any app: the page's path and the requester's tracking URL."""

from django.conf import settings
from django.urls import reverse

from .models import Inquiry


def inquiry_path(inquiry: Inquiry) -> str:
    return reverse("inquiry-detail", args=[inquiry.reference])


def tracking_url_for_token(token: str) -> str:
    return settings.SITE_URL + reverse("track", args=[token])


def tracking_url(inquiry: Inquiry) -> str:
    return tracking_url_for_token(inquiry.tracking_token)
