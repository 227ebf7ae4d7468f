"""Tenancy: another team's objects are invisible (404, never their data) and bad input changes nothing.

Two teams with realistic data, built through the services once for the module (in a transaction rolled
back at its end; each test runs in a savepoint inside it, so no case sees another's writes). Every URL
pattern that takes an object is enumerated from the resolver and becomes one case per route × persona
(`test_other_teams_object_is_404...[inquiry-detail-b_dev]`), so a route added later fails until it is
given team A's objects here or listed as exempt with a reason. "Nothing changed" is checked by recording
the INSERT/UPDATE/DELETE statements that touched a row during the call, not by comparing every table.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from inquiries import services as inquiry_services
from inquiries.models import CannedReply, Escalation, Improvement, Inquiry, SavedView
from integrations import services as integration_services
from notices.models import Notification
from postmortems import services as postmortem_services
from postmortems.models import Postmortem
from shifts import services as shift_services
from shifts.models import Absence, CalendarFeed, Member, Rotation, Shift, Swap
from tests.factories import BookingFactory, MemberFactory, make_member, make_team

pytestmark = pytest.mark.django_db

GHOST_ID = 987654
# Long enough that no random token on a page (CSRF, tracking) ever contains it by chance: a 3-letter
# marker matched case-insensitively showed up inside CSRF tokens about once in a few runs.
MARK_A = "Zqxtenantmarker"


# ---------------------------------------------------------------- the two teams


@dataclass
class World:
    a: object
    b: object
    a_manager: Member
    a_dev: Member
    a_dev2: Member
    b_manager: Member
    b_dev: Member
    b_dev2: Member
    objs: dict = field(default_factory=dict)
    secrets: set = field(default_factory=set)


def _populate(team, manager, dev, dev2, tag: str) -> dict:
    """Rotations, shifts, an absence, a swap, feeds, inquiries in several states, effort, an escalation,
    a backlog item, a postmortem with a milestone and a recommendation, and the notifications they send."""
    today = timezone.localdate()
    rotation = shift_services.rotation_create(
        team=team,
        actor=manager.user,
        shift_length_minutes=24 * 60,
        handoff_time=dt.time(9, 0),
        starts_on=today - dt.timedelta(days=3),
        members=[dev.pk, dev2.pk],
    )
    shift_services.rotation_schedule(
        rotation=rotation, until=today + dt.timedelta(days=21), actor=manager.user
    )
    future = Shift.objects.filter(team=team, starts_at__gt=timezone.now() + dt.timedelta(days=2))
    dev_shift = future.filter(member=dev).order_by("starts_at").first()
    absence = shift_services.absence_create(
        member=dev2,
        starts_at=timezone.now() + dt.timedelta(days=30),
        ends_at=timezone.now() + dt.timedelta(days=32),
        actor=manager.user,
        note=f"{tag} absence note",
    )
    swap = shift_services.swap_request(
        shift=dev_shift, counterpart=dev2, actor=dev.user, note=f"{tag} swap note"
    )
    feed = shift_services.feed_create(owner=dev.user, team=team, member=dev)
    team_feed = shift_services.feed_create(owner=manager.user, team=team)
    open_inquiry = inquiry_services.inquiry_create(
        team=team,
        subject=f"{tag} kernel keeps dying",
        body=f"{tag} body: the notebook kernel dies on import",
        requester_name=f"{tag} Requester Person",
        requester_email=f"{tag.lower()}-requester@example.net",
    )
    inquiry_services.inquiry_assign(inquiry=open_inquiry, actor=manager.user, member=dev)
    escalation = inquiry_services.inquiry_escalate(
        inquiry=open_inquiry, actor=dev.user, member=dev2, reason=f"{tag} escalation reason"
    )
    inquiry_services.effort_log(inquiry=open_inquiry, actor=dev.user, minutes=25, note=f"{tag} effort note")
    inquiry_services.inquiry_add_note(inquiry=open_inquiry, actor=dev.user, body=f"{tag} internal note")
    improvement = inquiry_services.improvement_create(
        team=team,
        actor=dev.user,
        title=f"{tag} improvement title",
        kind=Improvement.Kind.LOW_HANGING_FRUIT,
        estimate_hours=2,
        source_inquiry=open_inquiry,
    )
    resolved = inquiry_services.inquiry_create(
        team=team,
        subject=f"{tag} login outage",
        body=f"{tag} body: nobody can log in",
        requester_name=f"{tag} Second Requester",
        requester_email=f"{tag.lower()}-second@example.net",
    )
    inquiry_services.inquiry_resolve(
        inquiry=resolved, actor=dev.user, kind=Inquiry.ResolutionKind.values[0], note=f"{tag} resolution note"
    )
    postmortem = postmortem_services.postmortem_create(
        team=team,
        actor=manager.user,
        inquiries=[resolved],
        title=f"{tag} postmortem title",
        summary=f"{tag} postmortem summary",
    )
    milestone = postmortem_services.milestone_add(
        postmortem=postmortem, actor=manager.user, at=timezone.now(), description=f"{tag} milestone"
    )
    recommendation = postmortem_services.recommendation_add(
        postmortem=postmortem,
        actor=manager.user,
        data={"description": f"{tag} recommendation", "owner": dev.pk},
    )
    notification = Notification.objects.filter(recipient__in=[dev.user, dev2.user]).first()
    assert notification is not None, "the flows above notify someone"
    open_inquiry.refresh_from_db()
    resolved.refresh_from_db()
    booking = BookingFactory(
        team=team,
        host=dev,
        shift=dev_shift,
        learner_name=f"{tag} Session Learner",
        learner_email=f"{tag.lower()}-learner@example.net",
        learner_key=f"{tag.lower()}-learner@example.net",
        agenda=f"{tag} session agenda",
        starts_at=dev_shift.starts_at + dt.timedelta(hours=1),
        ends_at=dev_shift.starts_at + dt.timedelta(hours=1, minutes=30),
    )
    return {
        "booking": booking,
        "rotation": rotation,
        "shift": dev_shift,
        "absence": absence,
        "swap": swap,
        "feed": feed,
        "team_feed": team_feed,
        "inquiry": open_inquiry,
        "resolved": resolved,
        "escalation": escalation,
        "improvement": improvement,
        "postmortem": postmortem,
        "milestone": milestone,
        "recommendation": recommendation,
        "notification": notification,
        "integration": integration_services.integration_create(
            team=team, data={"kind": "github", "name": f"{tag} repository", "secret": f"{tag} hook secret"}
        ),
        "canned": CannedReply.objects.create(
            team=team, title=f"{tag} canned title", body=f"{tag} canned body"
        ),
        "saved_view": SavedView.objects.create(user=dev.user, name=f"{tag} view", query=f"search={tag}"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Both teams, built once: every test's own transaction (pytest-django's `db`) is a savepoint inside
    this one, which is rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    a = make_team(slug="zephyr", name="Zephyr Quantum Lab", reference_prefix="ZQL")
    b = make_team(slug="borealis", name="Borealis Genomics", reference_prefix="BRG")
    w = World(
        a=a,
        b=b,
        a_manager=make_member(a, "zq_marguerite", role="manager"),
        a_dev=make_member(a, "zq_anatole"),
        a_dev2=make_member(a, "zq_ottiline"),
        b_manager=make_member(b, "bg_manager", role="manager"),
        b_dev=make_member(b, "bg_dev"),
        b_dev2=make_member(b, "bg_dev2"),
    )
    w.objs = _populate(a, w.a_manager, w.a_dev, w.a_dev2, MARK_A)
    w.objs["b"] = _populate(b, w.b_manager, w.b_dev, w.b_dev2, "Bgx")
    # b_dev2 once was a manager of A: an inactive membership must open nothing.
    MemberFactory(team=a, user=w.b_dev2.user, role="manager", percent_time=50, is_active=False)
    o = w.objs
    w.secrets = {
        a.name,
        o["feed"].token,
        o["team_feed"].token,
        o["inquiry"].tracking_token,
        o["resolved"].tracking_token,
        o["integration"].token,
        o["inquiry"].reference,
        o["resolved"].reference,
        o["booking"].manage_token,
        MARK_A,  # every free text of team A carries it: subjects, bodies, notes, titles, reasons
        f"{MARK_A.lower()}-requester@example.net",
        f"{MARK_A.lower()}-second@example.net",
    }
    for member in (w.a_manager, w.a_dev, w.a_dev2):
        w.secrets |= {member.user.username, member.user.email, member.display_name}
    return w


# ---------------------------------------------------------------- helpers


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Logging in (and Django's session middleware afterwards) writes the session row: not a change of data.
NOT_DATA = {"django_session"}


@contextmanager
def writes() -> Iterator[list[str]]:
    """The INSERT/UPDATE/DELETE statements that changed at least one row while the block ran (a
    conditional UPDATE that matched nothing changed nothing). Much cheaper than comparing every table
    before and after, and it names the statement."""
    written: list[str] = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE.match(sql)
        if match and match[1] not in NOT_DATA and context["cursor"].rowcount != 0:
            written.append(sql[:160])
        return result

    with connection.execute_wrapper(record):
        yield written


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(client: Client, method: str, url: str, body: dict | None = None, *, api: bool):
    body = body or {}
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, body)
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaked(response, secrets: set, *, sent: str) -> list[str]:
    """Team A's strings in the response that the caller did not send themselves."""
    text = text_of(response)
    return sorted(s for s in secrets if s and s not in sent and s.lower() in text.lower())


