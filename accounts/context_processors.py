"""What the header needs to know about the signed-in person."""

from django.http import HttpRequest

from shifts.models import Member


def menu(request: HttpRequest) -> dict:
    """`may_read_reports`: the Reports link only for those whom /reports/ answers with reports (managers of
    a team, superusers), not a 403 page. Loaded with the user by accounts.backends (no query here)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_superuser:
        return {"may_read_reports": True}
    manages = getattr(user, "manages_a_team", None)
    if manages is None:
        manages = Member.objects.filter(user=user, is_active=True, role=Member.Role.MANAGER).exists()
    return {"may_read_reports": manages}
