"""Managers' changes to a team's integrations: create, update, rotate the inbound URL, delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shifts.models import Team, new_token
from supportops.errors import InvalidInput

from ..models import GITHUB_API_URL, Integration

EDITABLE = ("name", "secret", "access_token", "api_url", "labels", "auto_resolve", "active")
MAX_LABELS = 50


def _clean(data: dict[str, Any], *, kind: str) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE) - {"kind"}
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    clean: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            raise InvalidInput("Give the integration a name (e.g. the repository).", field="name")
        if len(name) > 120:
            raise InvalidInput("The name is too long (at most 120 characters).", field="name")
        clean["name"] = name
    for field in ("secret", "access_token"):
        if field in data:
            value = str(data[field] or "")
            if len(value) > 500:
                raise InvalidInput(f"The {field.replace('_', ' ')} is too long (at most 500).", field=field)
            if value != value.strip():
                raise InvalidInput(
                    f"The {field.replace('_', ' ')} has leading or trailing spaces.", field=field
                )
            clean[field] = value
    if "api_url" in data:
        url = str(data["api_url"] or "").strip().rstrip("/") or GITHUB_API_URL
        if not url.startswith(("https://", "http://")) or len(url) > 300:
            raise InvalidInput(
                "The API URL must be an http(s) URL, e.g. https://api.github.com or "
                "https://github.example.org/api/v3.",
                field="api_url",
            )
        clean["api_url"] = url
    if "labels" in data:
        labels = data["labels"]
        if isinstance(labels, str):
            labels = [part for part in labels.replace("\n", ",").split(",")]
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            raise InvalidInput("Labels are a list of label names.", field="labels")
        labels = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
        if len(labels) > MAX_LABELS or any(len(label) > 100 for label in labels):
            raise InvalidInput(f"At most {MAX_LABELS} labels of at most 100 characters.", field="labels")
        clean["labels"] = labels
    for field in ("auto_resolve", "active"):
        if field in data:
            if not isinstance(data[field], bool):
                raise InvalidInput(f"{field} is true or false.", field=field)
            clean[field] = data[field]
    return clean


def integration_create(*, team: Team, data: dict[str, Any]) -> Integration:
    kind = data.get("kind")
    if kind not in Integration.Kind.values:
        raise InvalidInput(f"Choose the kind: one of {', '.join(Integration.Kind.values)}.", field="kind")
    if "name" not in data:
        raise InvalidInput("Give the integration a name (e.g. the repository).", field="name")
    clean = _clean(data, kind=kind)
    return Integration.objects.create(team=team, kind=kind, **clean)


def integration_update(*, integration: Integration, data: dict[str, Any]) -> Integration:
    if "kind" in data and data["kind"] != integration.kind:
        raise InvalidInput("The kind of an integration cannot change; create another one.", field="kind")
    clean = _clean({k: v for k, v in data.items() if k != "kind"}, kind=integration.kind)
    with transaction.atomic():
        locked = Integration.objects.select_for_update().get(pk=integration.pk)
        for field, value in clean.items():
            setattr(locked, field, value)
        locked.save()
    return locked


def integration_rotate(*, integration: Integration) -> Integration:
    """A new inbound URL; the old one answers 404 from now on."""
    Integration.objects.filter(pk=integration.pk).update(token=new_token())
    integration.refresh_from_db()
    return integration


def integration_delete(*, integration: Integration) -> None:
    integration.delete()
