"""Bulk actions on the inquiry list: the same services as one inquiry at a time, each in its own
transaction, so one refused inquiry (already resolved, other team) never undoes the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction

from supportops.errors import DomainError, InvalidInput

from ..models import Inquiry, SavedView
from .transitions import inquiry_resolve
from .triage import inquiry_update

BULK_LIMIT = 100
VIEW_KEYS = {"search", "team", "status", "priority", "channel", "assignee", "topic", "overdue", "sort"}


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def inquiries_bulk(*, inquiries: list[Inquiry], actor, action: str, data: dict) -> BulkResult:
    if not inquiries:
        raise InvalidInput("Select at least one inquiry.", field="refs")
    if len(inquiries) > BULK_LIMIT:
        raise InvalidInput(f"Select at most {BULK_LIMIT} inquiries at once.", field="refs")
    if action not in ("assign", "resolve"):
        raise InvalidInput("Choose assign or resolve.", field="action")
    result = BulkResult()
    for inquiry in inquiries:
        try:
            if action == "assign":
                inquiry_update(inquiry=inquiry, actor=actor, data={"assignee": data.get("member")})
            else:
                inquiry_resolve(
                    inquiry=inquiry, actor=actor, kind=data.get("kind", ""), note=data.get("note", "")
                )
        except DomainError as exc:
            result.refused[inquiry.reference] = exc.message
        else:
            result.done.append(inquiry.reference)
    return result


def saved_view_create(*, user, name: str, query: str) -> SavedView:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput("Give the view a name of at most 80 characters.", field="name")
    # Keep only the list's own filters (no cursor, no stray parameters).
    kept = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k in VIEW_KEYS]
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, name=name, query=urlencode(kept)[:1000])
    except IntegrityError:
        raise InvalidInput(f"You already have a view called {name!r}.", field="name") from None
