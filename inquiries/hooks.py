"""What the apps above inquiries do when an inquiry changes, without inquiries importing them.

Registered in each app's AppConfig.ready() (postmortems: a draft postmortem for a serious inquiry that is
resolved; integrations: a reply to an inquiry from GitHub goes back as a comment; notices: an inquiry's
emails are deleted with it). The transition services
call them inside their transaction, after the change and before the commit, so what a handler writes
commits or rolls back with the change (their own outside effects are queued with on_commit)."""

from collections.abc import Callable

from .models import Inquiry

Handler = Callable[..., object]
_serious_resolved: list[Handler] = []
_public_reply: list[Handler] = []


def _register(handlers: list[Handler], handler: Handler) -> Handler:
    if handler not in handlers:
        handlers.append(handler)
    return handler


def on_serious_resolved(handler: Handler) -> Handler:
    """`handler(*, inquiry, actor)` when an inquiry marked serious is resolved."""
    return _register(_serious_resolved, handler)


def on_public_reply(handler: Handler) -> Handler:
    """`handler(*, inquiry, body, author)` for every public reply to the requester."""
    return _register(_public_reply, handler)


def serious_resolved(*, inquiry: Inquiry, actor) -> None:
    for handler in _serious_resolved:
        handler(inquiry=inquiry, actor=actor)


def public_reply(*, inquiry: Inquiry, body: str, author: str) -> None:
    for handler in _public_reply:
        handler(inquiry=inquiry, body=body, author=author)


_deleting: list[Handler] = []


def on_deleting(handler: Handler) -> Handler:
    """`handler(*, inquiries)` with a queryset of inquiries about to be deleted (by the admin)."""
    return _register(_deleting, handler)


def deleting(*, inquiries) -> None:
    for handler in _deleting:
        handler(inquiries=inquiries)


_sla_sweeps: dict[str, Handler] = {}


def on_sla_sweep(kind: str, handler: Handler) -> Handler:
    """`handler(*, now) -> int` runs with every SLA sweep; its count is reported under `kind`."""
    _sla_sweeps[kind] = handler
    return handler


def sla_sweep_extras(*, now) -> dict[str, int]:
    return {kind: handler(now=now) for kind, handler in _sla_sweeps.items()}
