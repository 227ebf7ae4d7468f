"""Reads for integrations: the one permission-checked getter, shared by the API and the pages."""

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from shifts.models import Team
from supportops.errors import NotFoundError

from .models import Delivery, Integration


def integrations_of(*, team: Team) -> QuerySet[Integration]:
    return Integration.objects.filter(team=team).order_by("name", "id")


def integration_get(*, team: Team, integration_id: int | str) -> Integration:
    """The team's integration; 404 for anything else (another team's id included)."""
    try:
        pk = int(integration_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"No integration {integration_id!r} in {team.name}.") from None
    integration = integrations_of(team=team).filter(pk=pk).select_related("team").first()
    if integration is None:
        raise NotFoundError(f"No integration {pk} in {team.name}.")
    return integration


def hook_url(integration: Integration) -> str:
    return settings.SITE_URL + reverse("hook", args=[integration.token])


def recent_deliveries(*, integration: Integration, limit: int = 20) -> QuerySet[Delivery]:
    return Delivery.objects.filter(integration=integration).select_related("inquiry")[:limit]
