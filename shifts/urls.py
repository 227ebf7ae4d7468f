from django.urls import path

from .views import feeds, pages

urlpatterns = [
    path("rotations/", pages.rotations_page, name="rotations"),
    path("rotations/save/", pages.rotation_save, name="rotation-save"),
    path("rotations/schedule/", pages.rotation_schedule, name="rotation-schedule"),
    path("rotations/absences/add/", pages.absence_add, name="absence-add"),
    path("rotations/absences/remove/", pages.absence_remove, name="absence-remove"),
    path("rotations/override/", pages.shift_override, name="shift-override"),
    path("rotations/swaps/request/", pages.swap_request, name="swap-request"),
    path("rotations/swaps/decide/", pages.swap_decide, name="swap-decide"),
    path("rotations/swaps/cancel/", pages.swap_cancel, name="swap-cancel"),
    path("calendar/", pages.calendar_page, name="calendar"),
    path("calendar/feeds/add/", pages.feed_add, name="feed-add"),
    path("calendar/feeds/revoke/", pages.feed_remove, name="feed-revoke"),
    path("calendar/<str:token>.ics", feeds.calendar_feed, name="calendar-feed"),
]
