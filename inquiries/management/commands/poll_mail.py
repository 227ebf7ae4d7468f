"""`manage.py poll_mail [--team slug]`: what beat triggers every MAIL_POLL_SECONDS, once, by hand."""

from django.core.management.base import BaseCommand, CommandError

from inquiries.mail_intake import mailbox_poll, mailboxes_poll
from shifts.models import Team


class Command(BaseCommand):
    help = "Poll the enabled team mailboxes (or one team's) once; print the counts per team."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--team", help="Slug of one team to poll (even if its polling is disabled).")

    def handle(self, *args, team: str | None = None, **options) -> None:
        if team:
            found = Team.objects.filter(slug=team).first()
            if found is None:
                raise CommandError(f"No team {team!r}.")
            if not found.mail_host:
                raise CommandError(f"{found.name} has no mailbox configured.")
            results = {found.slug: mailbox_poll(team=found)}
        else:
            results = mailboxes_poll()
        if not results:
            self.stdout.write("no team has email polling enabled")
        for slug, counts in results.items():
            shown = ", ".join(f"{key}={value}" for key, value in counts.items() if value)
            self.stdout.write(f"{slug}: {shown or 'nothing new'}")
            error = Team.objects.filter(slug=slug).values_list("mail_last_poll_error", flat=True).first()
            if error:
                self.stderr.write(f"{slug}: {error}")
