from django.urls import path

from . import teams

urlpatterns = [
    path("teams/", teams.TeamListView.as_view(), name="api-team-list"),
    path("teams/<slug:slug>/", teams.TeamDetailView.as_view(), name="api-team-detail"),
    path("teams/<slug:slug>/members/", teams.MemberListView.as_view(), name="api-member-list"),
    path(
        "teams/<slug:slug>/members/<int:member_id>/",
        teams.MemberDetailView.as_view(),
        name="api-member-detail",
    ),
]
