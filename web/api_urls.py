from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from audit import api as audit_api
from notices import api as notices_api
from security import api as security_api

urlpatterns = [
    path("auth/token/", security_api.TokenView.as_view(), name="api-token"),
    path("teams/<slug:slug>/audit/", audit_api.AuditListView.as_view(), name="api-team-audit"),
    path(
        "teams/<slug:slug>/erase-requester/",
        security_api.EraseRequesterView.as_view(),
        name="api-team-erase-requester",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a file: no inline script under the CSP.
    # Swagger UI styles some elements inline, hence style-src 'unsafe-inline' on this page only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("", include("shifts.api.urls")),
    path("", include("inquiries.api.urls")),
    path("", include("postmortems.api.urls")),
    path("", include("integrations.api_urls")),
    path("", include("bookings.api.urls")),
    path("", include(notices_api.urlpatterns)),
    path("reports/", include("reports.api_urls")),
]
