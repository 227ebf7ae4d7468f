from django.urls import path

from .views import actions, pages

urlpatterns = [
    path("postmortems/", pages.postmortem_list, name="postmortem-list"),
    path("postmortems/new/", pages.postmortem_new, name="postmortem-new"),
    path("postmortems/agenda/", pages.agenda, name="postmortem-agenda"),
    path("postmortems/agenda.md", pages.agenda_markdown, name="postmortem-agenda-md"),
    path("postmortems/<int:postmortem_id>/", pages.postmortem_detail, name="postmortem-detail"),
    path(
        "postmortems/<int:postmortem_id>/<slug:action>/", actions.postmortem_action, name="postmortem-action"
    ),
]
