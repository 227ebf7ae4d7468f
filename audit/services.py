"""Writing the audit log. Called by the services that change what is audited, inside their transaction."""

from typing import Any
from urllib.parse import urlsplit

from django.db import models

from .models import AuditEntry

MASK = "••••••"
# Keys whose values are credentials: only whether one is set is recorded.
SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey", "private_key", "credential")


def _mask_url(value: Any) -> Any:
    """A webhook URL is itself a credential (Slack, Teams): keep only scheme and host."""
    if not value or not isinstance(value, str):
        return value
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.hostname or ''}/{MASK}" if parts.scheme else MASK


def mask(values: dict[str, Any] | None) -> dict[str, Any]:
    """A copy safe to store and show: secrets replaced, webhook URLs cut to their host."""
    safe: dict[str, Any] = {}
    for key, value in (values or {}).items():
        lowered = key.lower()
        if lowered == "token":
            # A token is recorded by its first characters only, enough to tell two apart.
            safe[key] = f"{str(value)[:6]}…" if value else ""
        elif any(word in lowered for word in SECRET_WORDS):
            safe[key] = MASK if value else ""
        elif "webhook" in lowered:
            safe[key] = _mask_url(value)
        elif lowered.endswith("_url") and isinstance(value, str) and value:
            # Other links may carry a credential in their query (a meeting password): drop it.
            parts = urlsplit(value)
            safe[key] = f"{parts.scheme}://{parts.hostname or ''}{parts.path}" if parts.scheme else value
        elif isinstance(value, dict):
            safe[key] = mask(value)
        else:
            safe[key] = _jsonable(value)
    return safe


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(old, new) of the keys whose value differs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def audit_record(
    *,
    actor,
    team,
    action: str,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEntry:
    """One audit row; `old` and `new` pass through `mask` first."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        team=team,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        old=mask(old),
        new=mask(new),
    )
