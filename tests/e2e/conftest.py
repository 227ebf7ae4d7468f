from tests.inquiries.conftest import _clean_cache, on_shift, open_team  # noqa: F401 - shared fixtures
