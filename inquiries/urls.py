from django.urls import path

from .views import actions, backlog, canned, dashboard, inquiries, public

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("dashboard/queue/", dashboard.dashboard_queue, name="dashboard-queue"),
    path("inquiries/", inquiries.inquiry_list, name="inquiry-list"),
    path("inquiries/new/", inquiries.inquiry_new, name="inquiry-new"),
    path("inquiries/bulk/", inquiries.inquiry_bulk, name="inquiry-bulk"),
    path("inquiries/views/", inquiries.saved_view_add, name="saved-view-add"),
    path("inquiries/views/<int:view_id>/remove/", inquiries.saved_view_remove, name="saved-view-remove"),
    path("inquiries/<str:reference>/", inquiries.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<str:reference>/similar/", inquiries.inquiry_similar, name="inquiry-similar"),
    path("inquiries/<str:reference>/<slug:action>/", actions.inquiry_action, name="inquiry-action"),
    path(
        "escalations/<int:escalation_id>/<slug:answer>/", actions.escalation_answer, name="escalation-answer"
    ),
    path("teams/<slug:slug>/canned-replies/", canned.canned_replies, name="canned-replies"),
    path(
        "teams/<slug:slug>/canned-replies/<int:reply_id>/remove/",
        canned.canned_reply_remove,
        name="canned-reply-remove",
    ),
    path("backlog/", backlog.backlog, name="backlog"),
    path("backlog/<int:improvement_id>/", backlog.backlog_update, name="backlog-update"),
    path("ask/", public.ask_index, name="ask"),
    path("ask/<slug:slug>/", public.ask_team, name="ask-team"),
    path("track/<str:token>/", public.track, name="track"),
    path("track/<str:token>/reply/", public.track_reply, name="track-reply"),
    path("track/<str:token>/reopen/", public.track_reopen, name="track-reopen"),
]
