from django.urls import path

from . import api

urlpatterns = [
    path("teams/<slug:slug>/integrations/", api.IntegrationListView.as_view(), name="api-integration-list"),
    path(
        "teams/<slug:slug>/integrations/<int:integration_id>/",
        api.IntegrationDetailView.as_view(),
        name="api-integration-detail",
    ),
    path(
        "teams/<slug:slug>/integrations/<int:integration_id>/rotate/",
        api.IntegrationRotateView.as_view(),
        name="api-integration-rotate",
    ),
]