def follow_messages(client: Client, response) -> str:
    """After a form post that redirects, the next page shows the flash message: read it too."""
    if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
        return text_of(client.get(response["Location"]))
    return ""


# ---------------------------------------------------------------- route enumeration


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def routes() -> list[tuple[str, str]]:
    return list(dict.fromkeys(walk(get_resolver())))


def parametrised_routes() -> list[tuple[str, str]]:
    return [(pattern, name) for pattern, name in routes() if "<" in pattern or "(?P<" in pattern]


# Routes that take a parameter but no team object, or whose object is tested elsewhere in this module.
EXEMPT = {
    "password_reset_confirm": "Django's password reset: uid and token, no team object",
    "calendar-feed": "token is the credential; see test_calendar_feed_with_unknown_or_revoked_token_is_404",
    "track": "token is the credential; see test_tracking_page_with_a_wrong_token_is_404_and_shows_nothing",
    "track-reply": "token is the credential; see test_tracking_page_with_a_wrong_token_is_404...",
    "track-reopen": "token is the credential; see test_tracking_page_with_a_wrong_token_is_404...",
    "ask-team": "the public intake form is public by design (SPEC 4); see the public intake tests",
    "hook": "token is the credential; see tests/integrations (unknown token 404, nothing stored)",
    "book": "the public booking page is public by design (SPEC 3.10); see tests/bookings",
    "booking-manage": "token is the credential; see test_an_unknown_manage_token_is_404",
}


def admin_urls(w: World) -> dict[str, str]:
    """Every admin route with a parameter -> a URL naming team A's row of that model (any row if A has none).

    The admin is for staff: team members, whatever their team, must be sent to the admin login.
    """
    ours = {type(obj): obj for key, obj in w.objs.items() if key != "b"}
    ours.update({type(w.a): w.a, Member: w.a_dev, type(w.a_dev.user): w.a_dev.user})
    urls = {}
    for pattern, _ in parametrised_routes():
        if not pattern.startswith("admin/"):
            continue
        match = re.match(r"admin/(\w+)/(\w+)/<", pattern)
        pk = GHOST_ID
        if match:
            model = apps.get_model(match[1], match[2])
            obj = ours.get(model) or model.objects.order_by("pk").first()
            pk = obj.pk if obj is not None else GHOST_ID
        urls[pattern] = "/" + re.sub(r"<[^>]+>|\(\?P<url>\.\*\)\$", str(pk), pattern)
    return urls


