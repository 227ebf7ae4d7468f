from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from . import api_notifications

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("shifts.api.urls")),
    path("", include("inquiries.api.urls")),
    path("", include("postmortems.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include(api_notifications.urlpatterns)),
    path("reports/", include("supportops.reports.api_urls")),
]
