from django.urls import path

from . import absences, rotations, shifts, swaps, teams

urlpatterns = [
    path("teams/", teams.TeamListView.as_view(), name="api-team-list"),
    path("teams/<slug:slug>/", teams.TeamDetailView.as_view(), name="api-team-detail"),
    path("teams/<slug:slug>/members/", teams.MemberListView.as_view(), name="api-member-list"),
    path(
        "teams/<slug:slug>/members/<int:member_id>/",
        teams.MemberDetailView.as_view(),
        name="api-member-detail",
    ),
    path(
        "teams/<slug:slug>/members/<int:member_id>/revoke-feeds/",
        teams.MemberRevokeFeedsView.as_view(),
        name="api-member-revoke-feeds",
    ),
    path("teams/<slug:slug>/oncall/", shifts.OncallView.as_view(), name="api-oncall"),
    path("teams/<slug:slug>/rotations/", rotations.RotationListView.as_view(), name="api-rotation-list"),
    path(
        "teams/<slug:slug>/rotations/<int:rotation_id>/",
        rotations.RotationDetailView.as_view(),
        name="api-rotation-detail",
    ),
    path(
        "teams/<slug:slug>/rotations/<int:rotation_id>/schedule/",
        rotations.RotationScheduleView.as_view(),
        name="api-rotation-schedule",
    ),
    path("shifts/", shifts.ShiftListView.as_view(), name="api-shift-list"),
    path("shifts/<int:shift_id>/override/", shifts.ShiftOverrideView.as_view(), name="api-shift-override"),
    path("absences/", absences.AbsenceListView.as_view(), name="api-absence-list"),
    path("absences/<int:absence_id>/", absences.AbsenceDetailView.as_view(), name="api-absence-detail"),
    path("swaps/", swaps.SwapListView.as_view(), name="api-swap-list"),
    path("swaps/<int:swap_id>/accept/", swaps.SwapAcceptView.as_view(), name="api-swap-accept"),
    path("swaps/<int:swap_id>/decline/", swaps.SwapDeclineView.as_view(), name="api-swap-decline"),
    path("swaps/<int:swap_id>/cancel/", swaps.SwapCancelView.as_view(), name="api-swap-cancel"),
]
