from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="reports"),
    path("load/", views.load, name="report-load"),
    path("response-times/", views.response_times, name="report-response-times"),
    path("cost/", views.cost, name="report-cost"),
    path("topics/", views.topics, name="report-topics"),
    path("team-load/", views.team_load, name="report-team-load"),
    path("health/", views.health_fragment, name="report-health"),
]
