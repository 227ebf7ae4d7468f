"""Real worker, beat and gunicorn processes started by the integration tests (tests/workers/
test_integration.py): the test settings, except that tasks go through the real broker (REDIS_URL) to
the real database (DATABASE_URL), and mail is written to files (EMAIL_FILE_PATH) the test can read."""

from .env import env_str
from .test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
}
