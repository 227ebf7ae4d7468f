"""API tokens in the admin: never the key, only its first characters, and when it expires."""

from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from inquiries.admin import add_inquiry_action

from .models import ApiToken
from .tokens import token_expires_at, token_prefix

admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class MaskedTokenAdmin(TokenAdmin):
    list_display = ("key_prefix", "user", "created", "expires_at")
    # A list only: the change, history and delete pages are addressed by the key itself (its primary key).
    list_display_links = None
    fields = ("user",)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_view_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Key")
    def key_prefix(self, token) -> str:
        return token_prefix(token.key)

    @admin.display(description="Expires")
    def expires_at(self, token):
        return token_expires_at(token)


@add_inquiry_action
@admin.action(description="Erase these requesters (every inquiry of their addresses, all teams)")
def erase_requesters(modeladmin, request, queryset) -> None:
    from shifts.models import Team

    from .erasure import requester_erase

    emails = sorted({e.lower() for e in queryset.values_list("requester_email", flat=True)})
    teams = list(Team.objects.all())
    total = sum(requester_erase(email=e, teams=teams, actor=request.user)["inquiries"] for e in emails)
    modeladmin.message_user(request, f"Erased {len(emails)} requester(s) from {total} inquiries.")
