"""The requester's own emails in a conversation's thread (read by notices.mail)."""

import datetime as dt

from .models import InboundEmail, Inquiry


def inbound_message_ids(*, inquiry: Inquiry, until: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """(received_at, Message-ID) of the emails the requester sent about the inquiry up to `until`;
    ids we made up for mail without one (sha256:…) are not real Message-IDs and are left out."""
    return list(
        InboundEmail.objects.filter(inquiry=inquiry, received_at__lte=until)
        .exclude(message_id__startswith="sha256:")
        .values_list("received_at", "message_id")
    )
