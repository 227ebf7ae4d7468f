"""The public intake is a plain Django view (issue 16) with DRF's contract: its validation gives exactly
what PublicInquirySerializer gives (values and messages, field by field), and the HTTP answers around it
are DRF's (415, parse errors, 405, OPTIONS, 429 with Retry-After, Allow)."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIRequestFactory

from inquiries.api.public import PublicInquiryCreateView, validate_public_inquiry
from inquiries.api.serializers import PublicInquirySerializer
from inquiries.models import Inquiry

URL = "/api/v1/public/inquiries/"
GOOD = {
    "team": "ads",
    "name": "Lea",
    "email": "lea@example.org",
    "subject": "Kernel dies",
    "body": "It dies.",
}

TRICKY_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "  \n ",
            "a b",
            "no pe!",
            "ads",
            "lea@example.org",
            "  lea@example.org ",
            "bad@",
            "x\u202ey",
            "l\r\nine",
            "\ud800",
            "a\x00b",
            "\t",
            "0",
            "http://spam",
        ]
    ),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", " ", "\n", "-"]), st.integers(35, 260)),
)
VALUES = st.one_of(
    TRICKY_TEXT,
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, width=32),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
SUBMISSIONS = st.dictionaries(
    st.sampled_from(["team", "name", "email", "subject", "body", "topic", "website", "other"]), VALUES
).map(lambda changes: {**GOOD, **changes})


def serializer_says(data):
    serializer = PublicInquirySerializer(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data), {}
    return {}, json.loads(json.dumps(serializer.errors))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SUBMISSIONS)
def test_validation_is_the_serializers_field_by_field(data):
    assert validate_public_inquiry(data) == serializer_says(data)


@pytest.mark.parametrize(
    "data",
    [None, [], [GOOD], "text", 5, 1.5, True, {}, {k: v for k, v in GOOD.items() if k != "email"}],
)
def test_validation_of_whole_bodies_is_the_serializers(data):
    values, errors = validate_public_inquiry(data)
    expected = serializer_says(data)
    assert (values, errors) == expected
    if data == {}:
        assert list(errors) == ["team", "name", "email", "subject", "body"]  # the fields' order


@pytest.mark.django_db
def test_answers_around_validation_are_drfs(settings, on_shift):
    settings.PUBLIC_INTAKE_RATE = "1000/hour"
    client = Client()
    post = lambda body, kind="application/json": client.post(URL, body, content_type=kind)  # noqa: E731
    response = post("{nope")
    assert response.status_code == 400 and response["Allow"] == "POST, OPTIONS"
    assert response.json()["detail"].startswith("JSON parse error - Expecting property name")
    response = post("hello", "text/plain")
    assert (response.status_code, response.json()) == (
        415,
        {"detail": 'Unsupported media type "text/plain" in request.'},
    )
    response = post(json.dumps([1]))
    assert response.json() == {
        "detail": "Invalid data. Expected a dictionary, but got list.",
        "errors": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
    }
    response = post(json.dumps({"subject": "s" * 201}))
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "team: This field is required.; name: This field is required.; email: This field is required.; "
        "subject: Ensure this field has no more than 200 characters.; body: This field is required."
    )
    assert client.get(URL).json() == {"detail": 'Method "GET" not allowed.'}
    assert client.get(URL).status_code == 405
    options = client.options(URL)
    assert options.status_code == 200 and options.json()["parses"][0] == "application/json"
    # A form post is parsed like DRF's FormParser did; JSON answers are compact, non-ASCII kept.
    response = client.post(URL, {**GOOD, "subject": "Grüße"})
    assert response.status_code == 201 and response.content.startswith(b'{"reference":"ADS-')
    response = post(json.dumps({**GOOD, "team": "nope"}))
    assert (response.status_code, response.content) == (
        404,
        b'{"detail":"No team \'nope\' takes questions here."}',
    )
    assert Inquiry.objects.count() == 1


@pytest.mark.django_db
def test_throttled_answers_carry_retry_after_and_count_unparseable_bodies(settings, on_shift):
    settings.PUBLIC_INTAKE_RATE = "2/hour"
    client = Client()
    assert client.post(URL, "{nope", content_type="application/json").status_code == 400  # counted
    assert client.post(URL, GOOD, content_type="application/json").status_code == 201
    for body in (json.dumps(GOOD), "{nope"):
        response = client.post(URL, body, content_type="application/json")
        assert response.status_code == 429
        wait = int(response["Retry-After"])
        assert 0 < wait <= 3600
        assert response.json() == {"detail": f"Request was throttled. Expected available in {wait} seconds."}
    assert Inquiry.objects.count() == 1


@pytest.mark.django_db
def test_the_class_documenting_the_endpoint_answers_like_it(settings, on_shift):
    """The DRF class drf-spectacular reads hands the request to the plain view: same answers, and the
    client counted once (its documented throttle is not applied a second time)."""
    settings.PUBLIC_INTAKE_RATE = "2/hour"
    view = PublicInquiryCreateView.as_view()
    factory = APIRequestFactory()
    answers = [view(factory.post(URL, GOOD, format="json")) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert json.loads(answers[0].content)["reference"].startswith("ADS-")
    assert view(factory.post(URL, {"team": "ads"}, format="json")).status_code == 429
    assert Inquiry.objects.count() == 2
