from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "Inquiries"

    def ready(self) -> None:
        from shifts import hooks

        from .deadlines import recompute_open_deadlines

        hooks.on_coverage_changed(recompute_open_deadlines)
