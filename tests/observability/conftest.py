from tests.workers.conftest import pytest_runtest_makereport  # noqa: F401 - process logs on failure
from tests.workers.test_integration import stack  # noqa: F401 - real gunicorn/worker/beat processes
