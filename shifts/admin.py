from django import forms
from django.contrib import admin

from .models import (
    Absence,
    CalendarFeed,
    Member,
    Rotation,
    RotationMembership,
    Shift,
    ShiftEvent,
    ShiftReminder,
    Swap,
    Team,
    Topic,
    UnfilledSlot,
)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    raw_id_fields = ["user"]


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0


class TeamAdminForm(forms.ModelForm):
    """The mailbox password is never rendered back (not even masked in the HTML): the form shows
    whether one is set and offers a write-only field to replace it."""

    new_mail_password = forms.CharField(
        label="New mailbox password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the stored one. Use an app password.",
    )
    clear_mail_password = forms.BooleanField(label="Remove the stored mailbox password", required=False)

    class Meta:
        model = Team
        exclude = ["mail_password"]  # noqa: DJ006 - every field but the secret, also fields added later

    def save(self, commit: bool = True):
        team = super().save(commit=False)
        if self.cleaned_data.get("clear_mail_password"):
            team.mail_password = ""
        elif self.cleaned_data.get("new_mail_password"):
            team.mail_password = self.cleaned_data["new_mail_password"]
        if commit:
            team.save()
            self.save_m2m()
        return team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamAdminForm
    exclude = ["mail_password"]
    list_display = ["name", "slug", "timezone", "response_target_minutes", "response_guarantee_minutes"]
    search_fields = ["name", "slug"]
    readonly_fields = ["mail_password_status"]
    inlines = [MemberInline, TopicInline]

    @admin.display(description="Mailbox password")
    def mail_password_status(self, team: Team) -> str:
        return "set" if team.mail_password else "not set"


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "percent_time", "role", "is_active"]
    list_filter = ["team", "role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "team"]


class RotationMembershipInline(admin.TabularInline):
    model = RotationMembership
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "shift_length_minutes", "handoff_time", "starts_on", "scheduled_until"]
    inlines = [RotationMembershipInline]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "member", "starts_at", "ends_at", "source"]
    list_filter = ["team", "role", "source"]
    list_select_related = ["team", "member__user", "member__team"]
    raw_id_fields = ["member", "scheduled_member", "rotation"]
    date_hierarchy = "starts_at"


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["member", "starts_at", "ends_at", "reason"]
    list_select_related = ["member__user", "member__team"]


@admin.register(Swap)
class SwapAdmin(admin.ModelAdmin):
    list_display = ["team", "requester", "counterpart", "status", "created_at"]
    raw_id_fields = ["shift", "counterpart_shift", "requester", "counterpart"]


admin.site.register(Topic)
admin.site.register(CalendarFeed)
admin.site.register(ShiftReminder)


@admin.register(RotationMembership)
class RotationMembershipAdmin(admin.ModelAdmin):
    list_display = ["rotation", "member", "joined_at"]
    list_select_related = ["rotation__team", "member__user", "member__team"]


@admin.register(ShiftEvent)
class ShiftEventAdmin(admin.ModelAdmin):
    """The audit trail of shift changes: read only."""

    list_display = ["shift", "kind", "actor", "created_at"]
    list_select_related = ["shift__team", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UnfilledSlot)
class UnfilledSlotAdmin(admin.ModelAdmin):
    """Slots nobody could take, each told to the managers once: read only (re-planning keeps them)."""

    list_display = ["rotation", "starts_at", "ends_at", "notified_at"]
    list_select_related = ["rotation__team"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
