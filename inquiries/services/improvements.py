"""The improvement backlog: low-hanging fruit (within the team's hours) and product issues (with a URL)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from shifts.models import Team
from supportops.errors import InvalidInput

from ..models import Event, Improvement, Inquiry
from ._common import clean_text, event_record

K = Improvement.Kind


def _hours(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(
            f"estimate_hours must be a number, not {value!r}.", field="estimate_hours"
        ) from None
    if hours <= 0 or hours >= 100000:
        raise InvalidInput("estimate_hours must be more than 0.", field="estimate_hours")
    return hours.quantize(Decimal("0.1"))


def _url(value: str | None) -> str:
    url = (value or "").strip()
    if url and (len(url) > 500 or not url.startswith(("http://", "https://"))):
        raise InvalidInput("url must be an http(s) address of at most 500 characters.", field="url")
    return url


def _check(team: Team, kind: str, estimate: Decimal | None, url: str) -> None:
    if kind not in K.values:
        raise InvalidInput(f"kind must be low_hanging_fruit or product_issue, not {kind!r}.", field="kind")
    if kind == K.LOW_HANGING_FRUIT:
        if estimate is None:
            raise InvalidInput("Low-hanging fruit needs an estimate in hours.", field="estimate_hours")
        if estimate > team.low_hanging_fruit_hours:
            raise InvalidInput(
                f"{estimate} hours is more than {team.name}'s low-hanging-fruit limit of "
                f"{team.low_hanging_fruit_hours} hours; file it as a product issue instead.",
                field="estimate_hours",
            )
    if kind == K.PRODUCT_ISSUE and not url:
        raise InvalidInput("A product issue needs the URL of the issue.", field="url")


def improvement_create(
    *,
    team: Team,
    actor,
    title: str,
    kind: str,
    estimate_hours: Any = None,
    url: str = "",
    source_inquiry: Inquiry | None = None,
) -> Improvement:
    title = clean_text(title, field="title", label="Title", max_length=200)
    estimate, url = _hours(estimate_hours), _url(url)
    _check(team, kind, estimate, url)
    if source_inquiry is not None and source_inquiry.team_id != team.pk:
        raise InvalidInput("The source inquiry belongs to another team.", field="source_inquiry")
    with transaction.atomic():
        improvement = Improvement.objects.create(
            team=team,
            title=title,
            kind=kind,
            estimate_hours=estimate,
            url=url,
            source_inquiry=source_inquiry,
            created_by=actor,
        )
        if source_inquiry is not None:
            event_record(
                inquiry=source_inquiry,
                kind=Event.Kind.IMPROVEMENT_FILED,
                actor=actor,
                to_value=improvement.get_kind_display(),
                note=title,
            )
    return improvement


def improvement_update(*, improvement: Improvement, actor, data: dict[str, Any]) -> Improvement:
    allowed = {"title", "kind", "estimate_hours", "url", "status"}
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        improvement = Improvement.objects.select_for_update().select_related("team").get(pk=improvement.pk)
        if "title" in data:
            improvement.title = clean_text(data["title"], field="title", label="Title", max_length=200)
        if "kind" in data:
            improvement.kind = data["kind"]
        if "estimate_hours" in data:
            improvement.estimate_hours = _hours(data["estimate_hours"])
        if "url" in data:
            improvement.url = _url(data["url"])
        if "status" in data:
            if data["status"] not in Improvement.Status.values:
                raise InvalidInput(f"Unknown status {data['status']!r}.", field="status")
            improvement.status = data["status"]
        _check(improvement.team, improvement.kind, improvement.estimate_hours, improvement.url)
        improvement.save()
    return improvement
