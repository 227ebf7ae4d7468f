from django.urls import path

from . import views

urlpatterns = [
    path("book/session/<str:token>/", views.manage, name="booking-manage"),
    path("book/<slug:slug>/", views.book, name="book"),
    path("sessions/", views.host_sessions, name="host-sessions"),
    path("sessions/<int:session_id>/record/", views.host_session_record, name="host-session-record"),
    path("reports/sessions/", views.sessions_report_page, name="report-sessions"),
]
