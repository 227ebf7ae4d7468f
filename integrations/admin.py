from django.contrib import admin

from .models import Delivery, Integration, Link


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "team", "active", "last_received_at"]
    list_filter = ["kind", "active", "team"]
    # The token is a credential, the secret and access token are write-only: never shown here.
    exclude = ["token", "secret", "access_token"]
    readonly_fields = ["last_received_at", "last_error", "last_error_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "integration", "event", "outcome", "received_at"]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "integration", "kind", "active", "author_login"]
    list_filter = ["kind", "active"]
    raw_id_fields = ["inquiry"]
