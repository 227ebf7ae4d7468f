"""What the apps above shifts ask to be told about a team, without shifts importing them.

A small interface instead of an upward import: inquiries registers, in its AppConfig.ready(), the service
that recomputes response deadlines when a team's coverage changes; the teams service calls it inside the
same transaction as the change, so the deadlines never disagree with the calendar they come from."""

from collections.abc import Callable

from .models import Team

CoverageChanged = Callable[..., object]
_coverage_changed: list[CoverageChanged] = []


def on_coverage_changed(handler: CoverageChanged) -> CoverageChanged:
    """Register `handler(*, team)`; registering the same function twice keeps one."""
    if handler not in _coverage_changed:
        _coverage_changed.append(handler)
    return handler


def coverage_changed(*, team: Team) -> None:
    for handler in _coverage_changed:
        handler(team=team)
