from decimal import Decimal

import pytest

from inquiries import services
from inquiries.models import Improvement
from inquiries.selectors import similar_inquiries
from supportops.errors import InvalidInput
from tests.factories import inquiry_through_intake

pytestmark = pytest.mark.django_db


def test_low_hanging_fruit_must_fit_the_team_hours(open_team, primary, inquiry):
    item = services.improvement_create(
        team=open_team,
        actor=primary.user,
        title="FAQ entry",
        kind="low_hanging_fruit",
        estimate_hours="3.5",
        source_inquiry=inquiry,
    )
    assert item.estimate_hours == Decimal("3.5")
    assert inquiry.events.filter(kind="improvement_filed").exists()
    with pytest.raises(InvalidInput, match="more than Applied Data Science's low-hanging-fruit limit of 4"):
        services.improvement_create(
            team=open_team, actor=primary.user, title="Rewrite", kind="low_hanging_fruit", estimate_hours=12
        )
    with pytest.raises(InvalidInput, match="needs an estimate"):
        services.improvement_create(team=open_team, actor=primary.user, title="?", kind="low_hanging_fruit")
    assert Improvement.objects.count() == 1


def test_product_issue_needs_a_url_and_updates_are_rechecked(open_team, primary):
    with pytest.raises(InvalidInput, match="needs the URL"):
        services.improvement_create(team=open_team, actor=primary.user, title="Crash", kind="product_issue")
    item = services.improvement_create(
        team=open_team, actor=primary.user, title="Crash", kind="product_issue", url="https://x.org/1"
    )
    with pytest.raises(InvalidInput, match="needs an estimate"):
        services.improvement_update(improvement=item, actor=primary.user, data={"kind": "low_hanging_fruit"})
    item.refresh_from_db()
    assert item.kind == "product_issue"
    done = services.improvement_update(improvement=item, actor=primary.user, data={"status": "done"})
    assert done.status == "done"


def test_similar_inquiries_finds_past_questions_on_the_same_words(on_shift, open_team, other_team):
    past = inquiry_through_intake(
        open_team, subject="Kernel dies loading dataset", body="Jupyter kernel crashes with a big dataset"
    )
    inquiry_through_intake(open_team, subject="Certificate name wrong", body="My certificate shows a typo")
    inquiry_through_intake(other_team, subject="Kernel dies loading dataset", body="Jupyter kernel dataset")
    current = inquiry_through_intake(
        open_team, subject="Jupyter kernel dies", body="When loading the dataset the kernel dies"
    )
    found = similar_inquiries(inquiry=current)
    assert [i.reference for i in found] == [past.reference]
