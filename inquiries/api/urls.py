from django.urls import path

from . import actions, escalations, improvements, inquiries

ref = "inquiries/<str:reference>/"

urlpatterns = [
    path("inquiries/", inquiries.InquiryListView.as_view(), name="api-inquiry-list"),
    path(ref, inquiries.InquiryDetailView.as_view(), name="api-inquiry-detail"),
    path(ref + "respond/", actions.RespondView.as_view(), name="api-inquiry-respond"),
    path(ref + "notes/", actions.NoteView.as_view(), name="api-inquiry-notes"),
    path(ref + "wait/", actions.WaitView.as_view(), name="api-inquiry-wait"),
    path(ref + "reopen/", actions.ReopenView.as_view(), name="api-inquiry-reopen"),
    path(ref + "resolve/", actions.ResolveView.as_view(), name="api-inquiry-resolve"),
    path(ref + "assign/", actions.AssignView.as_view(), name="api-inquiry-assign"),
    path(ref + "escalate/", actions.EscalateView.as_view(), name="api-inquiry-escalate"),
    path(ref + "effort/", actions.EffortView.as_view(), name="api-inquiry-effort"),
    path(ref + "events/", actions.EventListView.as_view(), name="api-inquiry-events"),
    path(
        ref + "inbound/<int:inbound_id>/accept/",
        actions.AcceptHeldReplyView.as_view(),
        name="api-inquiry-accept-held-reply",
    ),
    path(
        "escalations/<int:escalation_id>/accept/",
        escalations.EscalationAcceptView.as_view(),
        name="api-escalation-accept",
    ),
    path(
        "escalations/<int:escalation_id>/decline/",
        escalations.EscalationDeclineView.as_view(),
        name="api-escalation-decline",
    ),
    path("improvements/", improvements.ImprovementListView.as_view(), name="api-improvement-list"),
    path(
        "improvements/<int:improvement_id>/",
        improvements.ImprovementDetailView.as_view(),
        name="api-improvement-detail",
    ),
]
