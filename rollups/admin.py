from django.contrib import admin

from .models import DayTopicFigures, DirtyDay, RolledDay, RolledWeek


class ReadOnly(admin.ModelAdmin):
    """Derived data: rebuilt by `manage.py rollups_rebuild`, never edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RolledDay)
class RolledDayAdmin(ReadOnly):
    list_display = ("team", "day", "settled_at", "computed_at")
    list_filter = ("team",)


@admin.register(RolledWeek)
class RolledWeekAdmin(ReadOnly):
    list_display = ("team", "week", "computed_at")
    list_filter = ("team",)


@admin.register(DayTopicFigures)
class DayTopicFiguresAdmin(ReadOnly):
    list_display = ("team", "day", "topic_id", "received", "responded", "within_target")
    list_filter = ("team",)


@admin.register(DirtyDay)
class DirtyDayAdmin(ReadOnly):
    list_display = ("team", "day", "marked_at")
