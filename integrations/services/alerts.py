"""Monitoring alerts -> one inquiry per open alert group on channel `alert` (SPEC 3.9).

Alertmanager (webhook version 4), Grafana alerting (same shape, plus title/message) and a generic
`{"title", "message", "severity"?, "dedup_key"?, "status"}` are read into one `AlertNotice`. A firing
group without an open inquiry opens one (assigned per the team's `alerts_to`); later notifications of the
group are events on that inquiry's timeline; the group resolving is an event, and resolves the inquiry
when nobody has responded and the integration's `auto_resolve` is on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from inquiries.models import Event, Inquiry
from inquiries.services import event_record, inquiry_create, inquiry_resolve
from supportops.errors import InvalidInput

from ..models import Delivery, Integration, Link
from ._result import Result

SEVERITY_PRIORITY = {
    "critical": Inquiry.Priority.CRITICAL,
    "error": Inquiry.Priority.HIGH,
    "warning": Inquiry.Priority.HIGH,
    "info": Inquiry.Priority.LOW,
}
SEVERITY_RANK = {"critical": 3, "error": 2, "warning": 2, "info": 0}
MAX_ALERTS_LISTED = 20
STATUSES = ("firing", "resolved")


@dataclass(frozen=True)
class AlertNotice:
    group_key: str
    status: str
    title: str
    severity: str
    text: str
    source_url: str


def severity_priority(severity: str) -> str:
    return SEVERITY_PRIORITY.get((severity or "").strip().lower(), Inquiry.Priority.NORMAL)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _url(value: Any) -> str:
    text = str(value or "").strip()
    return text if text.startswith(("http://", "https://")) and len(text) <= 500 else ""


def _status(value: Any) -> str:
    status = str(value or "").strip().lower()
    if status not in STATUSES:
        raise InvalidInput(f"status must be 'firing' or 'resolved', not {value!r}.", field="status")
    return status


def _group(payload: dict, kind: str) -> AlertNotice:
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not all(isinstance(alert, dict) for alert in alerts):
        raise InvalidInput("alerts must be a list of alert objects.", field="alerts")
    group_key = payload.get("groupKey")
    if not isinstance(group_key, str) or not group_key.strip():
        raise InvalidInput("groupKey is missing: is this an alerting webhook?", field="groupKey")
    if kind == Integration.Kind.ALERTMANAGER and str(payload.get("version", "4")) != "4":
        raise InvalidInput(
            f"Only Alertmanager webhook version 4 is understood, not {payload.get('version')!r}."
        )
    status = _status(payload.get("status"))
    labels, annotations = _dict(payload.get("commonLabels")), _dict(payload.get("commonAnnotations"))
    first = alerts[0] if alerts else {}
    first_labels, first_annotations = _dict(first.get("labels")), _dict(first.get("annotations"))
    title = (
        annotations.get("summary")
        or labels.get("alertname")
        or _dict(payload.get("groupLabels")).get("alertname")
        or first_annotations.get("summary")
        or first_labels.get("alertname")
        or payload.get("title")
        or "Alert"
    )
    severities = [str(_dict(a.get("labels")).get("severity") or "") for a in alerts]
    severity = str(
        labels.get("severity") or max(severities, key=lambda s: SEVERITY_RANK.get(s.lower(), 1), default="")
    )
    lines = []
    if kind == Integration.Kind.GRAFANA and payload.get("message"):
        lines.append(str(payload["message"]).strip())
    else:
        for alert in alerts[:MAX_ALERTS_LISTED]:
            alert_labels, alert_annotations = _dict(alert.get("labels")), _dict(alert.get("annotations"))
            summary = alert_annotations.get("summary") or alert_annotations.get("description") or ""
            shown = ", ".join(f"{k}={v}" for k, v in sorted(alert_labels.items()) if k != "alertname")
            lines.append(
                f"[{alert.get('status', status)}] {alert_labels.get('alertname', title)}"
                + (f": {summary}" if summary else "")
                + (f" ({shown})" if shown else "")
            )
        if len(alerts) > MAX_ALERTS_LISTED:
            lines.append(f"… and {len(alerts) - MAX_ALERTS_LISTED} more")
    if annotations.get("description"):
        lines.append(str(annotations["description"]))
    source = _url(payload.get("externalURL")) or _url(first.get("generatorURL"))
    if kind == Integration.Kind.GRAFANA:
        source = _url(first.get("panelURL")) or _url(first.get("dashboardURL")) or source
    if source:
        lines.append(source)
    return AlertNotice(
        group_key=group_key,
        status=status,
        title=str(title).strip()[:200] or "Alert",
        severity=severity,
        text="\n".join(str(line) for line in lines).strip()[:19_000] or str(title),
        source_url=source,
    )


def _generic(payload: dict) -> AlertNotice:
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidInput("title is required (a short summary of the alert).", field="title")
    message = payload.get("message", "")
    if not isinstance(message, str):
        raise InvalidInput("message must be text.", field="message")
    dedup = payload.get("dedup_key")
    if dedup is not None and not isinstance(dedup, str | int):
        raise InvalidInput("dedup_key must be text.", field="dedup_key")
    severity = payload.get("severity") or ""
    if not isinstance(severity, str):
        raise InvalidInput("severity must be text (critical, error, warning, info).", field="severity")
    return AlertNotice(
        group_key=str(dedup) if dedup not in (None, "") else title.strip(),
        status=_status(payload.get("status")),
        title=title.strip()[:200],
        severity=severity,
        text=(message.strip() or title.strip())[:19_000],
        source_url=_url(payload.get("url")),
    )


def alert_parse(*, kind: str, payload: dict) -> AlertNotice:
    """The notice in a delivery, or InvalidInput (400, nothing stored) naming what is wrong."""
    if kind == Integration.Kind.GENERIC:
        return _generic(payload)
    return _group(payload, kind)


def _key(group_key: str) -> str:
    # groupKeys can be long label matchers; the hash keeps the indexed column short.
    return "alert:" + hashlib.sha256(group_key.encode()).hexdigest()


def alert_handle(*, integration: Integration, notice: AlertNotice) -> Result:
    """Apply one notification; runs inside the delivery's transaction, under the integration's lock."""
    key = _key(notice.group_key)
    link = (
        Link.objects.filter(integration=integration, key=key, active=True)
        .select_related("inquiry__team")
        .first()
    )
    if notice.status == "firing":
        if link is None:
            team = integration.team
            inquiry = inquiry_create(
                team=team,
                subject=notice.title,
                body=notice.text,
                requester_name=integration.name[:120],
                requester_email="",
                channel=Inquiry.Channel.ALERT,
                priority=severity_priority(notice.severity),
                source_url=notice.source_url,
                assign_role=team.alerts_to,
            )
            Link.objects.create(integration=integration, inquiry=inquiry, kind=Link.Kind.ALERT_GROUP, key=key)
            return Result(Delivery.Outcome.CREATED, f"alert group opened {inquiry.reference}", inquiry)
        event_record(inquiry=link.inquiry, kind=Event.Kind.ALERT_FIRING, note=notice.text[:4000])
        return Result(Delivery.Outcome.UPDATED, f"still firing: {link.inquiry.reference}", link.inquiry)

    if link is None:
        return Result(Delivery.Outcome.IGNORED, "resolved, but no open inquiry for this alert group")
    Link.objects.filter(pk=link.pk).update(active=False)
    # Locked before the check: a member responding right now either lands first (no auto-resolve) or after.
    inquiry = Inquiry.objects.select_for_update().get(pk=link.inquiry_id)
    event_record(inquiry=inquiry, kind=Event.Kind.ALERT_RESOLVED, note=notice.text[:4000])
    if integration.auto_resolve and inquiry.status == Inquiry.Status.NEW and inquiry.responded_at is None:
        inquiry_resolve(inquiry=inquiry, actor=None, kind=Inquiry.ResolutionKind.OTHER, note="alert resolved")
        return Result(
            Delivery.Outcome.RESOLVED, f"alert resolved, {inquiry.reference} auto-resolved", inquiry
        )
    return Result(
        Delivery.Outcome.UPDATED, f"alert resolved; {inquiry.reference} left to its assignee", inquiry
    )
