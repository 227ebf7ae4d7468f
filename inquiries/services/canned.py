"""Canned replies: managers keep a team's stock answers."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from shifts.models import Team
from supportops.errors import ConflictError, InvalidInput

from ..models import CannedReply


def canned_reply_create(*, team: Team, title: str, body: str) -> CannedReply:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput("A canned reply needs a title of at most 120 characters.", field="title")
    if not body or len(body) > 20000:
        raise InvalidInput("A canned reply needs a text of at most 20,000 characters.", field="body")
    try:
        with transaction.atomic():
            return CannedReply.objects.create(team=team, title=title, body=body)
    except IntegrityError:
        raise ConflictError(f"{team.name} already has a canned reply called {title!r}.") from None


def canned_reply_delete(*, reply: CannedReply) -> None:
    reply.delete()
