from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportops.notifications import register_email_filter

        from .selectors import muted_email_pairs

        register_email_filter(muted_email_pairs)
