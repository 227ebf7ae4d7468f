"""Recompute the stored report figures of every team (or `--team slug`) from the raw rows."""

from django.core.management.base import BaseCommand, CommandError

from rollups.services import rollups_rebuild
from shifts.models import Team


class Command(BaseCommand):
    help = "Rebuild the daily report rollups from the inquiries (after a restore, or a calendar change)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--team", help="Only this team (slug)")

    def handle(self, *args, team: str | None = None, **options) -> None:
        teams = Team.objects.order_by("slug")
        if team:
            teams = teams.filter(slug=team)
            if not teams.exists():
                raise CommandError(f"No team {team!r}.")
        for each in teams:
            days = rollups_rebuild(team=each)
            self.stdout.write(f"{each.slug}: {days} days")
