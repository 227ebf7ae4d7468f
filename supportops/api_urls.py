from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken

from . import api_notifications

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
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
    path("", include(api_notifications.urlpatterns)),
    path("reports/", include("supportops.reports.api_urls")),
]
