"""API tokens in the admin: never the key, only its first characters, and when it expires."""

from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .tokens import token_expires_at, token_prefix

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class MaskedTokenAdmin(TokenAdmin):
    list_display = ("key_prefix", "user", "created", "expires_at")
    fields = ("user",)

    @admin.display(description="Key")
    def key_prefix(self, token) -> str:
        return token_prefix(token.key)

    @admin.display(description="Expires")
    def expires_at(self, token):
        return token_expires_at(token)
