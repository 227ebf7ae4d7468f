from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's unread count for the header; one cheap query, none for anonymous pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    def unread() -> int:
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    # A callable: evaluated only by templates that show it.
    return {"unread_notifications": unread}
