"""The inquiry fixtures (a Primary on shift, an inquiry factory) for the security tests too."""

from tests.inquiries.conftest import inquiry, on_shift, open_team, topic  # noqa: F401
