from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's unread count for the header; one query reading at most 100 rows, none for
    anonymous pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .inbox import unread_label

    cache: list[str] = []

    def unread() -> str:
        # Shown twice in the header (menu button and Inbox link): counted once, to 99 ("99+").
        if not cache:
            cache.append(unread_label(user))
        return cache[0]

    # A callable: evaluated only by templates that show it.
    return {"unread_notifications": unread}
