"""Readable names for notification kinds in the inbox: the labels of supportops.notifications.NoticeKind
(kinds no longer sent, still in old rows, read as their code)."""

from django import template

from supportops.notifications import NoticeKind

register = template.Library()


@register.filter
def notice_label(kind: str) -> str:
    if kind in NoticeKind.values:
        return NoticeKind(kind).label
    return (kind or "").replace("_", " ").capitalize()
