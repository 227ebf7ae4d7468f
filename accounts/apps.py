from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportops.notifications import register_preference_join, register_preferences

        from .selectors import PROFILE_JOIN, notice_preferences

        register_preferences(notice_preferences)
        register_preference_join(PROFILE_JOIN)
