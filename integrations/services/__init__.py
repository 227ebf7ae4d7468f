"""Every write of the integrations app goes through these functions (API, pages and /hooks/ call them)."""

from .manage import (
    integration_create,
    integration_delete,
    integration_rotate,
    integration_update,
)
from .receive import HookAnswer, delivery_receive

__all__ = [
    "HookAnswer",
    "delivery_receive",
    "integration_create",
    "integration_delete",
    "integration_rotate",
    "integration_update",
]
