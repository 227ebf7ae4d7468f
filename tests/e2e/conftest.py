from tests.inquiries.conftest import on_shift, open_team  # noqa: F401 - shared fixtures