def targets(w: World) -> dict[str, list[tuple[dict, dict]]]:
    """URL name -> [(kwargs naming team A's objects, the same kwargs naming nothing)]."""
    o, a, b = w.objs, w.a.slug, w.b.slug
    ref, pm, ms, rec = o["inquiry"].reference, o["postmortem"].pk, o["milestone"].pk, o["recommendation"].pk
    ghost_ref = "ZQL-99999"
    slug_only = [({"slug": a}, {"slug": "no-such-team"})]
    by_ref = [
        ({"reference": ref}, {"reference": ghost_ref}),
        ({"reference": o["resolved"].reference}, {"reference": ghost_ref}),
    ]
    by_pm = [({"postmortem_id": pm}, {"postmortem_id": GHOST_ID})]
    b_pm = o["b"]["postmortem"].pk
    table = {
        "api-team-detail": slug_only,
        "api-member-list": slug_only,
        "api-oncall": slug_only,
        "api-rotation-list": slug_only,
        "api-member-detail": [
            ({"slug": a, "member_id": w.a_dev.pk}, {"slug": "no-such-team", "member_id": GHOST_ID}),
            ({"slug": b, "member_id": w.a_dev.pk}, {"slug": b, "member_id": GHOST_ID}),
        ],
        "api-rotation-detail": [
            ({"slug": a, "rotation_id": o["rotation"].pk}, {"slug": "no-such-team", "rotation_id": GHOST_ID}),
            ({"slug": b, "rotation_id": o["rotation"].pk}, {"slug": b, "rotation_id": GHOST_ID}),
        ],
        "api-rotation-schedule": [
            ({"slug": a, "rotation_id": o["rotation"].pk}, {"slug": "no-such-team", "rotation_id": GHOST_ID}),
            ({"slug": b, "rotation_id": o["rotation"].pk}, {"slug": b, "rotation_id": GHOST_ID}),
        ],
        "api-shift-override": [({"shift_id": o["shift"].pk}, {"shift_id": GHOST_ID})],
        "api-absence-detail": [({"absence_id": o["absence"].pk}, {"absence_id": GHOST_ID})],
        "api-swap-accept": [({"swap_id": o["swap"].pk}, {"swap_id": GHOST_ID})],
        "api-swap-decline": [({"swap_id": o["swap"].pk}, {"swap_id": GHOST_ID})],
        "api-swap-cancel": [({"swap_id": o["swap"].pk}, {"swap_id": GHOST_ID})],
        "api-escalation-accept": [({"escalation_id": o["escalation"].pk}, {"escalation_id": GHOST_ID})],
        "api-escalation-decline": [({"escalation_id": o["escalation"].pk}, {"escalation_id": GHOST_ID})],
        "api-improvement-detail": [({"improvement_id": o["improvement"].pk}, {"improvement_id": GHOST_ID})],
        "api-inquiry-accept-held-reply": [
            ({"reference": ref, "inbound_id": GHOST_ID}, {"reference": ghost_ref, "inbound_id": GHOST_ID})
        ],
        "api-notification-read": [({"pk": o["notification"].pk}, {"pk": GHOST_ID})],
        "api-postmortem-milestone": [
            (
                {"postmortem_id": pm, "milestone_id": ms},
                {"postmortem_id": GHOST_ID, "milestone_id": GHOST_ID},
            ),
            ({"postmortem_id": b_pm, "milestone_id": ms}, {"postmortem_id": b_pm, "milestone_id": GHOST_ID}),
        ],
        "api-postmortem-recommendation": [
            (
                {"postmortem_id": pm, "recommendation_id": rec},
                {"postmortem_id": GHOST_ID, "recommendation_id": GHOST_ID},
            ),
            (
                {"postmortem_id": b_pm, "recommendation_id": rec},
                {"postmortem_id": b_pm, "recommendation_id": GHOST_ID},
            ),
        ],
        "api-postmortem-recommendation-backlog": [
            (
                {"postmortem_id": pm, "recommendation_id": rec},
                {"postmortem_id": GHOST_ID, "recommendation_id": GHOST_ID},
            ),
            (
                {"postmortem_id": b_pm, "recommendation_id": rec},
                {"postmortem_id": b_pm, "recommendation_id": GHOST_ID},
            ),
        ],
        "api-team-audit": slug_only,
        "api-team-erase-requester": slug_only,
        "team-audit": slug_only,
        "api-member-revoke-feeds": [
            ({"slug": a, "member_id": w.a_dev.pk}, {"slug": "no-such-team", "member_id": GHOST_ID}),
            ({"slug": b, "member_id": w.a_dev.pk}, {"slug": b, "member_id": GHOST_ID}),
        ],
        "team-member-revoke-feeds": [
            ({"slug": a, "member_id": w.a_dev.pk}, {"slug": "no-such-team", "member_id": GHOST_ID}),
            ({"slug": b, "member_id": w.a_dev.pk}, {"slug": b, "member_id": GHOST_ID}),
        ],
        "team-settings": slug_only,
        "canned-replies": slug_only,
        "canned-reply-remove": [
            ({"slug": a, "reply_id": o["canned"].pk}, {"slug": "no-such-team", "reply_id": GHOST_ID}),
            ({"slug": b, "reply_id": o["canned"].pk}, {"slug": b, "reply_id": GHOST_ID}),
        ],
        "saved-view-remove": [({"view_id": o["saved_view"].pk}, {"view_id": GHOST_ID})],
        "team-settings-save": slug_only,
        "team-member-add": slug_only,
        "team-member-change": [
            ({"slug": a, "member_id": w.a_dev.pk}, {"slug": "no-such-team", "member_id": GHOST_ID}),
            ({"slug": b, "member_id": w.a_dev.pk}, {"slug": b, "member_id": GHOST_ID}),
        ],
        "inquiry-detail": by_ref,
        "inquiry-similar": by_ref,
        "inquiry-action": [
            ({"reference": ref, "action": action}, {"reference": ghost_ref, "action": action})
            for action in (
                "respond",
                "note",
                "wait",
                "resolve",
                "reopen",
                "assign",
                "escalate",
                "effort",
                "triage",
                "handoff",
                "solution",
                "link-known",
                "improvement",
            )
        ],
        "escalation-answer": [
            (
                {"escalation_id": o["escalation"].pk, "answer": answer},
                {"escalation_id": GHOST_ID, "answer": answer},
            )
            for answer in ("accept", "decline")
        ],
        "api-session-detail": [({"session_id": o["booking"].pk}, {"session_id": GHOST_ID})],
        "host-session-record": [({"session_id": o["booking"].pk}, {"session_id": GHOST_ID})],
        "backlog-update": [({"improvement_id": o["improvement"].pk}, {"improvement_id": GHOST_ID})],
        "postmortem-detail": by_pm,
        "postmortem-action": [
            ({"postmortem_id": pm, "action": action}, {"postmortem_id": GHOST_ID, "action": action})
            for action in (
                "edit",
                "link",
                "unlink",
                "milestone-add",
                "milestone-edit",
                "milestone-delete",
                "recommendation-add",
                "recommendation-edit",
                "recommendation-delete",
                "backlog",
                "submit",
                "discuss",
                "close",
                "reopen",
            )
        ],
    }
    integration = o["integration"].pk
    by_integration = [
        ({"slug": a, "integration_id": integration}, {"slug": "no-such-team", "integration_id": GHOST_ID}),
        ({"slug": b, "integration_id": integration}, {"slug": b, "integration_id": GHOST_ID}),
    ]
    table["api-integration-list"] = slug_only
    table["api-integration-detail"] = by_integration
    table["api-integration-rotate"] = by_integration
    table["integration-list"] = slug_only
    table["integration-edit"] = by_integration
    table["integration-confirm"] = [
        ({**kwargs, "action": action}, {**ghost, "action": action})
        for kwargs, ghost in by_integration
        for action in ("rotate", "delete")
    ]
    for name in ("respond", "notes", "wait", "reopen", "resolve", "assign", "escalate", "effort", "events"):
        table[f"api-inquiry-{name}"] = by_ref
    table["api-inquiry-detail"] = by_ref
    for name in ("detail", "submit", "discuss", "close", "reopen", "milestones", "recommendations"):
        table[f"api-postmortem-{name}"] = by_pm
    return table


