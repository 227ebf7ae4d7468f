import logging

from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "observability"
    verbose_name = "Observability"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Python warnings would go to stderr as plain text: through logging they become JSON lines too.
        logging.captureWarnings(True)
