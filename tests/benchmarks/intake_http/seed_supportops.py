# Run by run.py through `manage.py shell -c` on the SupportOps bench database: the team "ads" covered
# around the clock, with one Primary on shift from an hour ago for a week (so every submission is assigned
# and notified, as in production during a shift). Idempotent.
import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from shifts.models import Member, Shift, Team

ALWAYS = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]
team, _ = Team.objects.update_or_create(
    slug="ads",
    defaults={
        "name": "Applied Data Science",
        "timezone": "Europe/Zurich",
        "coverage": ALWAYS,
        "reference_prefix": "ADS",
    },
)
user, _ = get_user_model().objects.get_or_create(
    username="pat", defaults={"email": "pat@example.org", "first_name": "Pat"}
)
member, _ = Member.objects.get_or_create(team=team, user=user, defaults={"percent_time": 100})
now = timezone.now()
if not Shift.objects.filter(
    team=team, role="primary", starts_at__lte=now, ends_at__gt=now + dt.timedelta(days=1)
).exists():
    Shift.objects.create(
        team=team,
        member=member,
        scheduled_member=member,
        role="primary",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
    )