def body_for(w: World) -> dict:
    """A plausible body for any write: the union of the fields the endpoints read, pointing at team A."""
    o = w.objs
    return {
        "body": "hello",
        "member": w.a_dev2.pk,
        "reason": "because",
        "minutes": 10,
        "note": "n",
        "kind": Inquiry.ResolutionKind.values[0],
        "until": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        "title": "t",
        "status": "done",
        "description": "d",
        "at": timezone.now().isoformat(),
        "meeting_date": timezone.localdate().isoformat(),
        "name": "New Name",
        "email": "changed@example.org",
        "percent_time": 50,
        "role": "manager",
        "username": "newbie",
        "priority": "high",
        "shift_length_minutes": 60,
        "milestone": o["milestone"].pk,
        "recommendation": o["recommendation"].pk,
        "reference": o["resolved"].reference,
        "known_issue": o["resolved"].reference,
        "action": "remove",
    }


def _resolve_url(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs)


# ---------------------------------------------------------------- the tests


def test_writes_records_a_changed_row_and_not_an_update_that_matched_none(world):
    """The control for every "wrote nothing" below."""
    inquiry = world.objs["inquiry"]
    with writes() as nothing:
        Inquiry.objects.filter(pk=GHOST_ID).update(subject="x")
        Escalation.objects.filter(pk=GHOST_ID).delete()
    with writes() as written:
        Inquiry.objects.filter(pk=inquiry.pk).update(subject="changed")
    assert nothing == []
    assert len(written) == 1 and "UPDATE" in written[0]


def test_every_parametrised_route_is_covered(world):
    covered, admin = set(targets(world)), admin_urls(world)
    missing = [
        f"{pattern} ({name})"
        for pattern, name in parametrised_routes()
        if name not in covered and name not in EXEMPT and pattern not in admin
    ]
    assert not missing, "routes taking an object are neither exercised nor exempt: " + ", ".join(missing)


PERSONAS = ["b_dev", "b_manager", "b_dev2"]
METHODS = ("GET", "POST", "PATCH", "DELETE")
# Read from the resolver when the module is collected: a route added later gets its own cases here.
OBJECT_ROUTES = sorted(
    {
        name
        for pattern, name in parametrised_routes()
        if not pattern.startswith("admin/") and name not in EXEMPT
    }
)
ADMIN_PATTERNS = sorted({pattern for pattern, _ in parametrised_routes() if pattern.startswith("admin/")})


