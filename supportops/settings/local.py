"""Development: `make run` on the embedded default."""

from .base import *  # noqa: F403
from .base import EMAIL_BACKEND as _EMAIL_BACKEND
from .env import env_bool, env_list, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-do-not-use-in-production")
# Mail lands in var/mail as files unless an SMTP server is configured.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
    else _EMAIL_BACKEND,
)
WHITENOISE_USE_FINDERS = True
# Local services (a webhook receiver or IMAP server on this machine) are allowed outside production.
OUTBOUND_ALLOWED_HOSTS = env_list("OUTBOUND_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
