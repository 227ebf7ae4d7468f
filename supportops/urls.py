from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from shifts import team_views

from . import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("supportops.api_urls")),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox-read"),
    path("teams/", team_views.team_list, name="team-list"),
    path("teams/<slug:slug>/", team_views.team_settings, name="team-settings"),
    path("teams/<slug:slug>/save/", team_views.team_settings_save, name="team-settings-save"),
    path("teams/<slug:slug>/members/add/", team_views.member_add, name="team-member-add"),
    path("teams/<slug:slug>/members/<int:member_id>/", team_views.member_change, name="team-member-change"),
    path("reports/", include("supportops.reports.urls")),
    path("", include("shifts.urls")),
    path("", include("inquiries.urls")),
    path("", include("postmortems.urls")),
]
