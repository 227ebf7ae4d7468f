"""Demo data for `make run`: three teams, realistic members, a rotation and inquiries in every state.

Idempotent: a team that already exists is left alone (its schedule is only extended)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from inquiries import services as inquiries
from inquiries.models import Inquiry
from postmortems import services as postmortems
from shifts import services as shifts
from shifts.business_time import BusinessCalendar
from shifts.models import Member, Rotation, Shift, Team, Topic
from shifts.scheduler import Candidate, Slot, assign, slots_for_rotation
from shifts.services.rotations import planned_shift

from ._demo_history import seed_history

User = get_user_model()
DEMO_PASSWORD = "demo-pass-2026"
HISTORY_DAYS = 42

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
        # One-to-one sessions (SPEC 3.10): 30 minutes a learner a week, in 15-minute sessions.
        "session_minutes_per_week": 30,
        "session_length_minutes": 15,
        "session_video_url": "https://meet.example.org/ads-office-hours",
        "rotations": [("primary", 24 * 60, "09:00"), ("secondary", 24 * 60, "09:00")],
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
        "rotations": [("primary", 7 * 24 * 60, "09:00")],
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
        "rotations": [("primary", 4 * 60, "08:00")],
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
                self._rotations(team, spec)
                if created:
                    self._absences(team)
                    self._inquiries(team)
                    if team.session_minutes_per_week:
                        self._sessions(team)
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
        fields = {k: v for k, v in spec.items() if k not in ("members", "topics", "rotations")}
        team = Team.objects.create(**fields)
        Topic.objects.bulk_create([Topic(team=team, name=name) for name in spec["topics"]])
        for username, full_name, role, pct in spec["members"]:
            Member.objects.create(
                team=team, user=self._user(username, full_name), role=role, percent_time=pct
            )
        return team, True

    def _sessions(self, team: Team) -> None:
        """A few learners booked ahead (through the real service), and some past sessions recorded."""
        from bookings import services as booking_services
        from bookings.models import Booking
        from bookings.slots import free_slots

        learners = [
            ("Lea Learner", "lea@example.net"),
            ("Max Muster", "max@example.net"),
            ("Ana Silva", "ana@example.net"),
        ]
        slots = free_slots(team=team)
        for (name, email), slot in zip(learners, slots[2::9], strict=False):
            booking_services.booking_create(
                team=team,
                name=name,
                email=email,
                starts_at=slot.starts_at,
                agenda="My notebook will not load the data.",
            )
        now = timezone.now()
        past = Shift.objects.filter(team=team, role=Rotation.Role.PRIMARY, ends_at__lt=now).order_by(
            "-starts_at"
        )
        for n, shift in enumerate(past[:6]):
            start = shift.starts_at + dt.timedelta(hours=2)
            held = n % 3 != 2
            name, email = learners[n % len(learners)]
            Booking.objects.create(
                team=team, host=shift.member, shift=shift, learner_name=name, learner_email=email,
                learner_key=email, agenda="Questions about the exercise.", starts_at=start,
                ends_at=start + dt.timedelta(minutes=team.session_length_minutes),
                status=Booking.Status.HELD if held else Booking.Status.NO_SHOW, minutes=20 if held else None,
            )  # fmt: skip

    def _manager(self, team: Team) -> Member:
        return team.members.filter(role=Member.Role.MANAGER).select_related("user").first()

    def _rotations(self, team: Team, spec: dict) -> None:
        """Rotations that began six weeks ago, with their history; each run plans them to the team's
        horizon."""
        today = timezone.localdate()
        manager = self._manager(team)
        developers = list(
            team.members.filter(role=Member.Role.DEVELOPER, is_active=True).values_list("pk", flat=True)
        )
        for role, length, handoff in spec["rotations"]:
            rotation = Rotation.objects.filter(team=team, role=role).first()
            if rotation is None:
                rotation = shifts.rotation_create(
                    team=team,
                    actor=manager.user,
                    role=role,
                    shift_length_minutes=length,
                    handoff_time=dt.time.fromisoformat(handoff),
                    starts_on=today - dt.timedelta(days=HISTORY_DAYS),
                    members=developers,
                )
                self._history(rotation)
            # Planned to the horizon beat keeps (not a shorter stretch that beat would only extend 15
            # minutes after `make run`, with a "planned less than the horizon" warning until then).
            shifts.rotation_schedule(rotation=rotation, until=team.planning_horizon(), actor=manager.user)

    def _history(self, rotation: Rotation) -> None:
        """The shifts the team served before it used SupportOps, made by the same fair rule.

        The scheduler only plans from now on (the past is what happened), so the demo's history is built
        here: the pure scheduler over the past slots, written as the rows an import would leave."""
        team = rotation.team
        began = dt.datetime.combine(rotation.starts_on, rotation.handoff_time, tzinfo=ZoneInfo(team.timezone))
        rotation.memberships.update(joined_at=began)
        now = timezone.now()
        slots = [
            Slot(start, end)
            for start, end in slots_for_rotation(
                calendar=BusinessCalendar.for_team(team),
                starts_on=rotation.starts_on,
                handoff_time=rotation.handoff_time,
                shift_length_minutes=rotation.shift_length_minutes,
                until=timezone.localdate(),
            )
            if start <= now
        ]
        busy: dict[int, list] = {}
        for member_id, start, end in Shift.objects.filter(team=team).values_list(
            "member_id", "starts_at", "ends_at"
        ):
            busy.setdefault(member_id, []).append((start, end))
        candidates = [Candidate(m.pk, m.percent_time) for m in rotation.members.all()]
        assignments, _ = assign(slots=slots, candidates=candidates, busy=busy)
        Shift.objects.bulk_create(planned_shift(rotation, a) for a in assignments if a.member is not None)

    def _absences(self, team: Team) -> None:
        member = team.members.filter(role=Member.Role.DEVELOPER).select_related("user").order_by("pk")[1]
        start = timezone.now() + dt.timedelta(days=7)
        shifts.absence_create(
            member=member,
            starts_at=start,
            ends_at=start + dt.timedelta(days=5),
            actor=member.user,
            reason="vacation",
            note="Family visit",
        )

    def _inquiries(self, team: Team) -> None:
        """Inquiries in every state: history imported with its original times, and fresh web questions."""
        now = timezone.now()
        topics = {topic.name: topic for topic in team.topics.all()}
        manager = self._manager(team)
        seed_history(team, days=HISTORY_DAYS)
        for subject, body, name, hours_ago, fate, topic_name in STORY.get(team.slug, []):
            channel = Inquiry.Channel.IMPORT if hours_ago else Inquiry.Channel.WEB
            received_at = now - dt.timedelta(hours=hours_ago) if hours_ago else None
            # History from the old tool: the first response happened then, not now (reports use it).
            history = (
                {"responded_at": received_at + dt.timedelta(minutes=50)}
                if hours_ago and fate not in ("new", "escalated")
                else None
            )
            inquiry = inquiries.inquiry_create(
                team=team,
                subject=subject,
                body=body,
                requester_name=name,
                requester_email=name.split()[0].lower() + "@learners.example.org",
                channel=channel,
                topic=topics.get(topic_name),
                actor=manager.user if hours_ago else None,
                received_at=received_at,
                history=history,
            )
            self._play(inquiry, fate, manager)

    def _play(self, inquiry: Inquiry, fate: str, manager: Member) -> None:
        actor = inquiry.assignee.user if inquiry.assignee else manager.user
        if fate == "new":
            return
        if fate == "serious":
            inquiries.inquiry_update_triage(
                inquiry=inquiry, actor=actor, data={"serious": True, "priority": "critical"}
            )
        minutes = {"serious": 180, "escalated": 40, "promoted": 60}.get(fate, 15)
        inquiries.effort_log(inquiry=inquiry, actor=actor, minutes=minutes, note="Reproduced locally")
        if fate == "escalated":
            other = inquiry.team.members.exclude(user=actor).filter(role=Member.Role.DEVELOPER).first()
            inquiries.inquiry_escalate(
                inquiry=inquiry,
                actor=actor,
                member=other,
                reason="You wrote this part: can you confirm the cause?",
            )
            return
        if inquiry.responded_at is None:
            inquiries.inquiry_respond(
                inquiry=inquiry,
                actor=actor,
                body="Thanks for writing in! I am looking into this and will get back to you today.",
            )
        if fate == "responded":
            inquiries.inquiry_add_note(inquiry=inquiry, actor=actor, body="Probably the known cache issue.")
            return
        if fate == "waiting":
            inquiries.inquiry_wait(inquiry=inquiry, actor=actor)
            return
        kind, url = {
            "resolved": ("answered", ""),
            "promoted": ("promoted", "https://github.com/example/product/issues/42"),
            "documentation": ("documentation", ""),
            "serious": ("workaround", ""),
        }[fate]
        inquiries.inquiry_resolve(
            inquiry=inquiry,
            actor=actor,
            kind=kind,
            product_issue_url=url,
            note="Explained the steps; added to the FAQ draft.",
            reply="This should be fixed now: please try again and tell us if anything is still off.",
        )
        if fate == "promoted":
            inquiries.improvement_create(
                team=inquiry.team,
                actor=actor,
                title=f"Fix the root cause of {inquiry.reference}",
                kind="product_issue",
                url=url,
                source_inquiry=inquiry,
            )
        if fate == "serious":
            self._postmortem(inquiry, actor, manager)
        if fate == "documentation":
            inquiries.improvement_create(
                team=inquiry.team,
                actor=actor,
                title="Screencast: setting up the environment",
                kind="low_hanging_fruit",
                estimate_hours=2,
                source_inquiry=inquiry,
            )

    def _postmortem(self, inquiry: Inquiry, actor, manager: Member) -> None:
        """Resolving the serious inquiry drafted a postmortem; fill it in and put it up for review."""
        postmortem = inquiry.postmortems.get()
        postmortems.postmortem_update(
            postmortem=postmortem,
            actor=actor,
            data={
                "summary": "Submissions failed for 40 minutes during the exam window.",
                "impact": "About 120 learners could not submit; deadlines were extended by a day.",
                "root_causes": "The grading workers ran out of memory after a dependency upgrade; "
                "no alert fired because the health check only tested the web tier.",
            },
        )
        postmortems.recommendation_add(
            postmortem=postmortem,
            actor=actor,
            data={
                "description": "Alert on the grading queue length, not only on the web health check",
                "owner": inquiry.assignee_id,
                "due_date": timezone.localdate() + dt.timedelta(days=14),
            },
        )
        postmortems.postmortem_submit(postmortem=postmortem, actor=actor)


# Per team, the inquiries on the desk now: (subject, body, requester, received hours ago (0 = just now,
# by the web form), what happens next, topic). Answered ones are answered as the demo loads, so their
# response times are short; the six weeks before come from _demo_history with realistic delays.
STORY = {
    "ads": [
        (
            "Notebook kernel dies when loading the dataset",
            "When I run cell 3 the kernel restarts. I am on the hosted environment, Chrome on Windows.",
            "Aiko Tanaka",
            0,
            "resolved",
            "Platform",
        ),
        (
            "Grade not updated after resubmission",
            "I resubmitted exercise 2.4 yesterday but the grade still shows 60%.",
            "Bruno Costa",
            0,
            "promoted",
            "Grading",
        ),
        (
            "How do I read an Excel sheet with pandas?",
            "read_excel asks for openpyxl; is that allowed on the platform?",
            "Chloe Martin",
            0,
            "documentation",
            "Module 2: pandas",
        ),
        (
            "Video 3.2 has no subtitles",
            "The English subtitles are missing for the gradient descent video.",
            "Dmitri Ivanov",
            0,
            "waiting",
            "Module 3: Machine learning",
        ),
        (
            "Question about the final project deadline",
            "Is the deadline 23:59 in my time zone or in CET?",
            "Elif Yilmaz",
            0,
            "responded",
            "Grading",
        ),
        (
            "Exercise 4.1 checker rejects a correct answer",
            "My function returns the same values as the reference but the checker says 'shape mismatch'.",
            "Farah Haddad",
            0,
            "escalated",
            "Grading",
        ),
        (
            "Grading service down during the exam window",
            "Everyone in my study group gets 'submission failed' on the final exam.",
            "Ines Moreau",
            0,
            "serious",
            "Grading",
        ),
        (
            "merge() drops rows I expected to keep",
            "After pd.merge on 'id' I lose 40 rows; how do I see which?",
            "Gustav Berg",
            30,
            "new",
            "Module 2: pandas",
        ),
        (
            "Is there a dark mode for the course pages?",
            "Reading at night is hard on the eyes.",
            "Hana Novak",
            0,
            "new",
            "Platform",
        ),
    ],
    "pyfit": [
        (
            "pip install fails on Apple silicon",
            "The build stops with an error about -march=native.",
            "Kofi Mensah",
            0,
            "documentation",
            "Installation",
        ),
        (
            "How to fix a parameter while fitting?",
            "I want to hold the offset constant while fitting the rest.",
            "Lucia Romero",
            0,
            "responded",
            "Fitting API",
        ),
        (
            "Fit does not converge with bounds",
            "With bounds set the fit stops after 1000 iterations.",
            "Mateo Silva",
            6,
            "new",
            "Fitting API",
        ),
    ],
    "lse": [
        (
            "Cannot log in after changing my email",
            "The reset link says the token is invalid.",
            "Nadia Petrova",
            0,
            "resolved",
            "Login",
        ),
        (
            "Two-factor code never arrives",
            "The SMS with the code does not come.",
            "Oskar Lind",
            0,
            "escalated",
            "Login",
        ),
        (
            "Certificate shows the wrong name",
            "My certificate says 'Jon' instead of 'Jonas'.",
            "Jonas Weber",
            0,
            "waiting",
            "Certificates",
        ),
        (
            "Video stops after two minutes",
            "Every lecture video freezes at about 2:00.",
            "Priya Nair",
            5,
            "new",
            "Video player",
        ),
        (
            "Charged twice for the course",
            "My card statement shows two payments.",
            "Quentin Roy",
            0,
            "new",
            "Payments",
        ),
    ],
}
