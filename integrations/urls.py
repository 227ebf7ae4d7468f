from django.urls import path

from . import views

urlpatterns = [
    path("hooks/<str:token>/", views.hook, name="hook"),
    path("teams/<slug:slug>/integrations/", views.integration_list, name="integration-list"),
    path(
        "teams/<slug:slug>/integrations/<int:integration_id>/",
        views.integration_edit,
        name="integration-edit",
    ),
    path(
        "teams/<slug:slug>/integrations/<int:integration_id>/<str:action>/",
        views.integration_confirm,
        name="integration-confirm",
    ),
]
