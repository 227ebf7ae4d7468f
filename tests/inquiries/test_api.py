import datetime as dt

import pytest
from django.utils import timezone

from inquiries import services
from inquiries.models import Escalation, Event, Inquiry
from notices.models import OutboundMessage
from tests.factories import inquiry_through_intake

pytestmark = pytest.mark.django_db

SPEC_FIELDS = {
    "reference",
    "team",
    "subject",
    "body",
    "requester_name",
    "requester_email",
    "channel",
    "topic",
    "priority",
    "urgency",
    "actionable",
    "reproducible",
    "serious",
    "status",
    "assignee",
    "received_at",
    "responded_at",
    "resolved_at",
    "response_due_at",
    "response_guarantee_at",
    "resolution_kind",
    "resolution_note",
    "product_issue_url",
    "keep",
    "handoff_note",
    "effort_minutes",
}


def test_detail_has_every_spec_field_and_summed_effort(as_member, primary, teammate, inquiry):
    services.effort_log(inquiry=inquiry, actor=primary.user, minutes=20)
    services.effort_log(inquiry=inquiry, actor=teammate.user, minutes=15)
    body = as_member(primary).get("/api/v1/inquiries/ADS-1/").json()
    assert SPEC_FIELDS <= set(body)
    assert body["effort_minutes"] == 35
    assert body["team"] == "ads" and body["assignee"] == primary.pk
    assert body["received_at"].endswith(("Z", "+00:00"))


def test_reference_is_case_insensitive(as_member, primary, inquiry):
    assert as_member(primary).get("/api/v1/inquiries/ads-1/").status_code == 200


