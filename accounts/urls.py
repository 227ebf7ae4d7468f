from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.token_create, name="profile-token-create"),
    path("profile/token/revoke/", views.token_revoke, name="profile-token-revoke"),
]
