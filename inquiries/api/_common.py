from rest_framework.request import Request

from ..models import Inquiry
from ..selectors import inquiry_get_for_user


def inquiry_for(request: Request, reference: str) -> Inquiry:
    return inquiry_get_for_user(
        user=request.user, reference=reference, team_slug=request.query_params.get("team")
    )


def fresh(request: Request, inquiry: Inquiry) -> Inquiry:
    """Re-read after a change, with the list annotations (effort_minutes) and joins."""
    return inquiry_get_for_user(user=request.user, reference=inquiry.reference, team_slug=inquiry.team.slug)
