"""Password reset: the same answer and the same work whether or not the address has an account; the email
goes through the outbox (no SMTP in the request); limits per client address and per email address."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import OutboundMessage
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/accounts/password_reset/"


def _request(client, email: str, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"email": email}, **extra)
    return response, len(queries)


def test_reset_answers_the_same_with_the_same_work_for_known_and_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    make_user("pat", email="pat@example.org")
    with django_capture_on_commit_callbacks(execute=False) as known_callbacks:
        known, known_queries = _request(client, "pat@example.org")
    with django_capture_on_commit_callbacks(execute=False) as unknown_callbacks:
        unknown, unknown_queries = _request(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.status_code == 302
    assert known_queries == unknown_queries
    assert len(known_callbacks) == len(unknown_callbacks) == 1
    # Nothing was looked up or written in the request itself.
    assert not OutboundMessage.objects.exists()
    known_callbacks[0]()
    unknown_callbacks[0]()
    message = OutboundMessage.objects.get()
    assert message.to == "pat@example.org"
    assert message.channel == "email"
    assert "/accounts/reset/" in message.body


def test_reset_email_goes_through_the_outbox_and_is_sent_by_it(client, django_capture_on_commit_callbacks):
    from django.core import mail

    make_user("pat", email="pat@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"email": "pat@example.org"})
    assert OutboundMessage.objects.filter(to="pat@example.org").exists()
    from notices.delivery import deliver_pending

    deliver_pending()
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    assert mail.outbox[0].subject == "Reset your SupportOps password"


def test_reset_is_limited_per_email_address_silently(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_EMAIL_RATE = "2/hour"
    make_user("pat", email="pat@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        codes = [client.post(URL, {"email": "PAT@example.org"}).status_code for _ in range(4)]
    assert codes == [302] * 4  # the same answer: the limit reveals nothing
    assert OutboundMessage.objects.count() == 2


def test_reset_is_limited_per_client_address(client, settings):
    settings.PASSWORD_RESET_IP_RATE = "3/hour"
    codes = [client.post(URL, {"email": f"n{n}@example.org"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
