"""`manage.py sweep`: what beat triggers, once, by hand: handoffs, SLA notices, outbox delivery."""

from django.core.management.base import BaseCommand

from inquiries.handoff import handoff_sweep
from inquiries.sla import sla_sweep
from notices.delivery import deliver_pending


class Command(BaseCommand):
    help = "Run one shift-end handoff sweep, one SLA sweep and one outbox delivery pass; print the counts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-delivery", action="store_true", help="Leave the outbox to the workers.")

    def handle(self, *args, no_delivery: bool = False, **options) -> None:
        # Handoffs first, so that overdue notices go to whoever holds the inquiry now.
        for name, counts in (("handoff", handoff_sweep()), ("sla", sla_sweep())):
            self.stdout.write(f"{name}: " + ", ".join(f"{key}={value}" for key, value in counts.items()))
        if not no_delivery:
            counts = deliver_pending()
            self.stdout.write("outbox: " + ", ".join(f"{key}={value}" for key, value in counts.items()))
