from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for_team(*, team) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(team=team).order_by("-at", "-id")
