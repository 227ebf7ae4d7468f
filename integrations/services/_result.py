from __future__ import annotations

from dataclasses import dataclass

from inquiries.models import Inquiry


@dataclass
class Result:
    """What one delivery did: a Delivery.Outcome value, a line for the managers, the inquiry it touched."""

    outcome: str
    detail: str
    inquiry: Inquiry | None = None
