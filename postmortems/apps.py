from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = "Postmortems"

    def ready(self) -> None:
        from inquiries import hooks

        from .services.create import postmortem_draft_for_resolved
        from .services.reminders import action_items_sweep

        hooks.on_serious_resolved(postmortem_draft_for_resolved)
        hooks.on_sla_sweep("action_item_overdue", action_items_sweep)
