from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "Inquiries"

    def ready(self) -> None:
        from shifts import hooks
        from supportops.mail import register_thread_source

        from .deadlines import recompute_open_deadlines
        from .mail_threads import inbound_message_ids

        hooks.on_coverage_changed(recompute_open_deadlines)
        register_thread_source(inbound_message_ids)