@pytest.mark.parametrize(
    ("name", "persona"),
    [pytest.param(name, persona, id=f"{name}-{persona}") for name in OBJECT_ROUTES for persona in PERSONAS],
)
def test_other_teams_object_is_404_and_never_shown_or_changed(world, name, persona):
    variants = targets(world).get(name)
    assert variants, f"{name} takes an object: give it team A's objects in targets() or list it in EXEMPT"
    client = login(getattr(world, persona).user)
    body = body_for(world)
    api = name.startswith("api-")
    problems: list[str] = []
    for kwargs, ghost in variants:
        url, ghost_url = _resolve_url(name, kwargs), _resolve_url(name, ghost)
        for method in METHODS:
            with writes() as written:
                response = call(client, method, url, body, api=api)
                ghost_response = call(client, method, ghost_url, body, api=api)
            code, ghost_code = response.status_code, ghost_response.status_code
            # 404, or the same refusal as for an object that does not exist (a developer asking their own
            # team's manager-only page is refused before any object is looked up): nothing is revealed.
            if not (code == 404 or (code == ghost_code and code in (403, 405))):
                problems.append(f"{method} {url}: {code} (nothing there: {ghost_code})")
            found = leaked(response, world.secrets, sent=url + json.dumps(body))
            if found:
                problems.append(f"{method} {url} shows team A's {found}")
            if written:
                problems.append(f"{method} {url} wrote {written}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("pattern", ADMIN_PATTERNS)
def test_admin_object_pages_send_team_members_to_the_admin_login(world, pattern):
    url = admin_urls(world)[pattern]
    for persona in PERSONAS:
        client = login(getattr(world, persona).user)
        for method in ("GET", "POST"):
            with writes() as written:
                response = call(client, method, url, body_for(world), api=False)
            assert response.status_code == 302 and "/admin/login/" in response.get("Location", ""), (
                f"{persona} {method} {url}: {response.status_code}, not the admin login"
            )
            assert not written, f"{persona} {method} {url} wrote {written}"


LIST_URLS = [
    "/api/v1/inquiries/?team={a}",
    "/api/v1/inquiries/?assignee={a_dev_id}",
    "/api/v1/inquiries/?assignee={a_dev_username}",
    "/api/v1/inquiries/?search={ref}",
    f"/api/v1/inquiries/?search={MARK_A}",
    "/api/v1/shifts/?team={a}",
    "/api/v1/shifts/?member={a_dev_id}",
    "/api/v1/absences/?team={a}",
    "/api/v1/absences/?member={a_dev2_id}",
    "/api/v1/swaps/?team={a}",
    "/api/v1/swaps/?status=pending",
    "/api/v1/improvements/?team={a}",
    "/api/v1/postmortems/?team={a}",
    "/api/v1/postmortems/?inquiry={resolved_ref}",
    "/api/v1/postmortems/agenda/?team={a}",
    "/api/v1/notifications/",
    "/api/v1/teams/",
    "/api/v1/reports/load/?team={a}",
    "/api/v1/reports/response-times/?team={a}",
    "/api/v1/reports/cost/?team={a}",
    "/api/v1/reports/cost/plan/?members=3&team={a}",
    "/api/v1/reports/topics/?team={a}",
    "/api/v1/reports/team-load/?team={a}",
    "/api/v1/reports/load/?team={a}&format=csv",
    "/",
    "/dashboard/queue/",
    "/inbox/",
    "/teams/",
    "/inquiries/?team={a}",
    "/inquiries/?assignee={a_dev_id}",
    f"/inquiries/?search={MARK_A}",
    "/inquiries/new/?team={a}",
    "/backlog/",
    "/backlog/?show=all",
    "/rotations/?team={a}",
    "/calendar/?team={a}",
    "/calendar/?team={a}&view=month",
    "/postmortems/?team={a}",
    "/postmortems/new/?team={a}",
    "/postmortems/agenda/?team={a}",
    "/postmortems/agenda.md?team={a}",
    "/reports/?team={a}",
    "/reports/load/?team={a}",
    "/reports/response-times/?team={a}",
    "/reports/cost/?team={a}",
    "/reports/topics/?team={a}",
    "/reports/team-load/?team={a}",
]


@pytest.mark.parametrize(
    ("template", "persona"),
    [pytest.param(t, persona, id=f"{t}-{persona}") for t in LIST_URLS for persona in PERSONAS],
)
def test_lists_filtered_at_another_team_show_none_of_its_rows(world, template, persona):
    client = login(getattr(world, persona).user)
    fill = {
        "a": world.a.slug,
        "a_dev_id": world.a_dev.pk,
        "a_dev2_id": world.a_dev2.pk,
        "a_dev_username": world.a_dev.user.username,
        "ref": world.objs["inquiry"].reference,
        "resolved_ref": world.objs["resolved"].reference,
    }
    url = template.format(**fill)
    problems = []
    with writes() as written:
        response = client.get(url)
    if response.status_code not in (200, 403, 404):
        problems.append(f"GET {url}: {response.status_code}")
    if response.status_code == 403 and "team=" in url:
        ghost = client.get(url.replace(world.a.slug, "no-such-team"))
        if ghost.status_code != 403:
            problems.append(f"GET {url}: 403 tells team A exists (nothing there: {ghost.status_code})")
    found = leaked(response, world.secrets, sent=url)
    if found:
        problems.append(f"GET {url} shows team A's {found}")
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        if isinstance(data, dict) and "results" in data:
            foreign = [row for row in data["results"] if json.dumps(row).find("zephyr") >= 0]
            if foreign:
                problems.append(f"GET {url} lists team A's rows {foreign}")
    if written:
        problems.append(f"GET {url} wrote {written}")
    assert not problems, "\n".join(problems)


def _as_team_b(world) -> SimpleNamespace:
    """Team B's manager and developer, and the names the cases below use."""
    o = world.objs
    return SimpleNamespace(
        world=world,
        o=o,
        ob=o["b"],
        a=world.a.slug,
        b=world.b.slug,
        manager=login(world.b_manager.user),
        dev=login(world.b_dev.user),
    )


# Ids in form fields and JSON bodies (not in the URL) get the same treatment as ids in the URL:
# (client, method, url, body, api) built from team B's view of the world.
FORM_CASES = [
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/inquiries/",
            {
                "team": c.a,
                "subject": "s",
                "body": "b",
                "requester_name": "n",
                "requester_email": "n@example.org",
                "channel": "api",
            },
            True,
        ),
        id="POST /api/v1/inquiries/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/improvements/",
            {"team": c.a, "title": "t", "kind": "low_hanging_fruit"},
            True,
        ),
        id="POST /api/v1/improvements/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/improvements/",
            {
                "team": c.b,
                "title": "t",
                "kind": "low_hanging_fruit",
                "source_inquiry": c.o["inquiry"].reference,
            },
            True,
        ),
        id="POST /api/v1/improvements/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "PATCH",
            "/api/v1/improvements/",
            {"id": c.o["improvement"].pk, "status": "done"},
            True,
        ),
        id="PATCH /api/v1/improvements/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/postmortems/",
            {"team": c.a, "inquiries": [c.o["resolved"].reference]},
            True,
        ),
        id="POST /api/v1/postmortems/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/postmortems/",
            {"team": c.b, "inquiries": [c.o["resolved"].reference]},
            True,
        ),
        id="POST /api/v1/postmortems/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "PATCH",
            f"/api/v1/postmortems/{c.ob['postmortem'].pk}/",
            {"inquiries": [c.o["resolved"].reference]},
            True,
        ),
        id="PATCH /api/v1/postmortems/<postmortem>/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/postmortems/{c.ob['postmortem'].pk}/recommendations/",
            {"description": "d", "owner": c.world.a_dev.pk},
            True,
        ),
        id="POST /api/v1/postmortems/<postmortem>/recommendations/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/absences/",
            {
                "member": c.world.a_dev.pk,
                "starts_at": "2030-01-01T00:00:00Z",
                "ends_at": "2030-01-02T00:00:00Z",
            },
            True,
        ),
        id="POST /api/v1/absences/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/swaps/",
            {"shift": c.o["shift"].pk, "counterpart": c.world.b_dev2.pk},
            True,
        ),
        id="POST /api/v1/swaps/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/api/v1/swaps/",
            {"shift": c.ob["shift"].pk, "counterpart": c.world.a_dev.pk},
            True,
        ),
        id="POST /api/v1/swaps/ #2",
    ),
    pytest.param(
        lambda c: (
            c.dev,
            "POST",
            "/api/v1/swaps/",
            {
                "shift": c.ob["shift"].pk,
                "counterpart": c.world.b_dev2.pk,
                "counterpart_shift": c.o["shift"].pk,
            },
            True,
        ),
        id="POST /api/v1/swaps/ as developer",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/shifts/{c.ob['shift'].pk}/override/",
            {"member": c.world.a_dev.pk},
            True,
        ),
        id="POST /api/v1/shifts/<shift>/override/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/teams/{c.b}/rotations/",
            {
                "shift_length_minutes": 60,
                "handoff_time": "09:00",
                "starts_on": "2030-01-01",
                "members": [c.world.a_dev.pk],
            },
            True,
        ),
        id="POST /api/v1/teams/<b>/rotations/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "PATCH",
            f"/api/v1/teams/{c.b}/rotations/{c.ob['rotation'].pk}/",
            {"members": [c.world.a_dev.pk]},
            True,
        ),
        id="PATCH /api/v1/teams/<b>/rotations/<rotation>/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "PATCH",
            f"/api/v1/teams/{c.b}/members/",
            {"id": c.world.a_dev.pk, "percent_time": 10},
            True,
        ),
        id="PATCH /api/v1/teams/<b>/members/",
    ),
    pytest.param(
        lambda c: (c.manager, "DELETE", f"/api/v1/teams/{c.b}/members/", {"id": c.world.a_dev.pk}, True),
        id="DELETE /api/v1/teams/<b>/members/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/inquiries/{c.ob['inquiry'].reference}/assign/",
            {"member": c.world.a_dev.pk},
            True,
        ),
        id="POST /api/v1/inquiries/<inquiry>/assign/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/inquiries/{c.ob['inquiry'].reference}/escalate/",
            {"member": c.world.a_dev.pk, "reason": "r"},
            True,
        ),
        id="POST /api/v1/inquiries/<inquiry>/escalate/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "PATCH",
            f"/api/v1/inquiries/{c.ob['inquiry'].reference}/",
            {"assignee": c.world.a_dev.pk},
            True,
        ),
        id="PATCH /api/v1/inquiries/<inquiry>/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/inquiries/{c.ob['inquiry'].reference}/resolve/",
            {"kind": "known_issue", "known_issue": c.o["resolved"].reference},
            True,
        ),
        id="POST /api/v1/inquiries/<inquiry>/resolve/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/api/v1/inquiries/{c.ob['inquiry'].reference}/resolve/",
            {"kind": "known_issue", "known_issue": str(c.o["resolved"].pk)},
            True,
        ),
        id="POST /api/v1/inquiries/<inquiry>/resolve/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/save/",
            {
                "team": c.a,
                "role": "primary",
                "shift_length_minutes": 60,
                "handoff_time": "09:00",
                "starts_on": "2030-01-01",
            },
            False,
        ),
        id="POST /rotations/save/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/save/",
            {
                "team": c.b,
                "rotation": c.o["rotation"].pk,
                "role": "primary",
                "shift_length_minutes": 60,
                "handoff_time": "09:00",
                "starts_on": "2030-01-01",
            },
            False,
        ),
        id="POST /rotations/save/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/schedule/",
            {"team": c.b, "rotation": c.o["rotation"].pk, "until": "2030-01-01"},
            False,
        ),
        id="POST /rotations/schedule/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/absences/add/",
            {
                "team": c.b,
                "member": c.world.a_dev.pk,
                "reason": "vacation",
                "starts_at": "2030-01-01T00:00",
                "ends_at": "2030-01-02T00:00",
            },
            False,
        ),
        id="POST /rotations/absences/add/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/absences/remove/",
            {"team": c.b, "absence": c.o["absence"].pk},
            False,
        ),
        id="POST /rotations/absences/remove/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/absences/remove/",
            {"team": c.a, "absence": c.o["absence"].pk},
            False,
        ),
        id="POST /rotations/absences/remove/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/override/",
            {"team": c.b, "shift": c.o["shift"].pk, "member": c.world.b_dev.pk},
            False,
        ),
        id="POST /rotations/override/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/override/",
            {"team": c.b, "shift": c.ob["shift"].pk, "member": c.world.a_dev.pk},
            False,
        ),
        id="POST /rotations/override/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/swaps/request/",
            {"team": c.b, "shift": c.o["shift"].pk, "counterpart": c.world.b_dev2.pk},
            False,
        ),
        id="POST /rotations/swaps/request/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/rotations/swaps/decide/",
            {"swap": c.o["swap"].pk, "decision": "accept"},
            False,
        ),
        id="POST /rotations/swaps/decide/",
    ),
    pytest.param(
        lambda c: (c.manager, "POST", "/rotations/swaps/cancel/", {"swap": c.o["swap"].pk}, False),
        id="POST /rotations/swaps/cancel/",
    ),
    pytest.param(
        lambda c: (c.manager, "POST", "/calendar/feeds/add/", {"team": c.a, "kind": "team"}, False),
        id="POST /calendar/feeds/add/",
    ),
    pytest.param(
        lambda c: (c.manager, "POST", "/calendar/feeds/revoke/", {"feed": c.o["team_feed"].pk}, False),
        id="POST /calendar/feeds/revoke/",
    ),
    pytest.param(
        lambda c: (c.dev, "POST", "/calendar/feeds/revoke/", {"feed": c.o["feed"].pk}, False),
        id="POST /calendar/feeds/revoke/ as developer",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/backlog/",
            {"team": c.a, "title": "t", "kind": "low_hanging_fruit"},
            False,
        ),
        id="POST /backlog/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/backlog/",
            {
                "team": c.b,
                "title": "t",
                "kind": "low_hanging_fruit",
                "source_inquiry": c.o["inquiry"].reference,
            },
            False,
        ),
        id="POST /backlog/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/postmortems/new/",
            {"team": c.a, "inquiries": c.o["resolved"].reference},
            False,
        ),
        id="POST /postmortems/new/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            "/postmortems/new/",
            {"team": c.b, "inquiries": c.o["resolved"].reference},
            False,
        ),
        id="POST /postmortems/new/ #2",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/link/",
            {"reference": c.o["resolved"].reference},
            False,
        ),
        id="POST /postmortems/<postmortem>/link/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/milestone-edit/",
            {"milestone": c.o["milestone"].pk, "description": "x", "at": "2030-01-01T00:00"},
            False,
        ),
        id="POST /postmortems/<postmortem>/milestone-edit/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/milestone-delete/",
            {"milestone": c.o["milestone"].pk},
            False,
        ),
        id="POST /postmortems/<postmortem>/milestone-delete/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/recommendation-edit/",
            {"recommendation": c.o["recommendation"].pk, "description": "x"},
            False,
        ),
        id="POST /postmortems/<postmortem>/recommendation-edit/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/recommendation-delete/",
            {"recommendation": c.o["recommendation"].pk},
            False,
        ),
        id="POST /postmortems/<postmortem>/recommendation-delete/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/backlog/",
            {"recommendation": c.o["recommendation"].pk, "kind": "low_hanging_fruit"},
            False,
        ),
        id="POST /postmortems/<postmortem>/backlog/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/postmortems/{c.ob['postmortem'].pk}/recommendation-add/",
            {"description": "x", "owner": c.world.a_dev.pk},
            False,
        ),
        id="POST /postmortems/<postmortem>/recommendation-add/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/inquiries/{c.ob['inquiry'].reference}/assign/",
            {"member": c.world.a_dev.pk},
            False,
        ),
        id="POST /inquiries/<inquiry>/assign/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/inquiries/{c.ob['inquiry'].reference}/escalate/",
            {"member": c.world.a_dev.pk, "reason": "r"},
            False,
        ),
        id="POST /inquiries/<inquiry>/escalate/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/inquiries/{c.ob['inquiry'].reference}/link-known/",
            {"known_issue": c.o["resolved"].reference},
            False,
        ),
        id="POST /inquiries/<inquiry>/link-known/",
    ),
    pytest.param(
        lambda c: (
            c.manager,
            "POST",
            f"/teams/{c.b}/members/{c.world.a_dev.pk}/",
            {"action": "remove"},
            False,
        ),
        id="POST /teams/<b>/members/<a_dev>/",
    ),
    pytest.param(
        lambda c: (c.manager, "POST", f"/api/v1/notifications/{c.o['notification'].pk}/read/", {}, True),
        id="POST /api/v1/notifications/<notification>/read/",
    ),
]


