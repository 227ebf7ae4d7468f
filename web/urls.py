from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from audit import views as audit_views
from inquiries.api.public import public_inquiry_create
from notices import views
from observability import views as metrics_views
from security import views as security_views
from shifts.views import teams as team_views
from supportops import health
from supportops.api import api_not_found

PUBLIC_INTAKE = "api/v1/public/inquiries/"
# Served through fewer middlewares to a request without a cookie (web.middleware.LeanRoutesMiddleware).
LEAN_PATHS = (PUBLIC_INTAKE,)

urlpatterns = [
    # First: the public intake, the one route hit at a burst's rate, matched before the ~200 others are
    # tried (resolving it last cost more than its validation; issue 16). Documented with inquiries' API.
    path(PUBLIC_INTAKE, public_inquiry_create, name="api-public-inquiry"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_reset/", security_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("web.api_urls")),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox-read"),
    path("teams/", team_views.team_list, name="team-list"),
    path("teams/<slug:slug>/", team_views.team_settings, name="team-settings"),
    path("teams/<slug:slug>/save/", team_views.team_settings_save, name="team-settings-save"),
    path("teams/<slug:slug>/members/add/", team_views.member_add, name="team-member-add"),
    path("teams/<slug:slug>/members/<int:member_id>/", team_views.member_change, name="team-member-change"),
    path(
        "teams/<slug:slug>/members/<int:member_id>/revoke-feeds/",
        team_views.member_revoke_feeds,
        name="team-member-revoke-feeds",
    ),
    path("teams/<slug:slug>/audit/", audit_views.team_audit, name="team-audit"),
    path("reports/", include("reports.urls")),
    path("", include("shifts.urls")),
    path("", include("inquiries.urls")),
    path("", include("postmortems.urls")),
    path("", include("integrations.urls")),
    path("", include("bookings.urls")),
]

# Last: anything else under /api/ (after every app's API routes) is a JSON 404, not Django's HTML page.
urlpatterns += [re_path(r"^api/", api_not_found, name="api-not-found")]
