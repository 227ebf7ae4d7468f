"""Recommendations (action items): owner, due date, status; each can become a backlog item."""

from typing import Any

from django.db import transaction

from inquiries.models import Improvement
from inquiries.services import improvement_create
from supportops.errors import ConflictError, InvalidInput

from ..models import Postmortem, Recommendation
from ._common import (
    change_record,
    clean_date,
    clean_text,
    postmortem_lock,
    require_not_closed,
    require_writer,
    team_member,
)
from .reminders import action_item_owner_tell

FIELDS = {"description", "owner", "due_date", "status"}


def _clean(postmortem: Postmortem, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - FIELDS
    if unknown:
        raise InvalidInput(f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    if "description" in data:
        cleaned["description"] = clean_text(
            data["description"], field="description", label="Description", max_length=500
        )
    if "owner" in data:
        cleaned["owner"] = team_member(team=postmortem.team, member=data["owner"], field="owner")
    if "due_date" in data:
        cleaned["due_date"] = clean_date(data["due_date"], field="due_date", label="Due date")
    if "status" in data:
        if data["status"] not in Recommendation.Status.values:
            choices = ", ".join(Recommendation.Status.values)
            raise InvalidInput(f"Unknown status {data['status']!r}; use one of {choices}.", field="status")
        cleaned["status"] = data["status"]
    return cleaned


def recommendation_add(*, postmortem: Postmortem, actor, data: dict[str, Any]) -> Recommendation:
    require_writer(team=postmortem.team, actor=actor)
    if "description" not in data:
        raise InvalidInput("Describe the recommended action.", field="description")
    cleaned = _clean(postmortem, data)
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        require_not_closed(postmortem, "add recommendations")
        recommendation = Recommendation.objects.create(postmortem=postmortem, **cleaned)
        change_record(
            postmortem=postmortem, kind="recommendation_added", actor=actor, to_value=cleaned["description"]
        )
        action_item_owner_tell(recommendation=recommendation, actor=actor)
    return recommendation


def recommendation_update(*, recommendation: Recommendation, actor, data: dict[str, Any]) -> Recommendation:
    """Edit an action item. On a closed postmortem only the status moves: the work goes on after the
    meeting, but what was agreed there stays as agreed."""
    postmortem = recommendation.postmortem
    require_writer(team=postmortem.team, actor=actor)
    cleaned = _clean(postmortem, data)
    with transaction.atomic():
        locked = postmortem_lock(postmortem=postmortem)
        if set(cleaned) - {"status"}:
            require_not_closed(locked, "change what was agreed")
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        changed = [name for name, value in cleaned.items() if getattr(recommendation, name) != value]
        for name in changed:
            setattr(recommendation, name, cleaned[name])
        if changed:
            recommendation.save(update_fields=changed)
        if "owner" in changed:
            recommendation.postmortem = locked
            action_item_owner_tell(recommendation=recommendation, actor=actor)
        if "status" in changed:
            change_record(
                postmortem=locked,
                kind="recommendation_status",
                actor=actor,
                from_value=recommendation.description[:80],
                to_value=recommendation.status,
            )
    return recommendation


def recommendation_delete(*, recommendation: Recommendation, actor) -> None:
    postmortem = recommendation.postmortem
    require_writer(team=postmortem.team, actor=actor)
    with transaction.atomic():
        locked = postmortem_lock(postmortem=postmortem)
        require_not_closed(locked, "remove recommendations")
        change_record(
            postmortem=locked,
            kind="recommendation_removed",
            actor=actor,
            from_value=recommendation.description,
        )
        recommendation.delete()


def recommendation_make_backlog_item(
    *,
    recommendation: Recommendation,
    actor,
    kind: str = Improvement.Kind.PRODUCT_ISSUE,
    estimate_hours: Any = None,
    url: str = "",
) -> Improvement:
    """File the action item in the team's improvement backlog (once) and link the two."""
    postmortem = recommendation.postmortem
    require_writer(team=postmortem.team, actor=actor)
    with transaction.atomic():
        locked = postmortem_lock(postmortem=postmortem)
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.improvement_id is not None:
            raise ConflictError("This recommendation is already a backlog item.")
        source = locked.inquiries.order_by("received_at", "pk").first()
        improvement = improvement_create(
            team=postmortem.team,
            actor=actor,
            title=recommendation.description[:200],
            kind=kind,
            estimate_hours=estimate_hours,
            url=url,
            source_inquiry=source,
        )
        recommendation.improvement = improvement
        recommendation.save(update_fields=["improvement"])
        change_record(
            postmortem=locked, kind="backlog_item_filed", actor=actor, to_value=recommendation.description
        )
    return improvement
