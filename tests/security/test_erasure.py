"""Requester erasure: afterwards the address (and the name) appears nowhere in the database; the
inquiries remain for the team's statistics; it is audited without the address; managers only."""

import json

import pytest
from django.apps import apps
from django.db import models

from audit.models import AuditEntry
from inquiries import services
from inquiries.models import Inquiry
from notices.models import OutboundMessage
from tests.factories import make_member

pytestmark = pytest.mark.django_db

EMAIL = "Ada.Lovelace@Example.NET"
NAME = "Ada Lovelace"


def everywhere(needle: str) -> list[str]:
    """Every text and JSON column of every row of every model that contains `needle` (any case)."""
    found = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.EmailField)
        ]
        for row in model.objects.values("pk", *fields):
            for name in fields:
                value = row[name]
                text = json.dumps(value) if not isinstance(value, str) else value
                if text and needle.lower() in text.lower():
                    found.append(f"{model._meta.label}.{name} (pk {row['pk']})")
    return found


@pytest.fixture
def history(on_shift, primary, django_capture_on_commit_callbacks):
    """Two inquiries from Ada (acknowledged, answered, replied to, noted, resolved) and one from Bob."""
    with django_capture_on_commit_callbacks(execute=True):
        first = services.inquiry_create(
            team=on_shift.team,
            subject=f"Question from {EMAIL}",
            body=f"Hello, I am {NAME} ({EMAIL}). My kernel dies.",
            requester_name=NAME,
            requester_email=EMAIL,
        )
        services.inquiry_respond(
            inquiry=first, actor=primary.user, body=f"Dear Ada, restart it. Cheers to {NAME}"
        )
        services.inquiry_requester_reply(inquiry=first, body=f"Thanks! -- {NAME}, {EMAIL.lower()}")
        services.inquiry_add_note(
            inquiry=first, actor=primary.user, body=f"Ada Lovelace writes often; {EMAIL}"
        )
        second = services.inquiry_create(
            team=on_shift.team,
            subject="Another one",
            body="Second question",
            requester_name="ada lovelace",
            requester_email=EMAIL.lower(),
        )
        services.inquiry_resolve(
            inquiry=second, actor=primary.user, kind=Inquiry.ResolutionKind.values[0], note="for Ada"
        )
        bob = services.inquiry_create(
            team=on_shift.team,
            subject="Bob's question",
            body="Bob asks",
            requester_name="Bob Builder",
            requester_email="bob@example.org",
        )
    assert OutboundMessage.objects.filter(to__iexact=EMAIL).exists()
    return first, second, bob


def test_erasure_leaves_no_trace_of_the_address_or_name(as_member, manager, history):
    first, second, bob = history
    old_token = first.tracking_token
    assert everywhere(EMAIL)
    response = as_member(manager).post("/api/v1/teams/ads/erase-requester/", {"email": EMAIL}, format="json")
    assert response.status_code == 200
    assert response.json()["erased"]["inquiries"] == 2
    assert everywhere(EMAIL) == []
    assert everywhere(NAME) == []
    assert everywhere("Lovelace") == []
    # The inquiries stay for the statistics, under their references; the old tracking link is dead.
    first.refresh_from_db()
    assert first.reference == "ADS-1" and first.requester_name == "Erased requester"
    assert first.tracking_token != old_token
    assert as_member(manager).get(f"/track/{old_token}/").status_code == 404
    # Others are untouched.
    bob.refresh_from_db()
    assert (bob.requester_email, bob.body) == ("bob@example.org", "Bob asks")
    entry = AuditEntry.objects.get(action="requester.erase")
    assert (entry.actor, entry.team.slug, entry.new["inquiries"]) == (manager.user, "ads", 2)


def test_erasure_cancels_emails_still_waiting(as_member, manager, on_shift):
    inquiry = services.inquiry_create(
        team=on_shift.team, subject="s", body="b", requester_name=NAME, requester_email=EMAIL
    )
    assert OutboundMessage.objects.filter(inquiry=inquiry, status="pending").exists()
    as_member(manager).post("/api/v1/teams/ads/erase-requester/", {"email": EMAIL}, format="json")
    assert not OutboundMessage.objects.filter(status="pending").exclude(to="bob@example.org").exists()


def test_erasure_stays_in_the_team_unless_all_my_teams_is_asked(as_member, manager, on_shift, other_team):
    theirs = services.inquiry_create(
        team=other_team, subject="s", body="b", requester_name=NAME, requester_email=EMAIL
    )
    ours = services.inquiry_create(
        team=on_shift.team, subject="s", body="b", requester_name=NAME, requester_email=EMAIL
    )
    as_member(manager).post("/api/v1/teams/ads/erase-requester/", {"email": EMAIL}, format="json")
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.requester_email == EMAIL and ours.requester_email != EMAIL
    # A manager of both erases in both.
    make_member(other_team, user=manager.user, role="manager")
    response = as_member(manager).post(
        "/api/v1/teams/ads/erase-requester/", {"email": EMAIL, "all_teams": True}, format="json"
    )
    assert response.status_code == 200
    assert everywhere(EMAIL) == []


def test_only_managers_erase(as_member, primary, outsider, history):
    assert (
        as_member(primary)
        .post("/api/v1/teams/ads/erase-requester/", {"email": EMAIL}, format="json")
        .status_code
        == 403
    )
    assert (
        as_member(outsider)
        .post("/api/v1/teams/ads/erase-requester/", {"email": EMAIL}, format="json")
        .status_code
        == 404
    )
    response = as_member(outsider).post(
        "/api/v1/teams/bio/erase-requester/", {"email": "not an email"}, format="json"
    )
    assert response.status_code == 400
    assert everywhere(EMAIL)


def test_admin_action_erases_and_admin_delete_removes_outbound_emails(client, superuser, history):
    first, second, bob = history
    client.force_login(superuser)
    response = client.post(
        "/admin/inquiries/inquiry/",
        {"action": "erase_requesters", "_selected_action": [first.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert everywhere(EMAIL) == []
    assert AuditEntry.objects.filter(action="requester.erase", actor=superuser).exists()
    assert OutboundMessage.objects.filter(inquiry=bob).exists()
    response = client.post(f"/admin/inquiries/inquiry/{bob.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Inquiry.objects.filter(pk=bob.pk).exists()
    assert everywhere("bob@example.org") == []
