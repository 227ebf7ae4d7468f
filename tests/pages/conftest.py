from tests.inquiries.conftest import inquiry, on_shift, open_team, topic  # noqa: F401
