from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's unread count for the header; one cheap query, none for anonymous pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    cache: list[int] = []

    def unread() -> int:
        # Shown twice in the header (menu button and Inbox link): counted once.
        if not cache:
            cache.append(Notification.objects.filter(recipient=user, read_at__isnull=True).count())
        return cache[0]

    # A callable: evaluated only by templates that show it.
    return {"unread_notifications": unread}
