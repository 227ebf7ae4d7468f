"""Demo data for `make run`: three teams, realistic members, a rotation and inquiries in every state.

Idempotent: a team that already exists is left alone (its schedule is only extended)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from shifts.models import Member, Team, Topic

User = get_user_model()
DEMO_PASSWORD = "demo-pass-2026"

LUNCH_BREAK_WEEK = [
    window
    for day in range(5)
    for window in (
        {"weekday": day, "start": "09:00", "end": "12:00"},
        {"weekday": day, "start": "13:00", "end": "17:00"},
    )
]

TEAMS = [
    {
        "slug": "ads",
        "name": "Applied Data Science (online course)",
        "reference_prefix": "ADS",
        "timezone": "Europe/Zurich",
        "coverage": LUNCH_BREAK_WEEK,
        "holiday_country": "CH",
        "holiday_subdivision": "ZH",
        "topics": [
            "Module 1: Python basics",
            "Module 2: pandas",
            "Module 3: Machine learning",
            "Grading",
            "Platform",
        ],
        "members": [
            ("maria", "Maria Keller", "manager", 80),
            ("pat", "Pat Morgan", "developer", 100),
            ("tom", "Tom Weber", "developer", 50),
            ("lena", "Lena Rossi", "developer", 60),
            ("sam", "Sam Okafor", "developer", 100),
        ],
    },
    {
        "slug": "pyfit",
        "name": "PyFit scientific software",
        "reference_prefix": "FIT",
        "timezone": "America/New_York",
        "coverage": [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(3)],
        "holiday_country": "US",
        "holiday_subdivision": "",
        "topics": ["Installation", "Fitting API", "Plotting", "Performance"],
        "members": [
            ("grace", "Grace Hopper", "manager", 50),
            ("ken", "Ken Thompson", "developer", 100),
            ("ada", "Ada Lovelace", "developer", 40),
            ("linus", "Linus Berg", "developer", 80),
        ],
    },
    {
        "slug": "lse",
        "name": "Learner Support Engineering",
        "reference_prefix": "LSE",
        "timezone": "UTC",
        "coverage": [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(5)],
        "holiday_country": "",
        "holiday_subdivision": "",
        "topics": ["Login", "Video player", "Certificates", "Payments"],
        "members": [
            ("maria", "Maria Keller", "manager", 20),
            ("ines", "Ines Duarte", "developer", 100),
            ("omar", "Omar Haddad", "developer", 100),
            ("pat", "Pat Morgan", "developer", 20),
        ],
    },
]


class Command(BaseCommand):
    help = "Load demo teams, members, rotations and inquiries (idempotent)."

    def handle(self, *args, **options) -> None:
        self._admin()
        for spec in TEAMS:
            with transaction.atomic():
                team, created = self._team(spec)
            self.stdout.write(f"{'created' if created else 'kept'} team {team.slug}")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        self.stdout.write("  admin (superuser, /admin/)")
        for spec in TEAMS:
            people = ", ".join(f"{u} ({role}, {pct}%)" for u, _, role, pct in spec["members"])
            self.stdout.write(f"  {spec['slug']}: {people}")

    def _admin(self) -> None:
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD)

    def _user(self, username: str, full_name: str):
        first, _, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "first_name": first, "last_name": last},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _team(self, spec: dict) -> tuple[Team, bool]:
        team = Team.objects.filter(slug=spec["slug"]).first()
        if team is not None:
            return team, False
        fields = {k: v for k, v in spec.items() if k not in ("members", "topics")}
        team = Team.objects.create(**fields)
        Topic.objects.bulk_create([Topic(team=team, name=name) for name in spec["topics"]])
        for username, full_name, role, pct in spec["members"]:
            Member.objects.create(
                team=team, user=self._user(username, full_name), role=role, percent_time=pct
            )
        return team, True
