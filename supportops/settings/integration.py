"""Real worker, beat and gunicorn processes started by the integration tests (tests/workers/
test_integration.py): the test settings, except that tasks go through the real broker (REDIS_URL) to
the real database (DATABASE_URL), and mail is written to files (EMAIL_FILE_PATH) the test can read."""

from observability.logging import json_logging_config

from .env import env_str
from .test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
# The processes log as in production (JSON lines), so the tests read the same lines operators do.
LOGGING = json_logging_config("INFO")
