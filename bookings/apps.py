from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    label = "bookings"
    verbose_name = "One-to-one sessions"

    def ready(self) -> None:
        # Sessions appear in a member's iCal feed through the feed's extension point (no import of
        # bookings from shifts).
        from shifts import ical

        from .invitations import feed_events

        ical.register_feed_events(feed_events)
