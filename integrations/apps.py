from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from notices.delivery import register_sender
        from notices.models import OutboundMessage

        from .github_api import send_comment

        # GitHub comments leave through the same outbox as emails and webhooks (claimed, retried).
        register_sender(OutboundMessage.Channel.GITHUB, send_comment)

        from inquiries import hooks

        from .services.github import github_reply_as_comment

        hooks.on_public_reply(github_reply_as_comment)