@pytest.mark.parametrize("case", FORM_CASES)
def test_forms_and_bodies_naming_another_teams_objects_change_nothing(world, case):
    client, method, url, body, api = case(_as_team_b(world))
    with writes() as written:
        response = call(client, method, url, body, api=api)
    sent = url + json.dumps(body)
    shown = text_of(response) + follow_messages(client, response)
    problems = []
    found = sorted(s for s in world.secrets if s not in sent and s.lower() in shown.lower())
    if found:
        problems.append(f"shows team A's {found}")
    if api and response.status_code not in (400, 403, 404):
        problems.append(f"{response.status_code} {text_of(response)[:200]}")
    if not api and response.status_code not in (302, 400, 403, 404):
        problems.append(f"{response.status_code}")
    if written:
        problems.append(f"wrote {written}")
    assert not problems, f"{method} {url} {body}: " + "; ".join(problems)


# Routes open without an account (by design): everything else needs a login.
PUBLIC = {
    "healthz",
    "readyz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "api-token",
    "api-schema",  # the OpenAPI schema and its docs page describe the API, no team's data (SPEC 4)
    "api-docs",
    "api-public-inquiry",
    "api-public-session-slots",
    "api-public-sessions",
    "book",
    "booking-manage",
    "ask",
    "ask-team",
    "track",
    "track-reply",
    "track-reopen",
    "calendar-feed",
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
    "metrics",  # guarded by its own bearer token, METRICS_TOKEN (tests/observability)
    "api-not-found",  # a JSON 404 for unmatched routes under /api/: no data
}


