"""Rows for the worker tests, made directly (not through the intake service): an inquiry is a row
with deadlines, a shift is a row with an interval."""

import pytest

# The row factories live in tests/factories.py; imported here too, where the worker tests find them.
from tests.factories import T0, make_inquiry, make_member, make_shift

__all__ = ["T0", "make_inquiry", "make_shift"]


@pytest.fixture
def secondary(team):
    return make_member(team, "sam", percent_time=60)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can print process logs on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
