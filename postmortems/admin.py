from django.contrib import admin

from .models import ActionItemReminder, Change, Milestone, Postmortem, Recommendation


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


class ChangeInline(admin.TabularInline):
    """The audit trail is written by the services only."""

    model = Change
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "from_value", "to_value", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Postmortem)
class PostmortemAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "status", "meeting_date", "created_at"]
    list_filter = ["team", "status"]
    filter_horizontal = ["inquiries"]
    inlines = [MilestoneInline, RecommendationInline, ChangeInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "at", "description"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "description", "owner", "due_date", "status"]
    list_filter = ["status"]


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The postmortem's history: read only."""

    list_display = ["postmortem", "kind", "actor", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ActionItemReminder)
class ActionItemReminderAdmin(admin.ModelAdmin):
    """Written by the sweep only: the "once a day" of overdue action-item reminders."""

    list_display = ["recommendation", "day", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