ANONYMOUS_ROUTES = [
    (pattern, name)
    for pattern, name in routes()
    if name not in PUBLIC and not ("<" in pattern and not pattern.startswith("admin/") and name in EXEMPT)
]


def test_anonymous_cases_cover_the_routes():
    assert len(ANONYMOUS_ROUTES) > 50


@pytest.mark.parametrize(
    ("pattern", "name"), [pytest.param(p, n, id=p or "root") for p, n in ANONYMOUS_ROUTES]
)
def test_anonymous_gets_nothing_but_the_public_pages(world, pattern, name):
    client = Client()
    if pattern.startswith("admin/") and "<" in pattern:
        url = admin_urls(world)[pattern]
    elif "<" in pattern:
        table = targets(world)
        assert name in table, f"{pattern} ({name}) takes an object but has no case in targets()"
        url = _resolve_url(name, table[name][0][0])
    else:
        url = "/" + pattern
    api = pattern.startswith("api/")
    problems = []
    for method in METHODS:
        with writes() as written:
            response = call(client, method, url, body_for(world), api=api)
        code = response.status_code
        if api:
            ok = code in (401, 403) or (code == 405 and method != "GET")
        elif pattern.startswith("admin/"):
            ok = code == 302 and "/admin/login/" in response.get("Location", "")
        else:
            ok = (code == 302 and "/accounts/login/" in response.get("Location", "")) or code == 405
        if not ok:
            problems.append(f"anonymous {method} {url}: {code}")
        found = leaked(response, world.secrets, sent=url)
        if found:
            problems.append(f"anonymous {method} {url} shows {found}")
        if written:
            problems.append(f"anonymous {method} {url} wrote {written}")
    assert not problems, "\n".join(problems)


