"""Who may change a team is decided by the team services (the API and pages only call them); the
domain error `Forbidden` is a 403 for the API and for pages alike."""

import pytest
from django.test import RequestFactory
from django.views.defaults import permission_denied

from inquiries.models import Event, SlaNotice
from notices.models import Notification
from shifts import services
from shifts.models import Member
from supportops.errors import DomainError, Forbidden
from supportops.notifications import TEAM_EVENTS

pytestmark = pytest.mark.django_db


def test_a_developer_cannot_change_the_team_or_its_members_through_the_services(team, manager, teammate):
    with pytest.raises(Forbidden):
        services.team_update(team=team, data={"name": "Taken over"}, actor=teammate.user)
    with pytest.raises(Forbidden):
        services.member_add(
            team=team, username="intruder", email="i@example.org", percent_time=50, actor=teammate.user
        )
    with pytest.raises(Forbidden):
        services.member_update(member=teammate, data={"role": "manager"}, actor=teammate.user)
    with pytest.raises(Forbidden):
        services.member_remove(member=manager, actor=teammate.user)
    team.refresh_from_db()
    assert team.name == "Applied Data Science"
    assert not Member.objects.filter(user__username="intruder").exists()
    assert Member.objects.get(pk=teammate.pk).role == "developer"
    assert Member.objects.get(pk=manager.pk).is_active


def test_a_manager_changes_the_team_and_a_person_their_own_name(team, manager, teammate):
    services.team_update(team=team, data={"name": "ADS"}, actor=manager.user)
    services.member_update(member=teammate, data={"percent_time": 60}, actor=manager.user)
    services.member_update(member=teammate, data={"name": "Tom Thumb"}, actor=teammate.user)
    with pytest.raises(Forbidden):
        services.member_update(member=teammate, data={"name": "Renamed"}, actor=manager.user)
    teammate.refresh_from_db()
    assert (teammate.percent_time, teammate.user.get_full_name()) == (60, "Tom Thumb")


def test_the_system_itself_is_not_checked(team, teammate):
    """The demo seed and management commands call the services without an actor."""
    services.team_update(team=team, data={"name": "Seeded"})
    services.member_remove(member=teammate)
    assert not Member.objects.get(pk=teammate.pk).is_active


def test_the_api_answers_a_forbidden_change_with_403_and_the_reason(as_member, team, manager, teammate):
    response = as_member(teammate).patch(f"/api/v1/teams/{team.slug}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert "Only managers of Applied Data Science" in response.json()["detail"]


def test_forbidden_is_a_domain_error_and_django_renders_it_as_a_403_page(rf: RequestFactory, primary):
    assert issubclass(Forbidden, DomainError) and Forbidden.status_code == 403
    request = rf.get("/")
    request.user = primary.user
    response = permission_denied(request, Forbidden("Only managers of ADS can do this."))
    assert response.status_code == 403
    assert "Only managers of ADS can do this." in response.content.decode()


def test_kinds_are_named_in_one_place():
    from accounts.services import EMAIL_NOTICE_KINDS

    assert TEAM_EVENTS <= set(Notification.Kind.values)
    assert set(EMAIL_NOTICE_KINDS) <= set(Notification.Kind.values)
    assert set(SlaNotice.Kind.values) <= set(Notification.Kind.values)
    assert {"created", "resolved", "handed_off"} <= set(Event.Kind.values)