def test_a_reference_is_found_by_its_team_number_too(as_member, primary, inquiry, open_team):
    """The lookup also compares the number the reference ends in (inquiries.references.reference_filter),
    which the (team, number) index answers; the reference must still match as a whole, in any case, and
    an older prefix keeps working after the team's prefix changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_member(primary)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/inquiries/ads-1/").status_code == 200
    assert any('"number" = 1' in q["sql"] for q in queries.captured_queries)
    assert client.get("/api/v1/inquiries/XYZ-1/").status_code == 404  # the number alone is not enough
    open_team.reference_prefix = "LEARN"
    open_team.save()
    assert client.get("/api/v1/inquiries/ADS-1/").status_code == 200


def test_other_teams_inquiry_is_404_for_every_verb(as_member, outsider, inquiry):
    client = as_member(outsider)
    assert client.get("/api/v1/inquiries/ADS-1/").status_code == 404
    assert client.patch("/api/v1/inquiries/ADS-1/", {"priority": "high"}, format="json").status_code == 404
    for action, payload in [
        ("respond", {"body": "x"}),
        ("notes", {"body": "x"}),
        ("wait", {}),
        ("reopen", {}),
        ("resolve", {"kind": "answered"}),
        ("assign", {"member": outsider.pk}),
        ("escalate", {"member": outsider.pk, "reason": "x"}),
        ("effort", {"minutes": 5}),
    ]:
        response = client.post(f"/api/v1/inquiries/ADS-1/{action}/", payload, format="json")
        assert response.status_code == 404, action
        assert (
            "ADS-1" not in str(response.json().get("detail", "")) or "No inquiry" in response.json()["detail"]
        )
    assert client.get("/api/v1/inquiries/ADS-1/events/").status_code == 404
    assert client.get("/api/v1/inquiries/").json()["count"] == 0
    assert Inquiry.objects.get().status == "new"


def test_anonymous_cannot_list(api, inquiry):
    assert api.get("/api/v1/inquiries/").status_code in (401, 403)


def test_walk_respond_wait_resolve_reopen_through_the_api(as_member, primary, inquiry):
    client = as_member(primary)
    assert (
        client.post("/api/v1/inquiries/ADS-1/respond/", {"body": "Hi"}, format="json").json()["status"]
        == "responded"
    )
    assert (
        client.post("/api/v1/inquiries/ADS-1/notes/", {"body": "internal"}, format="json").status_code == 201
    )
    assert client.post("/api/v1/inquiries/ADS-1/wait/").json()["status"] == "waiting"
    resolved = client.post(
        "/api/v1/inquiries/ADS-1/resolve/", {"kind": "answered", "note": "done"}, format="json"
    ).json()
    assert (resolved["status"], resolved["resolution_kind"]) == ("resolved", "answered")
    assert client.post("/api/v1/inquiries/ADS-1/reopen/").json()["status"] == "responded"
    events = client.get("/api/v1/inquiries/ADS-1/events/").json()
    kinds = [e["kind"] for e in events["results"]]
    assert kinds == ["created", "assigned", "responded", "note_added", "waiting", "resolved", "reopened"]
    assert events["results"][2]["actor"] == primary.display_name


def test_illegal_transition_is_409_naming_the_state(as_member, primary, inquiry):
    client = as_member(primary)
    response = client.post("/api/v1/inquiries/ADS-1/wait/")
    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == "Inquiry ADS-1 is new; respond to the requester before putting it on wait."
    )
    client.post("/api/v1/inquiries/ADS-1/resolve/", {"kind": "answered"}, format="json")
    response = client.post("/api/v1/inquiries/ADS-1/wait/")
    assert response.status_code == 409
    assert response.json()["detail"] == "Inquiry ADS-1 is resolved; it cannot be put on wait."


def test_promoted_without_url_is_400_and_changes_nothing(as_member, primary, inquiry):
    response = as_member(primary).post(
        "/api/v1/inquiries/ADS-1/resolve/", {"kind": "promoted"}, format="json"
    )
    assert response.status_code == 400
    assert "product-development issue" in response.json()["detail"]
    assert response.json()["errors"] == {"product_issue_url": [response.json()["detail"]]}
    assert Inquiry.objects.get().status == "new"
    assert not Event.objects.filter(kind="resolved").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject": "x" * 201}, "subject"),
        ({"requester_email": "nope"}, "requester_email"),
        ({"body": ""}, "body"),
        ({"channel": "web"}, "channel"),
        ({"topic": "Unknown topic"}, "topic"),
        ({"channel": "api", "received_at": "2020-01-01T00:00:00Z"}, "received_at"),
    ],
)
def test_member_create_rejects_bad_input_with_a_message(as_member, primary, on_shift, payload, field):
    data = {
        "team": "ads",
        "subject": "s",
        "body": "b",
        "requester_name": "n",
        "requester_email": "n@example.org",
    }
    response = as_member(primary).post("/api/v1/inquiries/", {**data, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["detail"] or field in response.json().get("errors", {})
    assert not Inquiry.objects.exists()


def test_member_create_in_unknown_or_foreign_team_is_404(as_member, primary, other_team):
    data = {"subject": "s", "body": "b", "requester_name": "n", "requester_email": "n@example.org"}
    for slug in ("nope", "bio"):
        assert (
            as_member(primary).post("/api/v1/inquiries/", {**data, "team": slug}, format="json").status_code
            == 404
        )
    assert not Inquiry.objects.exists()


def test_member_imports_history_with_original_timestamp(as_member, primary, on_shift):
    payload = {
        "team": "ads",
        "channel": "import",
        "subject": "Old",
        "body": "From the old tool",
        "requester_name": "Old Timer",
        "requester_email": "old@example.org",
        "received_at": "2024-05-02T10:00:00+02:00",
    }
    response = as_member(primary).post("/api/v1/inquiries/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["received_at"] in ("2024-05-02T08:00:00Z", "2024-05-02T08:00:00+00:00")
    assert response.json()["channel"] == "import"


def test_patch_triage_and_assignee(as_member, primary, teammate, inquiry, topic):
    response = as_member(primary).patch(
        "/api/v1/inquiries/ADS-1/",
        {
            "priority": "critical",
            "topic": "Pandas",
            "urgency": "2030-02-01",
            "assignee": teammate.pk,
            "keep": True,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["priority"], body["topic"], body["urgency"], body["assignee"], body["keep"]) == (
        "critical",
        "Pandas",
        "2030-02-01",
        teammate.pk,
        True,
    )


def test_patch_refuses_read_only_fields(as_member, primary, inquiry):
    response = as_member(primary).patch("/api/v1/inquiries/ADS-1/", {"status": "resolved"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["detail"]
    assert Inquiry.objects.get().status == "new"


def test_escalation_accept_and_decline_endpoints(as_member, primary, teammate, outsider, inquiry):
    created = as_member(primary).post(
        "/api/v1/inquiries/ADS-1/escalate/", {"member": teammate.pk, "reason": "Pandas expert"}, format="json"
    )
    assert created.status_code == 201
    escalation_id = created.json()["id"]
    assert as_member(outsider).post(f"/api/v1/escalations/{escalation_id}/accept/").status_code == 404
    declined = as_member(teammate).post(f"/api/v1/escalations/{escalation_id}/decline/", {}, format="json")
    assert declined.status_code == 400
    assert Escalation.objects.get().status == "pending"
    accepted = as_member(teammate).post(f"/api/v1/escalations/{escalation_id}/accept/", {}, format="json")
    assert accepted.json()["status"] == "accepted"
    again = as_member(teammate).post(
        f"/api/v1/escalations/{escalation_id}/decline/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409


def test_effort_endpoint_validates_minutes(as_member, primary, inquiry):
    client = as_member(primary)
    assert client.post("/api/v1/inquiries/ADS-1/effort/", {"minutes": 0}, format="json").status_code == 400
    assert (
        client.post(
            "/api/v1/inquiries/ADS-1/effort/", {"minutes": 30, "note": "x"}, format="json"
        ).status_code
        == 201
    )
    assert client.get("/api/v1/inquiries/ADS-1/").json()["effort_minutes"] == 30


def test_list_filters(as_member, primary, teammate, on_shift, open_team, topic):
    first = inquiry_through_intake(open_team, subject="Pandas merge fails", topic=topic)
    second = inquiry_through_intake(open_team, subject="Login broken", priority="high")
    services.inquiry_assign(inquiry=second, actor=primary.user, member=teammate)
    services.inquiry_respond(inquiry=first, actor=primary.user, body="ok")
    Inquiry.objects.filter(pk=second.pk).update(response_due_at=timezone.now() - dt.timedelta(minutes=5))
    client = as_member(primary)

    def refs(query):
        response = client.get("/api/v1/inquiries/?" + query)
        assert response.status_code == 200, response.json()
        return sorted(r["reference"] for r in response.json()["results"])

    assert refs("team=ads") == ["ADS-1", "ADS-2"]
    assert refs("status=new") == ["ADS-2"]
    assert refs("status=open") == ["ADS-1", "ADS-2"]
    assert refs(f"assignee={teammate.pk}") == ["ADS-2"]
    assert refs("assignee=me") == ["ADS-1"]
    assert refs("priority=high") == ["ADS-2"]
    assert refs("topic=pandas") == ["ADS-1"]
    assert refs("overdue=true") == ["ADS-2"]
    assert refs("search=merge") == ["ADS-1"]
    assert client.get("/api/v1/inquiries/?status=bogus").status_code == 400
    # Every priority (the filter also reads the priority sort's rank), channel and way to name an assignee.
    Inquiry.objects.filter(pk=first.pk).update(priority="low", channel="email")
    third = inquiry_through_intake(open_team, subject="Crash", priority="critical")
    Inquiry.objects.filter(pk=third.pk).update(assignee=None)
    assert {p: refs(f"priority={p}") for p in ("low", "normal", "high", "critical")} == {
        "low": ["ADS-1"],
        "normal": [],
        "high": ["ADS-2"],
        "critical": [third.reference],
    }
    assert refs("channel=email") == ["ADS-1"] and refs("channel=github") == []
    assert refs(f"assignee={teammate.user.username}") == ["ADS-2"]
    assert refs("assignee=nobody-by-that-name") == [] and refs("assignee=none") == [third.reference]
    assert refs("topic=PANDAS") == ["ADS-1"] and refs("topic=no-such-topic") == []


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_constant(
    as_member,
    primary,
    on_shift,
    open_team,
    topic,
    rows,
    django_assert_max_num_queries,
):
    for n in range(rows):
        inquiry = inquiry_through_intake(open_team, subject=f"Question {n}", topic=topic)
        services.effort_log(inquiry=inquiry, actor=primary.user, minutes=5)
    client = as_member(primary)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/inquiries/?page_size=100")
    assert response.json()["count"] == rows


def test_improvements_api(as_member, primary, outsider, inquiry):
    client = as_member(primary)
    created = client.post(
        "/api/v1/improvements/",
        {
            "team": "ads",
            "title": "FAQ",
            "kind": "low_hanging_fruit",
            "estimate_hours": "2",
            "source_inquiry": "ADS-1",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["source_inquiry"] == "ADS-1"
    too_big = client.post(
        "/api/v1/improvements/",
        {"team": "ads", "title": "Big", "kind": "low_hanging_fruit", "estimate_hours": "9"},
        format="json",
    )
    assert too_big.status_code == 400 and "limit" in too_big.json()["detail"]
    item_id = created.json()["id"]
    patched = client.patch("/api/v1/improvements/", {"id": item_id, "status": "done"}, format="json")
    assert patched.json()["status"] == "done"
    assert client.get("/api/v1/improvements/").json()["count"] == 1
    assert as_member(outsider).get("/api/v1/improvements/").json()["count"] == 0
    assert (
        as_member(outsider)
        .patch(f"/api/v1/improvements/{item_id}/", {"status": "open"}, format="json")
        .status_code
        == 404
    )


def test_replies_email_the_requester_but_notes_do_not(as_member, primary, inquiry):
    client = as_member(primary)
    client.post("/api/v1/inquiries/ADS-1/notes/", {"body": "hidden words"}, format="json")
    client.post("/api/v1/inquiries/ADS-1/respond/", {"body": "visible words"}, format="json")
    bodies = " ".join(OutboundMessage.objects.filter(to="lea@example.org").values_list("body", flat=True))
    assert "visible words" in bodies and "hidden words" not in bodies


def test_patch_with_a_valid_priority_and_an_invalid_assignee_saves_nothing(
    as_member, primary, inquiry, outsider
):
    events_before = Event.objects.filter(inquiry=inquiry).count()

    response = as_member(primary).patch(
        f"/api/v1/inquiries/{inquiry.reference}/",
        {"priority": "critical", "handoff_note": "see logs", "assignee": outsider.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "assignee" in str(response.json())
    inquiry.refresh_from_db()
    assert (inquiry.priority, inquiry.handoff_note, inquiry.assignee) == ("normal", "", primary)
    assert Event.objects.filter(inquiry=inquiry).count() == events_before


def test_patch_of_a_resolved_inquirys_priority_and_assignee_is_refused_whole(
    as_member, primary, teammate, inquiry
):
    services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered")
    events_before = Event.objects.filter(inquiry=inquiry).count()

    response = as_member(primary).patch(
        f"/api/v1/inquiries/{inquiry.reference}/",
        {"priority": "high", "assignee": teammate.pk},
        format="json",
    )

    assert response.status_code == 409
    inquiry.refresh_from_db()
    assert (inquiry.priority, inquiry.assignee) == ("normal", primary)
    assert Event.objects.filter(inquiry=inquiry).count() == events_before


def test_patch_of_priority_and_assignee_is_one_change(as_member, primary, teammate, inquiry):
    response = as_member(primary).patch(
        f"/api/v1/inquiries/{inquiry.reference}/",
        {"priority": "high", "assignee": teammate.pk},
        format="json",
    )

    assert response.status_code == 200
    kinds = list(Event.objects.filter(inquiry=inquiry).order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["priority_changed", "assigned"]


def test_an_import_time_without_an_offset_is_the_teams_wall_clock(as_member, primary, on_shift):
    response = as_member(primary).post(
        "/api/v1/inquiries/",
        {
            "team": "ads",
            "channel": "import",
            "subject": "Old question",
            "body": "From the old tool",
            "requester_name": "Lea",
            "requester_email": "lea@example.org",
            "received_at": "2026-01-05T10:00",
            "responded_at": "2026-01-05T11:30",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Europe/Zurich in January is UTC+1.
    assert (
        body["received_at"].startswith("2026-01-05T10:00:00+01:00")
        or body["received_at"] == "2026-01-05T09:00:00Z"
    )
    from inquiries.models import Inquiry

    inquiry = Inquiry.objects.get(reference=body["reference"])
    assert inquiry.received_at.isoformat() == "2026-01-05T09:00:00+00:00"
    assert inquiry.responded_at.isoformat() == "2026-01-05T10:30:00+00:00"
