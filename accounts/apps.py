from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportops.notifications import register_preferences

        from .selectors import notice_preferences

        register_preferences(notice_preferences)
