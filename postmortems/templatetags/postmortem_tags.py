from django import template

register = template.Library()

CHANGE_LABELS = {
    "created": "Created",
    "edited": "Edited",
    "status": "Status",
    "inquiry_linked": "Inquiry linked",
    "inquiry_unlinked": "Inquiry unlinked",
    "recommendation_added": "Recommendation added",
    "recommendation_removed": "Recommendation removed",
    "recommendation_status": "Recommendation status",
    "backlog_item_filed": "Added to backlog",
}


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours with one decimal: 90 → "1.5"."""
    return f"{(minutes or 0) / 60:.1f}"


@register.filter
def change_label(kind: str) -> str:
    return CHANGE_LABELS.get(kind, kind.replace("_", " ").capitalize())


@register.filter
def markdown(text: str | None):
    """Postmortem text as sanitized HTML (the one Markdown path: postmortems.agenda)."""
    from django.utils.safestring import mark_safe

    from ..agenda import markdown_to_safe_html

    return mark_safe(markdown_to_safe_html(text or "")) if text else "—"
