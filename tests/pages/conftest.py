from tests.inquiries.conftest import inquiry, make_inquiry, on_shift, open_team, topic  # noqa: F401
