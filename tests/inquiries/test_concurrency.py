"""A burst of concurrent submissions against real PostgreSQL: every one stored, every reference unique."""

import threading

import pytest
from django.db import connections

from inquiries import services
from inquiries.models import Inquiry
from notices.models import OutboundMessage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
PER_THREAD = 25


def test_concurrent_intake_gives_every_inquiry_a_unique_reference(on_shift, team):
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def submit(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                services.inquiry_create(
                    team=team,
                    subject=f"Burst {worker}-{n}",
                    body="Same second, many learners.",
                    requester_name=f"Learner {worker}",
                    requester_email=f"learner{worker}@example.org",
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * PER_THREAD
    references = list(Inquiry.objects.filter(team=team).values_list("reference", flat=True))
    assert len(references) == total
    assert len(set(references)) == total
    assert sorted(int(r.split("-")[1]) for r in references) == list(range(1, total + 1))
    # The team's count goes on after the burst's last number.
    after = services.inquiry_create(
        team=team, subject="After", body="Later.", requester_name="L", requester_email="l@example.org"
    )
    assert after.number == total + 1
    # Every requester was acknowledged exactly once.
    assert OutboundMessage.objects.filter(subject__contains="We received your question").count() == total + 1
