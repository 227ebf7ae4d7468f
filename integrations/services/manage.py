"""Managers' changes to a team's integrations: create, update, rotate the inbound URL, delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record
from shifts.models import Team, new_token
from supportops import outbound
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
        if url != GITHUB_API_URL:
            # A GitHub Enterprise address gets the same check as webhooks and mailboxes (SPEC 3.11): public,
            # or listed in OUTBOUND_ALLOWED_HOSTS; it is checked again at every send.
            try:
                outbound.check_url(url)
            except outbound.OutboundRefused as exc:
                raise InvalidInput(f"The API URL cannot be used: {exc}", field="api_url") from None
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


AUDITED = ("name", "kind", "api_url", "labels", "auto_resolve", "active")


def _audit(integration: Integration, *, actor, action: str, old=None, new=None) -> None:
    audit_record(actor=actor, team=integration.team, action=action, obj=integration, old=old, new=new)


def _shown(integration: Integration, fields) -> dict[str, Any]:
    # Secrets are recorded only as set/not set, never their value.
    shown = {field: getattr(integration, field) for field in AUDITED if field in fields}
    for field in ("secret", "access_token"):
        if field in fields:
            shown[f"{field}_set"] = bool(getattr(integration, field))
    return shown


def integration_create(*, team: Team, data: dict[str, Any], actor=None) -> Integration:
    kind = data.get("kind")
    if kind not in Integration.Kind.values:
        raise InvalidInput(f"Choose the kind: one of {', '.join(Integration.Kind.values)}.", field="kind")
    if "name" not in data:
        raise InvalidInput("Give the integration a name (e.g. the repository).", field="name")
    clean = _clean(data, kind=kind)
    with transaction.atomic():
        integration = Integration.objects.create(team=team, kind=kind, **clean)
        _audit(
            integration, actor=actor, action="integration.create", new=_shown(integration, {*clean, "kind"})
        )
    return integration


def integration_update(*, integration: Integration, data: dict[str, Any], actor=None) -> Integration:
    if "kind" in data and data["kind"] != integration.kind:
        raise InvalidInput("The kind of an integration cannot change; create another one.", field="kind")
    clean = _clean({k: v for k, v in data.items() if k != "kind"}, kind=integration.kind)
    with transaction.atomic():
        locked = Integration.objects.select_for_update().get(pk=integration.pk)
        before = _shown(locked, clean)
        for field, value in clean.items():
            setattr(locked, field, value)
        locked.save()
        after = _shown(locked, clean)
        changed = [key for key in after if after[key] != before.get(key)]
        changed += [
            f"{f}_set" for f in ("secret", "access_token") if f in clean and f"{f}_set" not in changed
        ]
        if changed:
            _audit(
                locked,
                actor=actor,
                action="integration.update",
                old={k: before.get(k) for k in changed},
                new={k: after.get(k) for k in changed},
            )
    return locked


def integration_rotate(*, integration: Integration, actor=None) -> Integration:
    """A new inbound URL; the old one answers 404 from now on."""
    with transaction.atomic():
        Integration.objects.filter(pk=integration.pk).update(token=new_token())
        integration.refresh_from_db()
        _audit(integration, actor=actor, action="integration.rotate", new={"url": "regenerated"})
    return integration


def integration_delete(*, integration: Integration, actor=None) -> None:
    with transaction.atomic():
        _audit(integration, actor=actor, action="integration.delete", old=_shown(integration, AUDITED))
        integration.delete()
