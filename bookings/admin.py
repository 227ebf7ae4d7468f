from django.contrib import admin

from .models import Booking, BookingEvent


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    readonly_fields = ["kind", "actor", "from_value", "to_value", "created_at"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "team", "host", "learner_name", "learner_email", "status", "minutes"]
    list_filter = ["status", "team"]
    search_fields = ["learner_name", "learner_email", "agenda"]
    raw_id_fields = ["host", "shift"]
    readonly_fields = ["manage_token", "sequence", "created_at", "updated_at"]
    inlines = [BookingEventInline]


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    list_display = ["booking", "kind", "actor", "from_value", "to_value", "created_at"]
    raw_id_fields = ["booking"]
