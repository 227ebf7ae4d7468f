from django.urls import path

from . import agenda, parts, postmortems

one = "postmortems/<int:postmortem_id>/"

urlpatterns = [
    path("postmortems/", postmortems.PostmortemListView.as_view(), name="api-postmortem-list"),
    path("postmortems/agenda/", agenda.AgendaView.as_view(), name="api-postmortem-agenda"),
    path(one, postmortems.PostmortemDetailView.as_view(), name="api-postmortem-detail"),
    path(one + "submit/", postmortems.SubmitView.as_view(), name="api-postmortem-submit"),
    path(one + "discuss/", postmortems.DiscussView.as_view(), name="api-postmortem-discuss"),
    path(one + "close/", postmortems.CloseView.as_view(), name="api-postmortem-close"),
    path(one + "reopen/", postmortems.ReopenView.as_view(), name="api-postmortem-reopen"),
    path(one + "milestones/", parts.MilestoneListView.as_view(), name="api-postmortem-milestones"),
    path(
        one + "milestones/<int:milestone_id>/",
        parts.MilestoneDetailView.as_view(),
        name="api-postmortem-milestone",
    ),
    path(
        one + "recommendations/",
        parts.RecommendationListView.as_view(),
        name="api-postmortem-recommendations",
    ),
    path(
        one + "recommendations/<int:recommendation_id>/",
        parts.RecommendationDetailView.as_view(),
        name="api-postmortem-recommendation",
    ),
    path(
        one + "recommendations/<int:recommendation_id>/backlog/",
        parts.RecommendationBacklogView.as_view(),
        name="api-postmortem-recommendation-backlog",
    ),
]
