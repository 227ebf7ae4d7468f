from collections.abc import Callable

from django.contrib import admin

from . import hooks
from .models import (
    CannedReply,
    EffortLog,
    Escalation,
    Event,
    Handoff,
    Improvement,
    InboundEmail,
    Inquiry,
    Message,
    SavedView,
    SlaNotice,
)

# Admin actions of the apps above inquiries on the inquiries' list (security: erase requesters), registered
# from their own admin modules, so inquiries names none of them.
_actions_from_above: list[Callable] = []


def add_inquiry_action(action: Callable) -> Callable:
    """Offer `action` (an `@admin.action` function) on the inquiries' admin list."""
    if action not in _actions_from_above:
        _actions_from_above.append(action)
    return action


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    raw_id_fields = ["author"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    readonly_fields = ["kind", "actor", "from_value", "to_value", "note", "created_at"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "team", "subject", "status", "assignee", "received_at", "response_due_at"]
    list_filter = ["team", "status", "channel", "priority", "serious"]
    search_fields = ["reference", "subject", "requester_email", "requester_name"]
    list_select_related = ["team", "assignee__user", "assignee__team"]
    raw_id_fields = ["assignee", "known_issue", "topic", "created_by"]
    readonly_fields = ["tracking_token", "number", "reference"]
    inlines = [MessageInline, EventInline]
    date_hierarchy = "received_at"

    @property
    def actions(self) -> list[Callable]:
        return list(_actions_from_above)

    # Whatever the apps above keep about an inquiry and must not outlive it (notices: its emails) goes
    # first (inquiries.hooks.on_deleting).
    def delete_model(self, request, obj) -> None:
        hooks.deleting(inquiries=Inquiry.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        hooks.deleting(inquiries=queryset)
        super().delete_queryset(request, queryset)


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "member", "status", "created_at"]
    raw_id_fields = ["inquiry", "member"]


@admin.register(EffortLog)
class EffortLogAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "member", "minutes", "created_at"]
    raw_id_fields = ["inquiry", "member"]


@admin.register(Improvement)
class ImprovementAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "kind", "estimate_hours", "status"]
    list_filter = ["team", "kind", "status"]
    raw_id_fields = ["source_inquiry"]


@admin.register(SlaNotice)
class SlaNoticeAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "kind", "deadline", "created_at"]
    raw_id_fields = ["inquiry"]


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = ["team", "boundary", "outgoing", "incoming", "moved_count", "kept_count", "uncovered"]


admin.site.register(Message)
admin.site.register(Event)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["team", "message_id", "from_address", "subject", "outcome", "inquiry", "received_at"]
    list_filter = ["team", "outcome"]
    search_fields = ["message_id", "from_address", "subject"]
    raw_id_fields = ["inquiry"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["team", "title", "created_at"]
    list_filter = ["team"]
    search_fields = ["title", "body"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "query", "created_at"]
    search_fields = ["user__username", "name"]
