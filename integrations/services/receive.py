"""An inbound delivery at /hooks/<token>/: authenticate, parse, record once, act (SPEC 3.9).

Refused deliveries (unknown token, bad signature, malformed JSON, a shape we cannot read) store nothing
but the integration's `last_error`. An accepted one is handled in one transaction with its `Delivery`
row, under the integration's row lock: two deliveries of one integration never race to open the same
inquiry, and the unique (integration, delivery_id) makes a redelivery a no-op. An unexpected failure
rolls that back, records a `failed` delivery for the managers and answers 202, never a 500; a
redelivery of a failed one is processed again."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from supportops.errors import DomainError, InvalidInput

from ..models import Delivery, Integration
from . import alerts, github
from ._result import Result

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
KEPT_HEADERS = ("content-type", "content-length", "user-agent", "idempotency-key", "x-request-id")


@dataclass
class HookAnswer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def _kept_headers(headers: dict[str, str]) -> dict[str, str]:
    """Headers worth keeping for debugging; never Authorization."""
    kept = {}
    for name, value in headers.items():
        lower = name.lower()
        if (
            lower in KEPT_HEADERS
            or lower.startswith(("x-github-", "x-grafana-"))
            or lower == "x-hub-signature-256"
        ):
            kept[name] = str(value)[:300]
    return kept


def _header(headers: dict[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _refuse(integration: Integration, status: int, message: str) -> HookAnswer:
    Integration.objects.filter(pk=integration.pk).update(
        last_error=f"Refused a delivery ({status}): {message}"[:2000], last_error_at=timezone.now()
    )
    return HookAnswer(status, {"detail": message})


def _check_credentials(integration: Integration, headers: dict[str, str], body: bytes) -> HookAnswer | None:
    if not integration.secret:
        return None
    if integration.kind == Integration.Kind.GITHUB:
        signature = _header(headers, "X-Hub-Signature-256")
        if not signature:
            return _refuse(integration, 401, "Missing X-Hub-Signature-256: this webhook has a secret.")
        expected = "sha256=" + hmac.new(integration.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
            return _refuse(integration, 403, "X-Hub-Signature-256 does not match the secret.")
        return None
    # Alertmanager (http_config.authorization), Grafana (contact point "Authorization header") and generic
    # senders present the secret as a bearer credential.
    authorization = _header(headers, "Authorization")
    if not authorization:
        return _refuse(
            integration, 401, "Missing Authorization: Bearer <secret>: this integration has a secret."
        )
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credentials.strip().encode(), integration.secret.encode()
    ):
        return _refuse(integration, 403, "The Authorization credentials do not match the secret.")
    return None


def _delivery_id(integration: Integration, headers: dict[str, str]) -> str:
    for name in ("X-GitHub-Delivery", "Idempotency-Key", "X-Request-Id"):
        value = _header(headers, name).strip()
        if value:
            return value[:100]
    # No id from the sender (Alertmanager sends none): every delivery is new; the alert group dedupes.
    return f"auto-{uuid.uuid4().hex}"


def delivery_receive(*, token: str, headers: dict[str, str], body: bytes) -> HookAnswer:
    integration = Integration.objects.filter(token=token, active=True).select_related("team").first()
    if integration is None:
        return HookAnswer(404, {"detail": "No active integration at this URL."})
    if len(body) > MAX_BODY_BYTES:
        return _refuse(integration, 413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    refused = _check_credentials(integration, headers, body)
    if refused is not None:
        return refused
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _refuse(integration, 400, f"Malformed JSON ({exc}); send the content type application/json.")
    if not isinstance(payload, dict):
        return _refuse(integration, 400, "The body must be a JSON object.")

    if integration.kind == Integration.Kind.GITHUB:
        event = _header(headers, "X-GitHub-Event").strip()[:60]
        if not event:
            return _refuse(integration, 400, "Missing X-GitHub-Event header.")
        handle = lambda locked: github.github_handle(integration=locked, event=event, payload=payload)  # noqa: E731
    else:
        try:
            notice = alerts.alert_parse(kind=integration.kind, payload=payload)
        except InvalidInput as exc:
            return _refuse(integration, 400, exc.message)
        event = f"{integration.kind}:{notice.status}"
        handle = lambda locked: alerts.alert_handle(integration=locked, notice=notice)  # noqa: E731

    delivery_id = _delivery_id(integration, headers)
    record = {
        "event": event,
        "headers": _kept_headers(headers),
        "body": body.decode("utf-8", errors="replace")[: Delivery.BODY_LIMIT],
    }
    try:
        with transaction.atomic():
            locked = Integration.objects.select_for_update().select_related("team").get(pk=integration.pk)
            seen = Delivery.objects.filter(integration=locked, delivery_id=delivery_id).first()
            if seen is not None and seen.outcome != Delivery.Outcome.FAILED:
                return HookAnswer(200, {"status": "duplicate", "delivery": delivery_id})
            result: Result = handle(locked)
            Delivery.objects.update_or_create(
                integration=locked,
                delivery_id=delivery_id,
                defaults={
                    **record,
                    "outcome": result.outcome,
                    "detail": result.detail,
                    "inquiry": result.inquiry,
                    "status_code": 201 if result.outcome == Delivery.Outcome.CREATED else 200,
                },
            )
            Integration.objects.filter(pk=locked.pk).update(last_received_at=timezone.now())
    except DomainError as exc:
        # The delivery was readable but cannot be applied as it stands (e.g. an illegal transition).
        return _failed(integration, delivery_id, record, exc.message, status=422)
    except Exception as exc:  # noqa: BLE001 - a delivery must never answer 500; it is recorded instead.
        logger.exception("integration delivery failed", extra={"integration": integration.pk})
        return _failed(integration, delivery_id, record, f"{type(exc).__name__}: {exc}", status=202)
    answer: dict[str, Any] = {"status": result.outcome, "detail": result.detail, "delivery": delivery_id}
    if result.inquiry is not None:
        answer["inquiry"] = result.inquiry.reference
    return HookAnswer(201 if result.outcome == Delivery.Outcome.CREATED else 200, answer)


def _failed(
    integration: Integration, delivery_id: str, record: dict, error: str, *, status: int
) -> HookAnswer:
    now = timezone.now()
    Delivery.objects.update_or_create(
        integration=integration,
        delivery_id=delivery_id,
        defaults={
            **record,
            "outcome": Delivery.Outcome.FAILED,
            "detail": error[:2000],
            "status_code": status,
            "inquiry": None,
        },
    )
    Integration.objects.filter(pk=integration.pk).update(
        last_received_at=now, last_error=error[:2000], last_error_at=now
    )
    return HookAnswer(status, {"status": "failed", "detail": error, "delivery": delivery_id})
