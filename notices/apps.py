from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from inquiries import hooks
        from supportops.notifications import register_backend

        from . import services

        register_backend(services)
        hooks.on_deleting(services.outbound_delete_for_inquiries)