def test_admin_is_closed_to_team_members(world):
    for member in (world.b_dev, world.b_manager):
        response = login(member.user).get(f"/admin/shifts/team/{world.a.pk}/change/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_tracking_page_with_a_wrong_token_is_404_and_shows_nothing(world):
    client = Client()
    token = world.objs["inquiry"].tracking_token
    wrong = [
        "x" * len(token),
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token[:10],
        token.upper() if token.upper() != token else token.lower(),
        world.objs["inquiry"].reference,
        str(world.objs["inquiry"].pk),
    ]
    for bad in wrong:
        for path, method in (("", "GET"), ("reply/", "POST"), ("reopen/", "POST")):
            url = f"/track/{bad}/{path}"
            with writes() as written:
                response = client.get(url) if method == "GET" else client.post(url, {"body": "Zzz reply"})
            assert response.status_code == 404, url
            assert not leaked(response, world.secrets, sent=url), url
            assert not written, f"{method} {url} wrote {written}"


def test_calendar_feed_with_unknown_or_revoked_token_is_404(world):
    client = Client()
    feed = CalendarFeed.objects.get(pk=world.objs["feed"].pk)  # revoked below: not the shared instance
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200
    assert client.get(f"/calendar/{'x' * len(feed.token)}.ics").status_code == 404
    shift_services.feed_revoke(feed=feed, actor=world.a_dev.user)
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 404
    assert not leaked(response, world.secrets - {feed.token}, sent="")


# ---------------------------------------------------------------- roles inside one team


def _developer_of_b(world) -> SimpleNamespace:
    return SimpleNamespace(
        world=world,
        o=world.objs["b"],
        b=world.b.slug,
        others_shift=Shift.objects.filter(
            team=world.b, member=world.b_dev2, starts_at__gt=timezone.now()
        ).first(),
    )


# What only a team's managers may do, asked by one of its developers: (method, url, body).
DEVELOPER_API_CASES = [
    pytest.param(
        lambda c: ("PATCH", f"/api/v1/teams/{c.b}/", {"name": "Taken over"}), id="PATCH /api/v1/teams/<b>/"
    ),
    pytest.param(
        lambda c: (
            "POST",
            f"/api/v1/teams/{c.b}/members/",
            {"username": "intruder", "email": "i@example.org", "percent_time": 50},
        ),
        id="POST /api/v1/teams/<b>/members/",
    ),
    pytest.param(
        lambda c: ("PATCH", f"/api/v1/teams/{c.b}/members/{c.world.b_dev.pk}/", {"role": "manager"}),
        id="PATCH /api/v1/teams/<b>/members/<b_dev>/",
    ),
    pytest.param(
        lambda c: ("PATCH", f"/api/v1/teams/{c.b}/members/{c.world.b_dev2.pk}/", {"percent_time": 10}),
        id="PATCH /api/v1/teams/<b>/members/<b_dev2>/",
    ),
    pytest.param(
        lambda c: ("DELETE", f"/api/v1/teams/{c.b}/members/{c.world.b_dev2.pk}/", {}),
        id="DELETE /api/v1/teams/<b>/members/<b_dev2>/",
    ),
    pytest.param(
        lambda c: (
            "POST",
            f"/api/v1/teams/{c.b}/rotations/",
            {
                "shift_length_minutes": 60,
                "handoff_time": "09:00",
                "starts_on": "2030-01-01",
                "members": [c.world.b_dev.pk],
            },
        ),
        id="POST /api/v1/teams/<b>/rotations/",
    ),
    pytest.param(
        lambda c: (
            "PATCH",
            f"/api/v1/teams/{c.b}/rotations/{c.o['rotation'].pk}/",
            {"shift_length_minutes": 120},
        ),
        id="PATCH /api/v1/teams/<b>/rotations/<rotation>/",
    ),
    pytest.param(
        lambda c: (
            "POST",
            f"/api/v1/teams/{c.b}/rotations/{c.o['rotation'].pk}/schedule/",
            {"until": "2031-01-01"},
        ),
        id="POST /api/v1/teams/<b>/rotations/<rotation>/schedule/",
    ),
    pytest.param(
        lambda c: ("POST", f"/api/v1/shifts/{c.others_shift.pk}/override/", {"member": c.world.b_dev.pk}),
        id="POST /api/v1/shifts/<others_shift>/override/",
    ),
    pytest.param(
        lambda c: ("GET", f"/api/v1/reports/load/?team={c.b}", {}), id="GET /api/v1/reports/load/?team=<b>"
    ),
    pytest.param(
        lambda c: ("GET", f"/api/v1/reports/cost/?team={c.b}", {}), id="GET /api/v1/reports/cost/?team=<b>"
    ),
    pytest.param(
        lambda c: ("GET", f"/api/v1/reports/team-load/?team={c.b}", {}),
        id="GET /api/v1/reports/team-load/?team=<b>",
    ),
    pytest.param(
        lambda c: ("DELETE", f"/api/v1/absences/{c.o['absence'].pk}/", {}),
        id="DELETE /api/v1/absences/<absence>/",
    ),
]
# The same through the pages: (url, form).
DEVELOPER_PAGE_CASES = [
    pytest.param(
        lambda c: (f"/teams/{c.b}/save/", {"name": "Taken over", "timezone": "UTC"}),
        id="POST /teams/<b>/save/",
    ),
    pytest.param(
        lambda c: (
            f"/teams/{c.b}/members/add/",
            {"username": "intruder", "email": "i@example.org", "percent_time": 50},
        ),
        id="POST /teams/<b>/members/add/",
    ),
    pytest.param(
        lambda c: (f"/teams/{c.b}/members/{c.world.b_dev2.pk}/", {"action": "remove"}),
        id="POST /teams/<b>/members/<b_dev2>/",
    ),
    pytest.param(
        lambda c: (f"/teams/{c.b}/members/{c.world.b_dev.pk}/", {"percent_time": 100, "role": "manager"}),
        id="POST /teams/<b>/members/<b_dev>/",
    ),
    pytest.param(
        lambda c: (
            "/rotations/save/",
            {
                "team": c.b,
                "role": "primary",
                "shift_length_minutes": 60,
                "handoff_time": "09:00",
                "starts_on": "2030-01-01",
                "members": [c.world.b_dev.pk],
            },
        ),
        id="POST /rotations/save/",
    ),
    pytest.param(
        lambda c: (
            "/rotations/save/",
            {
                "team": c.b,
                "rotation": c.o["rotation"].pk,
                "role": "primary",
                "shift_length_minutes": 120,
                "handoff_time": "09:00",
                "starts_on": "2030-01-01",
            },
        ),
        id="POST /rotations/save/ #2",
    ),
    pytest.param(
        lambda c: (
            "/rotations/schedule/",
            {"team": c.b, "rotation": c.o["rotation"].pk, "until": "2031-01-01"},
        ),
        id="POST /rotations/schedule/",
    ),
    pytest.param(
        lambda c: (
            "/rotations/override/",
            {
                "team": c.b,
                "member": c.world.b_dev.pk,
                "shift": Shift.objects.filter(
                    team=c.world.b, member=c.world.b_dev2, starts_at__gt=timezone.now()
                )
                .first()
                .pk,
            },
        ),
        id="POST /rotations/override/",
    ),
    pytest.param(
        lambda c: (
            "/rotations/absences/add/",
            {
                "team": c.b,
                "member": c.world.b_dev2.pk,
                "reason": "vacation",
                "starts_at": "2030-01-01T00:00",
                "ends_at": "2030-01-02T00:00",
            },
        ),
        id="POST /rotations/absences/add/",
    ),
    pytest.param(
        lambda c: ("/rotations/absences/remove/", {"team": c.b, "absence": c.o["absence"].pk}),
        id="POST /rotations/absences/remove/",
    ),
]


@pytest.mark.parametrize("case", DEVELOPER_API_CASES)
def test_developer_cannot_do_manager_things_through_the_api(world, case):
    method, url, body = case(_developer_of_b(world))
    dev = login(world.b_dev.user)
    with writes() as written:
        response = call(dev, method, url, body, api=True)
    assert response.status_code == 403, text_of(response)[:200]
    assert not written


@pytest.mark.parametrize("page", ["/reports/", "/reports/load/?team=<b>"])
def test_developer_cannot_read_the_manager_reports(world, page):
    assert login(world.b_dev.user).get(page.replace("<b>", world.b.slug)).status_code == 403


@pytest.mark.parametrize("case", DEVELOPER_PAGE_CASES)
def test_developer_cannot_do_manager_things_through_the_pages(world, case):
    url, body = case(_developer_of_b(world))
    dev = login(world.b_dev.user)
    with writes() as written:
        response = dev.post(url, body)
    assert response.status_code in (302, 403)
    assert not written


# ---------------------------------------------------------------- public intake


def _intake_counts():
    from notices.models import OutboundMessage

    return Inquiry.objects.count(), OutboundMessage.objects.count(), Notification.objects.count()


GOOD = {"name": "Rita Requester", "email": "rita@example.org", "subject": "A question", "body": "Why?"}


@pytest.mark.parametrize(
    "change",
    [
        {"email": "not-an-email"},
        {"email": ""},
        {"subject": "s" * 5000},
        {"name": "n" * 5000},
        {"body": "b" * 200_000},
        {"subject": ""},
        {"body": "   "},
        {"website": "http://spam.example"},
    ],
    ids=lambda c: next(iter(c)) + ":" + str(next(iter(c.values())))[:12],
)
def test_bad_public_intake_stores_nothing(world, change):
    client = Client()
    before = _intake_counts()
    page = client.post(f"/ask/{world.a.slug}/", {**GOOD, **change})
    assert page.status_code == 400
    api = client.post(
        "/api/v1/public/inquiries/", {**GOOD, "team": world.a.slug, **change}, content_type="application/json"
    )
    assert api.status_code == 400, api.content
    assert _intake_counts() == before


def test_public_intake_to_an_unknown_team_stores_nothing_and_names_no_team(world):
    client = Client()
    before = _intake_counts()
    assert client.get("/ask/no-such-team/").status_code == 404
    assert client.post("/ask/no-such-team/", GOOD).status_code == 404
    api = client.post(
        "/api/v1/public/inquiries/", {**GOOD, "team": "no-such-team"}, content_type="application/json"
    )
    assert api.status_code in (400, 404)
    assert not leaked(api, world.secrets, sent="")
    assert _intake_counts() == before


def test_public_intake_works_for_a_good_submission(world):
    """The control for the tests above: the same input, well formed, is stored."""
    before = Inquiry.objects.count()
    response = Client().post(f"/ask/{world.a.slug}/", GOOD)
    assert response.status_code == 302
    assert Inquiry.objects.count() == before + 1


def test_objects_of_both_teams_exist(world):
    """Guard against an empty world making every check above pass vacuously."""
    for model in (
        Rotation,
        Shift,
        Absence,
        Swap,
        CalendarFeed,
        Inquiry,
        Escalation,
        Improvement,
        Postmortem,
        Notification,
    ):
        assert model.objects.count() >= 2, model
    assert Swap.objects.filter(team=world.a).exists() and Swap.objects.filter(team=world.b).exists()
    assert admin.site.is_registered(Inquiry)
