from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Manager reports (SPEC 3.8): pages, API and CSV over the other apps' rows. No models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
