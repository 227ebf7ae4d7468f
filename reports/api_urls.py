from django.urls import path

from . import api

urlpatterns = [
    path("load/", api.LoadReportView.as_view(), name="api-report-load"),
    path("response-times/", api.ResponseTimesReportView.as_view(), name="api-report-response-times"),
    path("cost/", api.CostReportView.as_view(), name="api-report-cost"),
    path("cost/plan/", api.CostPlanView.as_view(), name="api-report-cost-plan"),
    path("topics/", api.TopicsReportView.as_view(), name="api-report-topics"),
    path("team-load/", api.TeamLoadReportView.as_view(), name="api-report-team-load"),
]
