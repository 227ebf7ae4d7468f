from django.urls import path

from ..reports import SessionsReportView
from . import views

urlpatterns = [
    path("public/sessions/slots/", views.PublicSlotsView.as_view(), name="api-public-session-slots"),
    path("public/sessions/", views.PublicBookingView.as_view(), name="api-public-sessions"),
    path("sessions/", views.SessionListView.as_view(), name="api-sessions"),
    path("sessions/<int:session_id>/", views.SessionDetailView.as_view(), name="api-session-detail"),
    path("reports/sessions/", SessionsReportView.as_view(), name="api-report-sessions"),
]
