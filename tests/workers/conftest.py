"""Fixtures for the worker tests; their rows (inquiries with deadlines, shifts with an interval) come from
tests/factories.py, made directly, not through the intake service."""

import pytest

from tests.factories import make_member


@pytest.fixture
def secondary(team):
    return make_member(team, "sam", percent_time=60)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can print process logs on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
