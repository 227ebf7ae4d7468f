from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportops.notifications import register_email_filter, register_zone_source

        from .selectors import chosen_zones, muted_email_pairs

        register_email_filter(muted_email_pairs)
        register_zone_source(chosen_zones)
