from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from audit import api as audit_api
from security import api as security_api

from . import api_notifications

urlpatterns = [
    path("auth/token/", security_api.TokenView.as_view(), name="api-token"),
    path("teams/<slug:slug>/audit/", audit_api.AuditListView.as_view(), name="api-team-audit"),
    path(
        "teams/<slug:slug>/erase-requester/",
        security_api.EraseRequesterView.as_view(),
        name="api-team-erase-requester",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("shifts.api.urls")),
    path("", include("inquiries.api.urls")),
    path("", include("postmortems.api.urls")),
    path("", include("integrations.api_urls")),
    path("", include("bookings.api.urls")),
    path("", include(api_notifications.urlpatterns)),
    path("reports/", include("supportops.reports.api_urls")),
]
