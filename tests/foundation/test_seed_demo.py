import pytest
from django.core.management import call_command

from inquiries.models import Inquiry
from shifts.models import Member, Shift, Team

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_every_page_and_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = (Team.objects.count(), Member.objects.count(), Inquiry.objects.count(), Shift.objects.count())
    assert counts[0] == 3 and counts[2] > 0 and counts[3] > 0
    assert set(Inquiry.objects.values_list("status", flat=True)) == set(Inquiry.Status.values)
    assert not Inquiry.objects.filter(assignee__isnull=True).exists()
    assert len(set(Member.objects.values_list("percent_time", flat=True))) > 3

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Team.objects.count(), Member.objects.count(), Inquiry.objects.count()) == counts[:3]
    assert Shift.objects.count() == counts[3]
