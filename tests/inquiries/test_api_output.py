"""The inquiry API renders its rows with `PlainOutput` (supportops.serializers): the same JSON as DRF's own
`Serializer.to_representation` of the same fields, in every time zone, for rows with and without their
links (topic, assignee, known issue) and with or without the page's effort."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from inquiries.api.serializers import InquiryOutputSerializer
from inquiries.listing import inquiry_list_for_user, with_effort
from inquiries.models import EffortLog, Inquiry
from supportops.serializers import PlainOutput
from tests.factories import TopicFactory, make_inquiry, make_member, make_user

ZONES = ("Europe/Zurich", "UTC", "America/St_Johns", "Asia/Kathmandu")


class DrfInquiryOutput(InquiryOutputSerializer):
    """The same fields rendered by DRF's loop."""

    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


class MixedOutput(PlainOutput, serializers.ModelSerializer):
    """Fields `PlainOutput` leaves to DRF: a relation, a method, the whole row, formats of their own."""

    known_issue = serializers.CharField(source="known_issue.reference", allow_null=True, default=None)
    assignee = serializers.PrimaryKeyRelatedField(read_only=True)
    received_local = serializers.DateTimeField(source="received_at", format="%Y-%m-%d %H:%M")
    received_utc = serializers.DateTimeField(source="received_at", default_timezone=dt.UTC)
    urgency_text = serializers.DateField(source="urgency", format="%d.%m.%Y", allow_null=True)
    line = serializers.SerializerMethodField()
    whole = serializers.SerializerMethodField()
    effort_minutes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inquiry
        fields = [
            "reference",
            "urgency",
            "actionable",
            "known_issue",
            "assignee",
            "received_local",
            "received_utc",
            "urgency_text",
            "line",
            "whole",
            "effort_minutes",
        ]

    def get_line(self, inquiry: Inquiry) -> str:
        return f"{inquiry.reference}: {inquiry.subject}"

    def get_whole(self, inquiry: Inquiry) -> int:
        return inquiry.pk


class DrfMixedOutput(MixedOutput):
    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


@pytest.fixture
def varied(team, primary):
    """Inquiries in every shape the list shows: new and unassigned, assigned to someone without a full
    name, resolved as a known issue with a topic and effort, waiting with an urgency, microseconds."""
    nameless = make_member(team, user=make_user("nameless", first_name=""))
    topic = TopicFactory(team=team, name="Pandas")
    at = dt.datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=dt.UTC)  # Zurich's DST starts at 01:00Z
    known = make_inquiry(team, received_at=at)
    rows = [
        known,
        make_inquiry(team, assignee=nameless, status=Inquiry.Status.RESPONDED, actionable=False),
        make_inquiry(
            team,
            assignee=primary,
            status=Inquiry.Status.RESOLVED,
            topic=topic,
            known_issue=known,
            known_issue_url="https://example.org/issues/1",
            resolution_kind=Inquiry.ResolutionKind.KNOWN_ISSUE,
            serious=True,
        ),
        make_inquiry(
            team,
            status=Inquiry.Status.WAITING,
            urgency=dt.date(2026, 4, 1),
            actionable=True,
            waiting_seconds=3600,
            resolution_due_at=at + dt.timedelta(days=3),
        ),
    ]
    EffortLog.objects.create(inquiry=rows[2], member=primary, minutes=25)
    return rows


def _page(primary) -> list[Inquiry]:
    return list(inquiry_list_for_user(user=primary.user).order_by("-received_at", "-id"))


@pytest.mark.parametrize("zone", ZONES)
def test_plain_rows_equal_drf_rows_in_every_zone(varied, primary, zone):
    rows = with_effort(_page(primary))
    bare = _page(primary)  # no effort_minutes attribute: DRF leaves the field out
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for page in (rows, bare):
            plain, drf = InquiryOutputSerializer(page, many=True).data, DrfInquiryOutput(page, many=True).data
            assert plain == drf
            assert [list(row) for row in plain] == [list(row) for row in drf]  # the same keys in order
        plain = InquiryOutputSerializer(rows, many=True).data
    assert {row["effort_minutes"] for row in plain} == {0, 25}
    assert "effort_minutes" not in InquiryOutputSerializer(bare[0]).data
    first = next(row for row in plain if row["received_at"].startswith("2026-03-2"))
    assert (
        first["received_at"]
        == {
            "Europe/Zurich": "2026-03-29T01:59:59.123456+01:00",
            "UTC": "2026-03-29T00:59:59.123456Z",
            "America/St_Johns": "2026-03-28T22:29:59.123456-02:30",
            "Asia/Kathmandu": "2026-03-29T06:44:59.123456+05:45",
        }[zone]
    )


def test_fields_plain_output_leaves_to_drf_render_as_drf_does(varied, primary):
    rows = with_effort(_page(primary))
    with timezone.override(zoneinfo.ZoneInfo("Europe/Zurich")):
        assert MixedOutput(rows, many=True).data == DrfMixedOutput(rows, many=True).data
        assert MixedOutput(_page(primary), many=True).data == DrfMixedOutput(_page(primary), many=True).data


def test_api_list_shows_times_in_the_viewers_zone(varied, primary, client):
    client.force_login(primary.user)  # a session: the middleware knows the viewer's zone
    body = client.get("/api/v1/inquiries/").json()
    with timezone.override(zoneinfo.ZoneInfo("Europe/Zurich")):  # the team's zone, the viewer's default
        expected = DrfInquiryOutput(with_effort(_page(primary)), many=True).data
    assert body["results"] == expected
    assert body["results"][0]["received_at"] == "2026-03-29T01:59:59.123456+01:00"
