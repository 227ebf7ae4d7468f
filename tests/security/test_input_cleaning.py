"""Central input cleaning: control characters and bidi overrides never reach names and subjects; bodies
keep their line breaks. A CR/LF subject is cleaned and the requester still gets the acknowledgement."""

import pytest
from django.core import mail

from inquiries.models import Inquiry
from security.cleaning import clean_body, clean_line
from shifts.models import Team

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Help\r\nBcc: victim@example.org", "Help Bcc: victim@example.org"),
        ("Tab\there", "Tab here"),
        (f"invoice{RLO}fdp.exe", "invoicefdp.exe"),
        ("a\u2066b\u2069c\u202ad", "abcd"),
        ("bell\x07 and esc\x1b[31m", "bell and esc[31m"),
        ("c1\x85control\x9b", "c1 control"),
        ("  spaced   out  ", "spaced out"),
        ("Zoë – ünïcödé ✓", "Zoë – ünïcödé ✓"),
    ],
)
def test_clean_line(raw, clean):
    assert clean_line(raw) == clean


def test_clean_body_keeps_line_breaks_and_tabs():
    assert (
        clean_body("line 1\r\nline 2\rline 3\n\tindented\x00\x07" + RLO)
        == "line 1\nline 2\nline 3\n\tindented"
    )


def test_public_api_cleans_a_crlf_subject_and_acknowledges(api, on_shift, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/public/inquiries/",
            {
                "team": "ads",
                "name": f"Lea{RLO} Learner\n",
                "email": "lea@example.org",
                "subject": "Kernel dies\r\nBcc: victim@example.org",
                "body": "Line one\r\nLine two",
            },
            format="json",
        )
    assert response.status_code == 201
    inquiry = Inquiry.objects.get()
    assert inquiry.subject == "Kernel dies Bcc: victim@example.org"
    assert inquiry.requester_name == "Lea Learner"
    assert inquiry.body == "Line one\nLine two"
    acknowledgements = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert acknowledgements, "the requester is acknowledged"
    assert "\n" not in acknowledgements[0].subject and "Kernel dies Bcc" in acknowledgements[0].subject
    assert acknowledgements[0].bcc == []


def test_web_form_cleans_name_and_subject(client, on_shift):
    response = client.post(
        "/ask/ads/",
        {
            "name": f"{RLO}Lea",
            "email": "lea@example.org",
            "subject": "Help\r\nme",
            "body": "Body\r\nwith lines",
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert (inquiry.requester_name, inquiry.subject, inquiry.body) == ("Lea", "Help me", "Body\nwith lines")


def test_a_subject_of_only_control_characters_is_refused(api, on_shift):
    response = api.post(
        "/api/v1/public/inquiries/",
        {"team": "ads", "name": "Lea", "email": "lea@example.org", "subject": "\r\n\u202e", "body": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "subject" in response.json()["detail"]
    assert not Inquiry.objects.exists()


def test_team_and_member_names_are_cleaned(as_member, manager, team):
    api = as_member(manager)
    assert (
        api.patch("/api/v1/teams/ads/", {"name": f"Data{RLO} Science\r\n"}, format="json").status_code == 200
    )
    assert Team.objects.get(pk=team.pk).name == "Data Science"
    response = api.post(
        "/api/v1/teams/ads/members/",
        {"username": "newbie", "email": "newbie@example.org", "name": f"Nina{RLO}\tNew", "percent_time": 50},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Nina New"


def test_team_page_cleans_the_team_name(client, manager, team):
    client.force_login(manager.user)
    client.post(
        "/teams/ads/save/",
        {
            "name": f"Page{RLO} Team\x07",
            "timezone": team.timezone,
            "reference_prefix": "ADS",
            "response_target_minutes": "240",
            "response_guarantee_minutes": "1440",
            "support_budget_percent": "50",
            "low_hanging_fruit_hours": "4",
        },
    )
    assert Team.objects.get(pk=team.pk).name == "Page Team"
