"""Six weeks of believable history for the demo teams: questions that fit each team's subject, replies
spread over business-hour delays (most within the response target, a few late), varied effort, one topic
recurring often enough to suggest automating it, and one team (Learner Support Engineering) carrying
clearly more inquiries per FTE than the others so the team-load report suggests boosters.

Imported through the intake service with their original times (channel `import`), as a team migrating
from another tool would; effort rows are dated when the work was done."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from inquiries import services as inquiries
from inquiries.models import EffortLog, Inquiry
from shifts.business_time import BusinessCalendar
from shifts.models import Member, Shift, Team

# Per team: (topic, weight, [(subject, body)]) — the weight makes one topic recur past the automation
# threshold (4) in every team.
QUESTIONS: dict[str, list[tuple[str, int, list[tuple[str, str]]]]] = {
    "ads": [
        (
            "Module 2: pandas",
            6,
            [
                (
                    "merge() drops rows I expected to keep",
                    "After pd.merge on 'id' I lose 40 rows; how do I see which?",
                ),
                (
                    "SettingWithCopyWarning in exercise 2.3",
                    "The checker passes but I get this warning every time.",
                ),
                ("groupby result has a MultiIndex", "How do I get plain columns back after groupby().agg()?"),
                ("Dates parse as strings", "read_csv leaves my date column as object dtype."),
            ],
        ),
        (
            "Module 1: Python basics",
            2,
            [
                (
                    "Why is my list changed inside the function?",
                    "I pass a list to a function and the original changes.",
                ),
                ("IndentationError I cannot see", "The editor shows nothing wrong but Python complains."),
            ],
        ),
        (
            "Module 3: Machine learning",
            3,
            [
                ("Accuracy is 100% on the test set", "Did I leak the labels? My model looks too good."),
                (
                    "train_test_split gives different results",
                    "Every run gives another score; is that expected?",
                ),
            ],
        ),
        (
            "Grading",
            2,
            [
                (
                    "Grade not updated after resubmission",
                    "I resubmitted exercise 2.4 but the grade still shows 60%.",
                ),
                ("Checker says shape mismatch", "My output matches the example but the checker rejects it."),
            ],
        ),
        ("Platform", 1, [("Notebook does not save", "My changes are gone after I close the tab.")]),
    ],
    "pyfit": [
        (
            "Installation",
            5,
            [
                ("pip install fails on Apple silicon", "The build stops with an error about -march=native."),
                ("Conda environment conflicts", "conda cannot solve the environment with numpy 2."),
                ("ImportError after upgrade", "After upgrading to 3.1 'from pyfit import Model' fails."),
            ],
        ),
        (
            "Fitting API",
            3,
            [
                ("Fit does not converge", "curve_fit-style model reports 'max iterations reached'."),
                ("How to fix a parameter?", "I want to hold the offset constant while fitting the rest."),
            ],
        ),
        ("Plotting", 1, [("Residual plot has no labels", "The residual panel shows no axis labels.")]),
        ("Performance", 1, [("Fitting 1e6 points is slow", "A fit of a million points takes ten minutes.")]),
    ],
    "lse": [
        (
            "Login",
            7,
            [
                ("Cannot log in after changing my email", "The reset link says the token is invalid."),
                ("Two-factor code never arrives", "The SMS with the code does not come."),
                ("Locked out after password reset", "I reset my password and now the account is locked."),
            ],
        ),
        (
            "Video player",
            4,
            [
                ("Video stops after two minutes", "Every lecture video freezes at about 2:00."),
                ("No subtitles on lecture 5", "The subtitle button does nothing on lecture 5."),
            ],
        ),
        (
            "Certificates",
            3,
            [
                ("Certificate shows the wrong name", "My certificate says 'Jon' instead of 'Jonas'."),
                ("Certificate download is empty", "The PDF I download has zero pages."),
            ],
        ),
        ("Payments", 2, [("Charged twice for the course", "My card statement shows two payments.")]),
    ],
}
# Inquiries per team over the history: Learner Support Engineering is the overloaded one.
VOLUME = {"ads": 34, "pyfit": 14, "lse": 60}
NAMES = [
    "Aiko Tanaka",
    "Bruno Costa",
    "Chloe Martin",
    "Dmitri Ivanov",
    "Elif Yilmaz",
    "Farah Haddad",
    "Gustav Berg",
    "Hana Novak",
    "Ines Moreau",
    "Jonas Weber",
    "Kofi Mensah",
    "Lucia Romero",
    "Mateo Silva",
    "Nadia Petrova",
    "Oskar Lind",
    "Priya Nair",
    "Quentin Roy",
    "Rosa Alvarez",
]
KINDS = [("answered", 10), ("documentation", 4), ("workaround", 3), ("known_issue", 2), ("fixed", 1)]
EFFORT_NOTES = ["Reproduced locally", "Read the logs", "Wrote a short example", "Checked the docs", ""]


def seed_history(team: Team, *, days: int) -> int:
    """Resolved history for `team` over the last `days` days (older than two days). Returns the count."""
    spec = QUESTIONS.get(team.slug)
    if not spec:
        return 0
    rng = random.Random(f"demo-{team.slug}")
    calendar = BusinessCalendar.for_team(team)
    now = timezone.now()
    developers = list(team.members.filter(role=Member.Role.DEVELOPER, is_active=True).select_related("user"))
    topics = {topic.name: topic for topic in team.topics.all()}
    weighted = [(name, questions) for name, weight, questions in spec for _ in range(weight)]
    made = 0
    for _ in range(VOLUME.get(team.slug, 10)):
        received = now - dt.timedelta(days=2, minutes=rng.randint(0, (days - 3) * 24 * 60))
        topic_name, questions = rng.choice(weighted)
        subject, body = rng.choice(questions)
        target = team.response_target_minutes
        roll = rng.random()
        # Most answers well within the target, some close to it, a few late.
        if roll < 0.7:
            delay = rng.randint(10, int(target * 0.6))
        elif roll < 0.88:
            delay = rng.randint(int(target * 0.6), target)
        else:
            delay = rng.randint(target + 15, target * 3)
        responded = calendar.add_minutes(received, delay)
        if responded is None or responded > now - dt.timedelta(hours=2):
            continue
        resolved = calendar.add_minutes(responded, rng.randint(20, 8 * 60)) or responded
        resolved = min(resolved, now - dt.timedelta(hours=1))
        shift = (
            Shift.objects.filter(team=team, role="primary", starts_at__lte=received, ends_at__gt=received)
            .select_related("member__user")
            .first()
        )
        owner = shift.member if shift else rng.choice(developers)
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        name = rng.choice(NAMES)
        inquiry = inquiries.inquiry_create(
            team=team,
            subject=subject,
            body=body,
            requester_name=name,
            requester_email=name.split()[0].lower() + "@learners.example.org",
            channel=Inquiry.Channel.IMPORT,
            topic=topics.get(topic_name),
            actor=owner.user,
            received_at=received,
            history={
                "status": "resolved",
                "responded_at": responded,
                "resolved_at": resolved,
                "resolution_kind": kind,
                "assignee": owner,
            },
        )
        minutes = rng.choice([5, 10, 15, 20, 30, 45, 60, 90, 120])
        log = inquiries.effort_log(
            inquiry=inquiry, actor=owner.user, minutes=minutes, note=rng.choice(EFFORT_NOTES)
        )
        # The work was done when it was answered, not when the demo was loaded.
        EffortLog.objects.filter(pk=log.pk).update(created_at=responded)
        made += 1
    return made
